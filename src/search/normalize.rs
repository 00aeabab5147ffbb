//! The one normalisation that both the index (here) and the query engine
//! (`themes/default/static/search.js`, `normalize`) apply, so that what Ctrl+F would
//! find, search finds: ASCII letters are case-folded, full-width ASCII (`ＩＳＯ１７０２５`)
//! becomes half-width, and every run of white space becomes one space. Nothing else is
//! touched: 。、“” and the other CJK punctuation, digits and letters stay as they are
//! (the full-width forms ，；：（） are full-width ASCII, so they fold to , ; : ( ),
//! and a reader typing either finds both).
//!
//! `tests/search/normalize.json` holds cases that the Rust tests and the browser tests
//! both check, so the two implementations cannot drift apart.

/// Separates units (title, headings, blocks) inside an indexed stream. Normalised text
/// never contains it (white space became a plain space), so no n-gram and no query can
/// span two units.
pub const SEP: char = '\n';

/// White space as both implementations define it (JavaScript's `\s` minus nothing,
/// spelled out so that no engine's Unicode tables decide).
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// Folds one character: full-width ASCII to ASCII, then ASCII upper case to lower.
pub fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Normalises `text` into code points: folded, white space collapsed to single spaces,
/// trimmed at both ends.
pub fn normalize(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut pending_space = false;
    for c in text.chars() {
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(fold(c));
    }
    out
}

/// [`normalize`] as a `String`.
pub fn normalize_str(text: &str) -> String {
    normalize(text).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_space() {
        assert_eq!(normalize_str("  ＩＳＯ／ＩＥＣ　17025 "), "iso/iec 17025");
        assert_eq!(normalize_str("CNAS-CL01\n\t idt"), "cnas-cl01 idt");
        assert_eq!(normalize_str("恒温恒湿"), "恒温恒湿");
        assert_eq!(normalize_str("同比增长８．８％"), "同比增长8.8%");
        assert_eq!(
            normalize_str("（一）"),
            "(一)",
            "full-width brackets are full-width ASCII"
        );
        assert_eq!(normalize_str("“公正”。"), "“公正”。", "other punctuation stays");
        assert_eq!(normalize_str(""), "");
        assert_eq!(normalize_str(" \u{3000} "), "");
    }

    /// The cases the browser tests also run through search.js's `normalize`.
    #[test]
    fn shared_cases_agree() {
        let cases: Vec<(String, String)> =
            serde_json::from_str(include_str!("../../tests/search/normalize.json")).expect("valid JSON");
        assert!(cases.len() >= 10);
        for (input, expected) in cases {
            assert_eq!(normalize_str(&input), expected, "normalising {input:?}");
        }
    }
}
