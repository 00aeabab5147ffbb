//! A content file from arbitrary bytes: decoded, split into front matter and body,
//! validated as a document, then its body rendered as Markdown the way a report's is.
//! Errors are expected (and are formatted, as `gongshi build` prints them); a panic, a
//! hang or a crash is a bug.

#![no_main]

use std::path::Path;

use gongshi::content::document::{DocumentInput, parse_document};
use gongshi::content::front_matter::{decode_utf8, normalise_newlines, split};
use gongshi::content::kind::Kind;
use gongshi::markdown::{self, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The whole input is the file; its last byte also picks the options. Bit 0: raw
    // HTML allowed; bit 1: the section makes its pages reports; bit 2: a base path.
    // A file ending in a newline (0x0A) is read like content/reports/2018.md.
    let Some(&flags) = data.last() else {
        return;
    };
    let file = Path::new("content/reports/fuzz.md");
    let text = match decode_utf8(file, data) {
        Ok(text) => text,
        Err(e) => {
            let _ = e.to_string();
            // Go on with the valid text, so invalid bytes do not end the run.
            String::from_utf8_lossy(data).into_owned()
        }
    };
    let text = normalise_newlines(&text);
    let parts = match split(file, &text) {
        Ok(parts) => parts,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let body = parts.body;
    let document = parse_document(DocumentInput {
        file,
        text: &text,
        split: parts,
        section: "reports",
        url_path: "reports/fuzz/".to_string(),
        section_kind: (flags & 2 != 0).then_some(Kind::Report),
        digest: String::new(),
    });
    // The body is rendered even when the front matter is invalid: its checks must not
    // shield the renderer from any input.
    let body = match &document {
        Ok(d) => d.body(),
        Err(e) => {
            let _ = e.to_string();
            body.to_string()
        }
    };
    let _ = markdown::render(
        &body,
        &RenderOptions {
            paragraph_anchors: true,
            item_anchors: true,
            base_path: if flags & 4 != 0 { "/csr/" } else { "/" }.to_string(),
            allow_html: flags & 1 != 0,
        },
    );
});
