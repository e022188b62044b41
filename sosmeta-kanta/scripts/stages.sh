#!/usr/bin/env bash
# Instruction counts per call of each archive stage (valgrind's callgrind: stable on a
# loaded machine, unlike timings). Usage: sosmeta-kanta/scripts/stages.sh [iterations]
# Each stage runs with N iterations and with 0; the difference / N is its cost.
set -euo pipefail
n=${1:-200}
cargo build --release -q -p sosmeta-kanta --example archive_stages --features fixtures
bin=target/release/examples/archive_stages
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for fixture in asiakkuusasiakirja 15007; do
    base=$(count "$fixture" content 0)
    for stage in content read_cda xhtml frame layer all; do
        c=$(count "$fixture" "$stage" "$n")
        awk -v f="$fixture" -v s="$stage" -v c="$c" -v b="$base" -v n="$n" \
            'BEGIN { printf "%-20s %-9s %8.3f M instructions per call\n", f, s, (c - b) / n / 1e6 }'
    done
done
