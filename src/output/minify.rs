//! Minification with minify-html, for pages and for the theme's CSS and JavaScript.
//!
//! minify-html minifies CSS and JS only inside HTML, so a stylesheet is wrapped in
//! `<style>` (a script in `<script>`), minified, and unwrapped. That keeps one
//! minifier (and its lightningcss/oxc) for everything instead of adding two more.

use minify_html::{Cfg, minify};

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

fn wrapped(open: &str, close: &str, body: &[u8]) -> Vec<u8> {
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
    fn minifies_pages_keeping_chinese() {
        let h = String::from_utf8(html("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<title> 报告 </title></head>\n<body>\n  <p>中心现有工作人员608名。</p>\n</body></html>")).unwrap();
        assert!(h.contains("<p>中心现有工作人员608名。</p>"), "{h}");
        assert!(!h.contains("\n  <p>"));
    }
}
