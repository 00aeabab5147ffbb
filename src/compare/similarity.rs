//! How alike two pieces of text are, cheaply: character bigrams compared with Dice's
//! coefficient. Chinese has no spaces, and a renamed heading or a reworded paragraph
//! keeps most of its two-character words, so bigrams measure what a reader would
//! call "the same passage, edited" without segmenting anything.
//!
//! Counts are integers and only their sums matter, so the result does not depend on
//! hash-map order: alignments stay byte-for-byte reproducible.

/// The bigram multiset of a text, letters and digits only (punctuation and spaces
/// are not content).
///
/// Kept as a sorted list of (bigram, count) rather than a hash map: building it is a
/// sort, and Dice's coefficient is a merge of two sorted lists, with no hashing. A
/// comparison computes thousands of these (every paragraph against every paragraph of
/// its counterpart section), and hashing was a tenth of the build's time.
#[derive(Debug, Clone, Default)]
pub struct Bigrams {
    counts: Vec<(u64, u32)>,
    total: u32,
}

/// Letters and digits, with Chinese characters and ASCII decided without the Unicode
/// tables (`char::is_alphanumeric` takes a slow path for every CJK character).
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

impl Bigrams {
    pub fn new(text: &str) -> Bigrams {
        let mut keys: Vec<u64> = Vec::with_capacity(text.len() / 3);
        let mut prev: Option<char> = None;
        for c in text.chars().filter(|&c| is_word_char(c)) {
            if let Some(p) = prev {
                keys.push(u64::from(p) << 32 | u64::from(c));
            }
            prev = Some(c);
        }
        // A one-character text still has content: count it as a bigram with itself.
        if keys.is_empty()
            && let Some(p) = prev
        {
            keys.push(u64::from(p) << 32 | u64::from(p));
        }
        keys.sort_unstable();
        let total = keys.len() as u32;
        let mut counts: Vec<(u64, u32)> = Vec::new();
        for k in keys {
            match counts.last_mut() {
                Some((last, n)) if *last == k => *n += 1,
                _ => counts.push((k, 1)),
            }
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
        let (a, b) = (&self.counts, &other.counts);
        let (mut i, mut j, mut shared) = (0, 0, 0u32);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += a[i].1.min(b[j].1);
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * f64::from(shared) / f64::from(self.total + other.total)
    }
}

/// A heading without its numbering and punctuation, for matching renumbered
/// sections: `二、社会责任管理体系` and `（三）、社会责任：` become `社会责任管理体系` and
/// `社会责任`.
pub fn normalise_title(title: &str) -> String {
    let t = title.trim();
    let t = strip_numbering(t);
    t.chars().filter(|&c| is_word_char(c)).collect()
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
