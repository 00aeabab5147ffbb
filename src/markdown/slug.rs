//! Readable, stable ASCII ids for Chinese headings.
//!
//! A notice cites `/reports/2018/#er-she-hui-ze-ren-guan-li`, so ids must be plain
//! ASCII (they survive e-mail, Word and WeChat) and depend only on the heading's text.
//! Chinese characters become toneless pinyin syllables joined by `-`.

use std::collections::{HashMap, HashSet};

use pinyin::ToPinyin;

/// Longest slug we produce, cut at a syllable boundary: enough to stay readable,
/// short enough to print in a notice.
const MAX_LEN: usize = 60;

/// The slug of a heading's text; empty when the text has nothing sluggable.
pub fn slugify(text: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, parts: &mut Vec<String>| {
        if !word.is_empty() {
            parts.push(std::mem::take(word));
        }
    };
    for (c, py) in text.chars().zip(text.to_pinyin()) {
        if let Some(p) = py {
            flush(&mut word, &mut parts);
            // ü is written v, as pinyin keyboards do: ids stay pure ASCII.
            parts.push(p.plain().replace('ü', "v"));
        } else if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else {
            flush(&mut word, &mut parts);
        }
    }
    flush(&mut word, &mut parts);
    let mut slug = String::new();
    for p in parts {
        if !slug.is_empty() && slug.len() + 1 + p.len() > MAX_LEN {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&p);
    }
    slug
}

/// Hands out ids unique within one page, in document order.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashSet<String>,
    /// The last number given to each base (`section` -> 3 after `section-3`). Ids are
    /// never freed, so every lower number is still taken and the next search starts
    /// above it: n headings with one title cost n steps, not n² (found with the `document`
    /// fuzz target: fuzz/corpus/document/many-empty-headings.md).
    last_number: HashMap<String, usize>,
}

/// Ids the default theme uses for its own landmarks; content must not take them.
pub const RESERVED_IDS: [&str; 13] = [
    "revisions",
    "revisions-title",
    "cite-title",
    "main",
    "toc",
    "toc-title",
    "metrics",
    "metrics-title",
    "history-title",
    "site-search",
    "search-results",
    "cite",
    "top",
];

impl IdAllocator {
    pub fn new() -> Self {
        IdAllocator {
            used: RESERVED_IDS.iter().map(|s| s.to_string()).collect(),
            last_number: HashMap::new(),
        }
    }

    /// Reserves an explicit id as written (an explicit `{#id}` always wins).
    pub fn take_exact(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    /// `base`, or `base-1`, `base-2`… whichever is free first.
    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let n = self.last_number.entry(base.to_string()).or_insert(0);
        loop {
            *n += 1;
            let candidate = format!("{base}-{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headings_become_pinyin() {
        assert_eq!(slugify("二、社会责任管理体系"), "er-she-hui-ze-ren-guan-li-ti-xi");
        assert_eq!(slugify("（一）诚信责任"), "yi-cheng-xin-ze-ren");
        assert_eq!(slugify("ISO/IEC 17025 认可"), "iso-iec-17025-ren-ke");
        assert_eq!(slugify("1、 前言"), "1-qian-yan");
        assert_eq!(slugify("三、履行社会责任情况"), "san-lv-xing-she-hui-ze-ren-qing-kuang");
        assert_eq!(slugify("……"), "");
    }

    #[test]
    fn long_slugs_are_cut_at_a_syllable() {
        let s = slugify("国家计量器具产品质量监督检验中心社会责任管理体系和制度的建立情况");
        assert!(s.len() <= MAX_LEN);
        assert!(!s.ends_with('-'));
    }

    #[test]
    fn duplicates_get_numbered_in_order() {
        let mut ids = IdAllocator::new();
        assert_eq!(ids.unique("qian-yan"), "qian-yan");
        assert_eq!(ids.unique("qian-yan"), "qian-yan-1");
        assert_eq!(ids.unique("qian-yan"), "qian-yan-2");
        assert_eq!(ids.unique("main"), "main-1");
        assert_eq!(ids.unique(""), "section");
    }

    #[test]
    fn numbering_skips_ids_taken_in_between() {
        let mut ids = IdAllocator::new();
        assert!(ids.take_exact("a-2"));
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-1");
        assert_eq!(ids.unique("a-1"), "a-1-1");
        assert_eq!(ids.unique("a"), "a-3");
        assert_eq!(ids.unique("a"), "a-4");
    }

    /// The `document` fuzz target found a body of 16,000 empty headings (`#` lines) that took minutes:
    /// each duplicate searched `section-1`, `section-2`… from the start.
    #[test]
    fn many_duplicates_take_linear_time() {
        let mut ids = IdAllocator::new();
        for _ in 0..50_000 {
            ids.unique("");
        }
        assert_eq!(ids.unique(""), "section-50000");
    }
}
