//! `excerpt`: text that stops without saying so.
//!
//! Reports are often published from a source that cuts paragraphs off (`…对社会责...`).
//! Inside an `:::excerpt` block the page says so; outside one, a reader takes the
//! cut for the centre's own sentence. So a paragraph ending in `...`, `…` or `……`
//! outside an excerpt block is marked, and so is one ending in `，` or `、` (a
//! sentence broken off without even an ellipsis, like the 2018 seed's "全年共抽查
//! 2500余份，"). Inside an excerpt block such endings are the point; an excerpt block
//! none of whose paragraphs is cut is marked instead, since it tells readers
//! something is missing when nothing is. An ellipsis inside a sentence (`如……等`)
//! is not an ending.

use super::scan::{Block, BlockKind, Scanned, Text};
use super::{EXCERPT, Findings};

/// Closing marks that may follow the last word of a paragraph.
fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '】' | '"')
}

/// Where the paragraph's ending ellipsis starts, if it ends in one.
pub fn ellipsis_end(t: &Text) -> Option<usize> {
    let mut end = t.len();
    while end > 0 && (t.chars[end - 1].is_whitespace() || is_closing(t.chars[end - 1])) {
        end -= 1;
    }
    let dots = t.chars[..end]
        .iter()
        .rev()
        .take_while(|c| **c == '.' || **c == '…' || **c == '。')
        .count();
    let run = &t.chars[end - dots..end];
    let ascii = run.iter().filter(|c| **c == '.').count();
    let full_stops = run.iter().filter(|c| **c == '。').count();
    let is_ellipsis = run.contains(&'…') || ascii >= 3 || full_stops >= 3;
    (dots > 0 && is_ellipsis).then_some(end - dots)
}

/// The last mark of a paragraph that leaves its sentence open (`，` or `、`).
fn open_ending(t: &Text) -> Option<usize> {
    let end = t.chars.iter().rposition(|c| !c.is_whitespace())?;
    matches!(t.chars[end], '，' | '、' | ',').then_some(end)
}

pub fn check(s: &Scanned, f: &mut Findings) {
    let paragraphs: Vec<&Block> = s.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph).collect();
    for b in &paragraphs {
        let t = &b.text;
        if b.excerpt.is_some() || t.is_empty() {
            continue;
        }
        if let Some(at) = ellipsis_end(t) {
            let mark = t.slice(at, t.len()).trim_end().to_string();
            f.warn(
                EXCERPT,
                t.pos[at],
                mark.clone(),
                format!("this paragraph ends in `{mark}`: it reads as cut off, but is not marked as an excerpt"),
                "put it between a `:::excerpt` line and a `:::` line, so the page says the source stops here; or complete the sentence",
            );
        } else if let Some(at) = open_ending(t) {
            let mark = t.chars[at];
            f.warn(
                EXCERPT,
                t.pos[at],
                mark.to_string(),
                format!("this paragraph ends in `{mark}`: the sentence is broken off"),
                "complete the sentence and end it with `。`; if the source stops here, mark the cut with `…` inside an `:::excerpt` block",
            );
        }
    }
    // Excerpt blocks that cut nothing.
    let mut blocks: Vec<usize> = paragraphs.iter().filter_map(|b| b.excerpt).collect();
    blocks.dedup();
    for line in blocks {
        let cut = paragraphs
            .iter()
            .filter(|b| b.excerpt == Some(line))
            .any(|b| ellipsis_end(&b.text).is_some());
        if !cut {
            f.warn(
                EXCERPT,
                super::scan::Pos { line, col: 1 },
                ":::excerpt",
                "this block is marked as an excerpt, but none of its paragraphs is cut off",
                "end the paragraph with `…` where the source stops, or remove the `:::excerpt` and `:::` lines",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Text {
        Text {
            chars: s.chars().collect(),
            pos: (0..s.chars().count())
                .map(|i| super::super::scan::Pos { line: 1, col: i + 1 })
                .collect(),
        }
    }

    #[test]
    fn endings() {
        assert_eq!(ellipsis_end(&t("对社会责...")), Some(4));
        assert_eq!(ellipsis_end(&t("未完……")), Some(2));
        assert_eq!(ellipsis_end(&t("“未完…”")), Some(3));
        assert_eq!(ellipsis_end(&t("完整。")), None);
        assert_eq!(ellipsis_end(&t("比例为1.5")), None);
        assert_eq!(ellipsis_end(&t("如……等。")), None);
        assert_eq!(open_ending(&t("共抽查2500余份，")), Some(9));
        assert_eq!(open_ending(&t("完整；")), None);
    }
}
