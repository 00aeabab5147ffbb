//! The text comparison of two arbitrary Markdown bodies: each is rendered the way a
//! report is, then their sections are aligned and diffed. A panic or a hang is a bug.

#![no_main]

use gongshi::markdown::{self, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The two texts are separated by the first 0xFF byte (never part of UTF-8), or,
    // without one, the input is cut in half.
    let (a, b) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => data.split_at(data.len() / 2),
    };
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    let opts = RenderOptions {
        paragraph_anchors: true,
        item_anchors: true,
        base_path: "/".to_string(),
        allow_html: false,
    };
    let a = markdown::render(&a, &opts);
    let b = markdown::render(&b, &opts);
    let _ = gongshi::compare::compare_report_text(&a.sections, &b.sections);
});
