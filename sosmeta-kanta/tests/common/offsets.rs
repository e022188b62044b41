//! The every-offset mutants of the XML differential tests (`xml_parse.rs`,
//! `xhtml_check.rs`): at every character boundary of a small document, each piece inserted
//! and put in the place of the next character, and that character left out.

/// Call `compare` on every mutant of `doc` made from `pieces`.
pub(crate) fn each_offset_mutant<'p>(
    doc: &str,
    pieces: impl Iterator<Item = &'p str> + Clone,
    mut compare: impl FnMut(&str),
) {
    for at in (0..=doc.len()).filter(|at| doc.is_char_boundary(*at)) {
        let next = (at + 1..=doc.len())
            .find(|e| doc.is_char_boundary(*e))
            .unwrap_or(at);
        for piece in pieces.clone() {
            let mut m = doc.to_string();
            m.insert_str(at, piece);
            compare(&m);
            if next > at {
                let mut m = doc.to_string();
                m.replace_range(at..next, piece);
                compare(&m);
            }
        }
        let mut m = doc.to_string();
        m.replace_range(at..next, "");
        compare(&m);
    }
}
