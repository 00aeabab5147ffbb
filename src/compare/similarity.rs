//! How alike two pieces of text are, cheaply: character bigrams compared with Dice's
//! coefficient. Chinese has no spaces, and a renamed heading or a reworded paragraph
//! keeps most of its two-character words, so bigrams measure what a reader would
//! call "the same passage, edited" without segmenting anything.
//!
//! Counts are integers and only their sums matter, so the result does not depend on
//! hash-map order: alignments stay byte-for-byte reproducible.

use std::collections::HashMap;

/// The bigram multiset of a text, letters and digits only (punctuation and spaces
/// are not content).
#[derive(Debug, Clone, Default)]
pub struct Bigrams {
    counts: HashMap<(char, char), u32>,
    total: u32,
}

impl Bigrams {
    pub fn new(text: &str) -> Bigrams {
        let mut counts = HashMap::new();
        let mut total = 0;
        let mut prev: Option<char> = None;
        for c in text.chars().filter(|c| c.is_alphanumeric()) {
            if let Some(p) = prev {
                *counts.entry((p, c)).or_insert(0) += 1;
                total += 1;
            }
            prev = Some(c);
        }
        // A one-character text still has content: count it as a bigram with itself.
        if total == 0
            && let Some(p) = prev
        {
            counts.insert((p, p), 1);
            total = 1;
        }
        Bigrams { counts, total }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Dice's coefficient, 0..=1: shared bigrams over all bigrams of both.
    pub fn dice(&self, other: &Bigrams) -> f64 {
        if self.total == 0 || other.total == 0 {
            return 0.0;
        }
        let (small, large) = if self.counts.len() <= other.counts.len() {
            (self, other)
        } else {
            (other, self)
        };
        let shared: u32 = small
            .counts
            .iter()
            .map(|(k, &n)| n.min(large.counts.get(k).copied().unwrap_or(0)))
            .sum();
        2.0 * f64::from(shared) / f64::from(self.total + other.total)
    }
}

/// A heading without its numbering and punctuation, for matching renumbered
/// sections: `二、社会责任管理体系` and `（三）、社会责任：` become `社会责任管理体系` and
/// `社会责任`.
pub fn normalise_title(title: &str) -> String {
    let t = title.trim();
    let t = strip_numbering(t);
    t.chars().filter(|c| c.is_alphanumeric()).collect()
}

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "一二三四五六七八九十百零〇两ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ".contains(c)
}

/// Drops a leading `一、`, `（一）`, `(1)`, `1.`, `1、`, `第一部分` or `第三章`.
fn strip_numbering(t: &str) -> &str {
    let mut s = t;
    if let Some(rest) = s.strip_prefix('第') {
        let n = rest.chars().take_while(|&c| is_numeral(c)).count();
        if n > 0 {
            let after: &str = &rest[rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i)..];
            for unit in ["部分", "章", "节", "条", "项"] {
                if let Some(r) = after.strip_prefix(unit) {
                    s = r;
                    break;
                }
            }
        }
    } else if let Some(rest) = s.strip_prefix(['（', '(']) {
        let n = rest.chars().take_while(|&c| is_numeral(c)).count();
        if n > 0 {
            let after = &rest[rest.char_indices().nth(n).map_or(rest.len(), |(i, _)| i)..];
            if let Some(r) = after.strip_prefix(['）', ')']) {
                s = r;
            }
        }
    } else {
        let n = s.chars().take_while(|&c| is_numeral(c)).count();
        if n > 0 {
            let after = &s[s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)..];
            if let Some(r) = after.strip_prefix(['、', '.', '．', ')', '）', ' ']) {
                s = r;
            }
        }
    }
    s.trim_start_matches(['、', '，', ',', ' ', '.', '：', ':'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_lose_numbering_and_punctuation() {
        assert_eq!(
            normalise_title("二、社会责任管理体系和制度建立情况"),
            "社会责任管理体系和制度建立情况"
        );
        assert_eq!(normalise_title("（三）社会责任："), "社会责任");
        assert_eq!(normalise_title("（三）、社会责任"), "社会责任");
        assert_eq!(normalise_title("1、 前言"), "前言");
        assert_eq!(normalise_title("第二部分 履责情况"), "履责情况");
        assert_eq!(normalise_title("2019年工作重点"), "2019年工作重点");
        assert_eq!(normalise_title("四、2019年工作重点"), "2019年工作重点");
    }

    #[test]
    fn dice_is_one_for_equal_and_low_for_unrelated() {
        let a = Bigrams::new("社会责任管理体系和制度建立情况");
        assert!((a.dice(&a) - 1.0).abs() < 1e-9);
        let b = Bigrams::new("社会责任管理体系和制度的建立情况");
        assert!(a.dice(&b) > 0.8, "{}", a.dice(&b));
        let c = Bigrams::new("今年天气很好");
        assert!(a.dice(&c) < 0.1);
        assert_eq!(Bigrams::new("").dice(&a), 0.0);
    }
}
