//! Minification with minify-html, for pages and for the theme's CSS and JavaScript.
//!
//! minify-html minifies CSS and JS only inside HTML, so a stylesheet is wrapped in
//! `<style>` (a script in `<script>`), minified, and unwrapped. That keeps one
//! minifier (and its lightningcss/oxc) for everything instead of adding two more.

use std::sync::{Mutex, PoisonError};

use minify_html::{Cfg, minify};
use sha2::{Digest, Sha256};

fn page_cfg() -> Cfg {
    let mut cfg = Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = true;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg
}

pub fn html(page: &str) -> Vec<u8> {
    minify(page.as_bytes(), &page_cfg())
}

/// Stands in a page for the `k`-th fragment passed to [`html_with_fragments`].
pub fn placeholder(k: usize) -> String {
    format!("\u{E000}{k}\u{E001}")
}

/// Minifies a page whose large, already compact parts (a comparison's diff HTML, made
/// by our own code without a byte of layout whitespace) were replaced by
/// [`placeholder`]s, then puts them back. minify-html takes some 70 ns a byte, and these
/// parts are most of a comparison page: minifying them took half the time of the
/// comparisons phase, to gain nothing.
///
/// `None` if the page does not hold each placeholder exactly once, in order, and nothing
/// else that looks like one (private-use characters in the content could): the caller
/// then renders the page with its fragments in place and minifies it whole.
pub fn html_with_fragments(page: &str, fragments: &[String]) -> Option<Vec<u8>> {
    if page.matches('\u{E000}').count() != fragments.len() {
        return None;
    }
    splice(&html(page), fragments)
}

/// `minified` with each placeholder replaced by its fragment, if each of them is there
/// exactly once, in order, and nothing else looks like one.
fn splice(minified: &[u8], fragments: &[String]) -> Option<Vec<u8>> {
    const OPEN: &[u8] = "\u{E000}".as_bytes();
    const CLOSE: &[u8] = "\u{E001}".as_bytes();
    let mut out = Vec::with_capacity(minified.len() + fragments.iter().map(String::len).sum::<usize>());
    let mut rest = minified;
    for (k, fragment) in fragments.iter().enumerate() {
        let at = rest.windows(OPEN.len()).position(|w| w == OPEN)?;
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at + OPEN.len()..];
        let end = rest.windows(CLOSE.len()).position(|w| w == CLOSE)?;
        if rest[..end] != *k.to_string().as_bytes() {
            return None;
        }
        out.extend_from_slice(fragment.as_bytes());
        rest = &rest[end + CLOSE.len()..];
    }
    if rest.windows(OPEN.len()).any(|w| w == OPEN) {
        return None;
    }
    out.extend_from_slice(rest);
    Some(out)
}

/// [`unmemoised_wrapped`], remembered for the process: `serve` minifies the theme's
/// stylesheet and scripts again on every rebuild (15 ms with lightningcss and oxc), and
/// they rarely change. The last few results are kept (a poisoned lock only means a
/// panic elsewhere: the list is still one of results).
fn wrapped(open: &str, close: &str, body: &[u8]) -> Vec<u8> {
    static MEMO: Mutex<Vec<([u8; 32], Vec<u8>)>> = Mutex::new(Vec::new());
    const KEPT: usize = 16;
    let key: [u8; 32] = Sha256::new()
        .chain_update(open.as_bytes())
        .chain_update(body)
        .finalize()
        .into();
    let memo = || MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, out)) = memo().iter().find(|(k, _)| *k == key) {
        return out.clone();
    }
    let out = unmemoised_wrapped(open, close, body);
    let mut kept = memo();
    if kept.len() >= KEPT {
        kept.remove(0);
    }
    kept.push((key, out.clone()));
    out
}

fn unmemoised_wrapped(open: &str, close: &str, body: &[u8]) -> Vec<u8> {
    let mut src = Vec::with_capacity(body.len() + open.len() + close.len());
    src.extend_from_slice(open.as_bytes());
    src.extend_from_slice(body);
    src.extend_from_slice(close.as_bytes());
    let out = minify(&src, &page_cfg());
    match out
        .strip_prefix(open.as_bytes())
        .and_then(|o| o.strip_suffix(close.as_bytes()))
    {
        Some(inner) => inner.to_vec(),
        // Should minify-html ever change its wrapping, ship the file unminified rather
        // than broken.
        None => body.to_vec(),
    }
}

pub fn css(body: &[u8]) -> Vec<u8> {
    wrapped("<style>", "</style>", body)
}

pub fn js(body: &[u8]) -> Vec<u8> {
    wrapped("<script>", "</script>", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minifies_css_and_js_files() {
        let c = css(b"body {\n  color : #ff0000 ;\n}\n");
        assert_eq!(String::from_utf8(c).unwrap(), "body{color:red}");
        let j = String::from_utf8(js(b"function hello ( a ) {\n  return a + 1 ;\n}\nwindow.h = hello;\n")).unwrap();
        assert!(j.len() < 50 && j.contains("window.h"), "{j}");
    }

    #[test]
    fn fragments_are_put_back_unchanged() {
        let page = format!(
            "<div>\n  <p> a </p>\n  <div class=\"diff\">{}</div>\n<div>{}</div></div>",
            placeholder(0),
            placeholder(1)
        );
        let fragments = ["<p class=\"x\">改<ins>动</ins></p>".to_string(), "二".to_string()];
        let out = String::from_utf8(html_with_fragments(&page, &fragments).unwrap()).unwrap();
        assert_eq!(
            out,
            "<div><p>a</p><div class=diff><p class=\"x\">改<ins>动</ins></p></div><div>二</div></div>"
        );
    }

    #[test]
    fn text_that_looks_like_a_placeholder_is_refused() {
        // The content itself holds the first placeholder's characters.
        let page = format!("<p>{}</p><div>{}</div>", placeholder(0), placeholder(0));
        assert_eq!(html_with_fragments(&page, &["<b>x</b>".to_string()]), None);
        let page = format!("<p>{}</p>", placeholder(1));
        assert_eq!(html_with_fragments(&page, &["<b>x</b>".to_string()]), None);
    }

    #[test]
    fn minifies_pages_keeping_chinese() {
        let h = String::from_utf8(html("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<title> 报告 </title></head>\n<body>\n  <p>中心现有工作人员608名。</p>\n</body></html>")).unwrap();
        assert!(h.contains("<p>中心现有工作人员608名。</p>"), "{h}");
        assert!(!h.contains("\n  <p>"));
    }
}
