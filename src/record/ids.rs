//! The `id`s a page defines, read from the minified HTML the build has just written.
//!
//! Why not an HTML parser: the manifest needs the ids of every page, and building a
//! DOM (html5ever, via scraper) of every one of a national site's pages cost more than
//! minifying them. The input is always our own output, well-formed and minified, so
//! a scan of start tags suffices: comments and the contents of `<script>`/`<style>` are
//! skipped, attribute values may be quoted or not (minify-html drops quotes), and
//! character references in a value are decoded. A test holds it equal to scraper on
//! every page of a built site (tests/record.rs).

/// Every `id` attribute value, in document order.
pub fn html_ids(html: &str) -> Vec<String> {
    let b = html.as_bytes();
    let mut ids = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue; // `</x>`, `<!DOCTYPE>`, or a stray `<` in text
        }
        let name_end = i + b[i..]
            .iter()
            .take_while(|c| !is_space(**c) && **c != b'>' && **c != b'/')
            .count();
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        // Attributes up to the end of the tag.
        loop {
            while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'=' | b'>') {
                i += 1;
            }
            let attr = &html[attr_start..i];
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                continue; // a boolean attribute
            }
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let (value, next) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                    (&html[i + 1..end], (end + 1).min(b.len()))
                }
                _ => {
                    let end = i + b[i..].iter().take_while(|c| !is_space(**c) && **c != b'>').count();
                    (&html[i..end], end)
                }
            };
            i = next;
            if attr.eq_ignore_ascii_case("id") && !value.is_empty() {
                ids.push(decode_references(value));
            }
        }
        if matches!(name.as_str(), "script" | "style") {
            let close = format!("</{name}");
            i = find_ignore_case(b, i, close.as_bytes()).unwrap_or(b.len());
        }
    }
    ids
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ignore_case(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;`, `&#x27;`: what a minifier
/// or our escaping leaves in an attribute value. Anything else stays as written.
fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::html_ids;

    #[test]
    fn quoted_unquoted_and_decoded() {
        let html = "<!DOCTYPE html><html><head><style>#x{}</style><script>var s='<p id=no>';</script></head>\
            <body><!-- <p id=comment> --><h2 id=\"b c\">y</h2><p id=a class=x>1 < 2</p>\
            <a href=/x id='q&amp;a' hidden>z</a><div data-id=not ID=up></div><input id=last></body></html>";
        assert_eq!(html_ids(html), ["b c", "a", "q&a", "up", "last"]);
    }
}
