#!/usr/bin/env python3
"""Independent oracle: Python `jsonschema` Draft7Validator on the RAW corpus schemas.

Usage: draft7.py CORPUS_DIR CASES.ndjson [--time [ROUNDS]]

CASES.ndjson has one case per line: {"id", "dotted", "document"}; the schema of a case is
CORPUS_DIR/{Valmis,Vanhentunut}/<dotted>.json, read here from the raw file (not from the
Rust model). Prints one line per case: "<id>\t<valid|invalid>". With --time, prints only
"<documents> <CPU seconds pre-parsed> <CPU seconds from text>" for the validation loop
(one compiled validator per schema, compiled before timing; documents already parsed,
and from their compact JSON text with json.loads included; one untimed warm-up pass,
then the fastest of ROUNDS passes, default 1), for `cargo xtask bench`.

Requires: pip install 'jsonschema>=4.18'
"""
import json
import os
import sys
import time

from jsonschema import Draft7Validator


def main():
    corpus, cases_path = sys.argv[1], sys.argv[2]
    extra = sys.argv[3:]
    timing = "--time" in extra
    rounds = 1
    if timing and extra.index("--time") + 1 < len(extra):
        rounds = max(1, int(extra[extra.index("--time") + 1]))
    files = {}
    for sub in ("Valmis", "Vanhentunut", "."):
        d = os.path.join(corpus, sub)
        if os.path.isdir(d):
            for name in os.listdir(d):
                if name.endswith(".json"):
                    files.setdefault(name[:-5], os.path.join(d, name))
    validators = {}
    cases = []
    with open(cases_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                c = json.loads(line)
                dotted = c["dotted"]
                if dotted not in validators:
                    with open(files[dotted], encoding="utf-8") as sf:
                        validators[dotted] = Draft7Validator(json.load(sf))
                text = json.dumps(c["document"], ensure_ascii=False, separators=(",", ":"))
                cases.append((c["id"], validators[dotted], c["document"], text))
    if timing:

        def parsed():
            for _, v, doc, _ in cases:
                v.is_valid(doc)

        def from_text():
            for _, v, _, text in cases:
                v.is_valid(json.loads(text))

        passes = [parsed, from_text]
        for p in passes:
            p()
        best = [float("inf")] * len(passes)
        for _ in range(rounds):
            for i, p in enumerate(passes):
                start = time.thread_time()
                p()
                best[i] = min(best[i], time.thread_time() - start)
        print(len(cases), best[0], best[1])
        return
    out = sys.stdout
    for cid, v, doc, _ in cases:
        out.write("%s\t%s\n" % (cid, "valid" if v.is_valid(doc) else "invalid"))


if __name__ == "__main__":
    main()
