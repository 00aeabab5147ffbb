//! Splitting a Markdown file into YAML front matter and body.
//!
//! Input is forgiving about encoding details (a UTF-8 BOM, CRLF line endings) and
//! strict about structure: front matter must open on the first line with `---` and
//! close with a `---` line.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// A Markdown file split in two.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// 1-based line in the file where the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// 1-based line in the file where the body starts.
    pub body_line: usize,
}

/// Decodes bytes as UTF-8, dropping a BOM; invalid UTF-8 is an error naming the line.
pub fn decode_utf8(file: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let col_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[col_start..]).chars().count() + 1;
            let lossy = String::from_utf8_lossy(bytes);
            Err(
                Diagnostic::error(file, format!("invalid UTF-8 at byte {}", e.valid_up_to()))
                    .at(&lossy, line, column)
                    .with_help(
                        "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8); GBK/GB2312 files must be converted",
                    ),
            )
        }
    }
}

/// CRLF and lone CR become LF, so line numbers and Markdown parsing agree everywhere.
pub fn normalise_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text` (already newline-normalised). Without an opening `---` the whole
/// file is body and the YAML is empty; callers decide whether that is acceptable.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_line_end]) {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line_no = 2;
    for line in text[yaml_start..].split_inclusive('\n') {
        if is_fence(line) {
            let body_start = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
        line_no += 1;
    }
    Err(Diagnostic::error(file, "front matter is not closed")
        .at_line(text, 1)
        .with_help("add a line with only `---` after the last front matter key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let t = "---\ntitle: a\n---\n# Body\n";
        let s = split(Path::new("a.md"), t).unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unterminated_front_matter_is_an_error_at_line_one() {
        let t = "---\ntitle: a\n# Body\n";
        let d = split(Path::new("a.md"), t).unwrap_err();
        assert_eq!(d.line, Some(1));
        assert!(d.message.contains("not closed"));
    }

    #[test]
    fn bom_and_crlf_are_fine() {
        let bytes = b"\xEF\xBB\xBF---\r\ntitle: a\r\n---\r\nbody\r\n";
        let text = normalise_newlines(&decode_utf8(Path::new("a.md"), bytes).unwrap());
        let s = split(Path::new("a.md"), &text).unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn invalid_utf8_names_line() {
        let bytes = b"---\ntitle: \xff\n---\n";
        let d = decode_utf8(Path::new("a.md"), bytes).unwrap_err();
        assert_eq!(d.line, Some(2));
        assert_eq!(d.column, Some(8));
    }
}
