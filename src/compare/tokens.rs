//! Splitting text into the units a reader sees change.
//!
//! A diff over characters scatters a changed figure into digits (`1[2→3]5[→7]9`) and a
//! diff over bytes can cut a Chinese character in half. Comparisons therefore work on
//! tokens: whole numbers (with decimals, thousands separators, a percent sign or a
//! 万/亿 suffix: `25.9万`, `8.8%`), Latin words (`CNAS`, `JJF1069`), Chinese words
//! (segmented by jieba, whose dictionary is loaded once per process), runs of spaces,
//! single punctuation marks, and paragraph breaks.

use std::sync::OnceLock;

use jieba_rs::Jieba;

/// What a token is; decides how a change to it is shown and whether a short unchanged
/// token may be folded into a neighbouring change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    Number,
    Latin,
    Chinese,
    Space,
    Punct,
    /// A paragraph boundary (`\n` in the joined text).
    Break,
}

/// One token: a slice of the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token<'a> {
    pub text: &'a str,
    pub kind: TokenKind,
}

impl Token<'_> {
    /// Length in characters, the unit "share of text changed" is counted in.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// The segmenter, built on first use (loading its dictionary takes tens of
/// milliseconds) and shared by every thread afterwards.
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Loads the segmenter now, so that a benchmark or a build measures comparisons and
/// not the one-off dictionary load.
pub fn warm_up() {
    jieba();
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' |
        '\u{20000}'..='\u{2FA1F}' | '\u{3007}')
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('Ａ'..='Ｚ').contains(&c) || ('ａ'..='ｚ').contains(&c)
}

/// Byte length of the number starting at `s`: digits, then groups of `.` or `,`
/// followed by digits (`1,234.5`), then an optional `%`, `％`, `万` or `亿`.
fn number_len(s: &str) -> usize {
    let mut chars = s.char_indices().peekable();
    let mut end = 0;
    while let Some(&(i, c)) = chars.peek() {
        if is_digit(c) {
            end = i + c.len_utf8();
            chars.next();
        } else if matches!(c, '.' | ',' | '．') {
            // Only part of the number when a digit follows: `2018.` ends a sentence.
            let mut look = chars.clone();
            look.next();
            match look.peek() {
                Some(&(_, d)) if is_digit(d) => {
                    chars.next();
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    if let Some(c) = s[end..].chars().next()
        && matches!(c, '%' | '％' | '万' | '亿')
    {
        end += c.len_utf8();
    }
    end
}

/// A text's tokens as places in it, to be kept: a paragraph is diffed in every
/// comparison its document is in (the newest report of a series in all of them), and
/// segmenting it into words again for each diff was about an eighth of the report
/// comparisons' time (perf, 1,300 reports).
#[derive(Debug)]
pub struct Tokenized {
    /// The length of the text they are of.
    len: usize,
    spans: Vec<(u32, u32, TokenKind)>,
}

impl Tokenized {
    pub fn new(text: &str) -> Tokenized {
        let base = text.as_ptr() as usize;
        let spans = tokenize(text)
            .into_iter()
            .map(|t| {
                let start = t.text.as_ptr() as usize - base;
                (start as u32, (start + t.text.len()) as u32, t.kind)
            })
            .collect();
        Tokenized { len: text.len(), spans }
    }

    /// The tokens of `text`, which must be the text these were made of (one of another
    /// length is split again).
    pub fn tokens<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        if text.len() != self.len || u32::try_from(text.len()).is_err() {
            return tokenize(text);
        }
        self.spans
            .iter()
            .map(|&(start, end, kind)| Token {
                text: &text[start as usize..end as usize],
                kind,
            })
            .collect()
    }
}

/// Splits `text` into tokens. Newlines become [`TokenKind::Break`] tokens, so that a
/// section's paragraphs, joined with `\n`, diff as one sequence.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 3);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (len, kind) = if c == '\n' {
            (1, TokenKind::Break)
        } else if is_digit(c) {
            (number_len(rest), TokenKind::Number)
        } else if is_latin(c) {
            let len = rest
                .char_indices()
                .find(|&(_, d)| !(is_latin(d) || is_digit(d) || d == '_'))
                .map_or(rest.len(), |(i, _)| i);
            (len, TokenKind::Latin)
        } else if c.is_whitespace() {
            let len = rest
                .char_indices()
                .find(|&(_, d)| !d.is_whitespace() || d == '\n')
                .map_or(rest.len(), |(i, _)| i);
            (len, TokenKind::Space)
        } else if is_cjk(c) {
            let len = rest
                .char_indices()
                .find(|&(_, d)| !is_cjk(d))
                .map_or(rest.len(), |(i, _)| i);
            let run = &rest[..len];
            for w in jieba().cut(run, true) {
                out.push(Token {
                    text: w.word,
                    kind: TokenKind::Chinese,
                });
            }
            rest = &rest[len..];
            continue;
        } else {
            (c.len_utf8(), TokenKind::Punct)
        };
        out.push(Token {
            text: &rest[..len],
            kind,
        });
        rest = &rest[len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_tokens_are_the_tokens_of_the_text() {
        let text = "2018年，中心接收送检仪器25.9万台件，同比增长8.8%。CNAS 认可\n第二段";
        let kept = Tokenized::new(text);
        assert_eq!(kept.tokens(text), tokenize(text));
        // Asked for another text, it splits that one.
        assert_eq!(kept.tokens("另一段话"), tokenize("另一段话"));
    }

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn numbers_stay_whole() {
        assert_eq!(words("共12345台"), ["共", "12345", "台"]);
        assert_eq!(words("增长8.8%，"), ["增长", "8.8%", "，"]);
        assert_eq!(words("25.9万台件"), ["25.9万", "台件"]);
        assert_eq!(words("1,234.5元"), ["1,234.5", "元"]);
        // A full stop after a number ends the sentence, it is not a decimal point.
        assert_eq!(words("2018."), ["2018", "."]);
    }

    #[test]
    fn latin_words_and_spaces() {
        assert_eq!(
            words("CNAS-CL01 idt ISO"),
            ["CNAS", "-", "CL01", " ", "idt", " ", "ISO"]
        );
    }

    #[test]
    fn chinese_is_segmented_into_words() {
        let w = words("社会责任管理体系");
        assert!(w.len() >= 2 && w.len() < 8, "{w:?}");
        assert_eq!(w.concat(), "社会责任管理体系");
        assert!(w.contains(&"管理") || w.contains(&"管理体系"), "{w:?}");
    }

    #[test]
    fn breaks_are_tokens_and_text_round_trips() {
        let s = "一、前言\n本报告，全面反映了2018年度（CNAS）情况。\n\n";
        let t = tokenize(s);
        assert_eq!(t.iter().map(|t| t.text).collect::<String>(), s);
        assert_eq!(t.iter().filter(|t| t.kind == TokenKind::Break).count(), 3);
    }
}
