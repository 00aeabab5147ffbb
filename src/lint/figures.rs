//! `figures`: the numbers of a report, against each other.
//!
//! - The text against the front matter: a metric's label next to a number in the
//!   metric's unit (`工作人员610名`, `29个程序文件`) must agree with `metrics`
//!   (`staff: {label: 工作人员, value: 608, unit: 名}`), to the precision written
//!   (`5.4万平方米` is 54,000 ± 500; `约200项`, `790多份` within 10%). Only a few
//!   connecting words may stand between label and number (为, 达到, 共计, 约…), so
//!   `工作人员中有党员120名` is not read as a head count. A change stated right after
//!   the figure (`，同比增长8.8%`) must agree with `stated_change_pct`.
//! - A stated change against the year before: the comparisons' own check
//!   ([`crate::compare::metrics::warnings`]), reported here under this rule.
//! - A share above 100% (`满意度105%`, `占…120%`, `合格率`): growth (`同比增长118%`) and
//!   completion rates (`完成率105%`) may exceed 100 and stay quiet.

use super::scan::{BlockKind, Scanned, Text};
use super::{FIGURES, Findings};
use crate::content::metrics::{Metric, format_number};
use crate::content::{ContentTree, Document, Kind};
use crate::diagnostics::Diagnostic;

/// A number as written, with its unit matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    pub value: f64,
    /// How far the true value may be from `value` and still be written so.
    pub tolerance: f64,
    pub start: usize,
    /// Index after the unit.
    pub end: usize,
}

/// The number at `i` followed by `unit` (`608名`, `5.4万平方米`, `790多份`, `2.73亿`
/// for 元, `92%`). `approx` widens the tolerance (约, 近…).
pub fn quantity_at(c: &[char], i: usize, unit: Option<&str>, approx: bool) -> Option<Quantity> {
    if !c.get(i)?.is_ascii_digit() || (i > 0 && (c[i - 1].is_ascii_digit() || c[i - 1] == '.')) {
        return None;
    }
    let mut k = i;
    let mut digits = String::new();
    let mut decimals: Option<i32> = None;
    while k < c.len() {
        let ch = c[k];
        if ch.is_ascii_digit() {
            digits.push(ch);
            if let Some(d) = decimals.as_mut() {
                *d += 1;
            }
        } else if ch == '.' && decimals.is_none() && c.get(k + 1).is_some_and(char::is_ascii_digit) {
            digits.push('.');
            decimals = Some(0);
        } else if ch == ','
            && decimals.is_none()
            && c.get(k + 1..k + 4).is_some_and(|g| g.iter().all(char::is_ascii_digit))
        {
        } else {
            break;
        }
        k += 1;
    }
    let raw: f64 = digits.parse().ok()?;
    // The unit after the figure (and after 多/余); 元 may be left out after 万/亿
    // (`检测创收达到2.73亿`).
    let unit_at = |from: usize, scaled: bool| -> Option<usize> {
        let mut j = from;
        if matches!(c.get(j), Some('多' | '余')) {
            j += 1;
        }
        let rest: String = c[j.min(c.len())..(j + 8).min(c.len())].iter().collect();
        match unit {
            None => Some(j),
            Some("%") if rest.starts_with('%') || rest.starts_with('％') => Some(j + 1),
            Some(u) if rest.starts_with(u) => Some(j + u.chars().count()),
            Some("元") if scaled => Some(j),
            _ => None,
        }
    };
    let more_at = |j: usize| matches!(c.get(j), Some('多' | '余'));
    let (mult, end) = if let Some(end) = unit_at(k, false) {
        (1.0, end)
    } else {
        let (mult, len) = match c.get(k) {
            Some('万') if c.get(k + 1) == Some(&'亿') => (1e12, 2),
            Some('万') => (1e4, 1),
            Some('亿') => (1e8, 1),
            _ => return None,
        };
        (mult, unit_at(k + len, true)?)
    };
    let value = raw * mult;
    let mut tolerance = 0.5 * 10f64.powi(-decimals.unwrap_or(0)) * mult;
    if approx || more_at(k) || (k + 1..end).any(more_at) {
        tolerance = tolerance.max(value * 0.1);
    }
    Some(Quantity {
        value,
        tolerance,
        start: i,
        end,
    })
}

/// Words that may join a label to its figure; the first group says "about".
const APPROX: [&str; 7] = ["约为", "大约", "将近", "超过", "约", "近", "逾"];
const JOINING: [&str; 17] = [
    "共计", "总计", "合计", "累计", "达到", "已达", "共有", "现有", "总数", "为", "是", "达", "共", "有", "计", "了",
    "：",
];

/// Skips joining words after a label: (index of the figure, whether "about").
fn skip_joining(c: &[char], mut i: usize) -> (usize, bool) {
    let mut approx = false;
    for _ in 0..4 {
        let rest: String = c[i.min(c.len())..(i + 2).min(c.len())].iter().collect();
        if let Some(w) = APPROX.iter().find(|w| rest.starts_with(**w)) {
            approx = true;
            i += w.chars().count();
        } else if let Some(w) = JOINING.iter().find(|w| rest.starts_with(**w)) {
            i += w.chars().count();
        } else {
            break;
        }
    }
    (i, approx)
}

/// A label as the text says it: `签订各类合同、技术协议（790多份）` is written
/// without its bracketed note.
fn labels(m: &Metric) -> Vec<Vec<char>> {
    let full: Vec<char> = m.label.trim().chars().collect();
    let mut out = vec![full.clone()];
    if let Some(&last) = full.last().filter(|c| matches!(c, '）' | ')')) {
        let open = if last == '）' { '（' } else { '(' };
        if let Some(p) = full.iter().rposition(|c| *c == open).filter(|&p| p >= 2) {
            out.push(full[..p].to_vec());
        }
    }
    out.retain(|l| l.len() >= 2 && l.iter().any(|c| super::chars::is_han(*c)));
    out
}

fn find_all(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

pub fn check(s: &Scanned, f: &mut Findings) {
    let doc = s.doc;
    for b in &s.blocks {
        if matches!(b.kind, BlockKind::Other) || b.text.is_empty() {
            continue;
        }
        let t = &b.text;
        for m in &doc.metrics {
            for label in labels(m) {
                for at in find_all(&t.chars, &label) {
                    mention(t, m, at, label.len(), f);
                }
            }
        }
        shares(t, f);
    }
}

/// One occurrence of a metric's label: the figure after it (or before it), and the
/// stated change after the figure.
fn mention(t: &Text, m: &Metric, at: usize, len: usize, f: &mut Findings) {
    let c = &t.chars;
    let unit = m.unit.as_deref();
    let (from, approx) = skip_joining(c, at + len);
    let forward = quantity_at(c, from, unit, approx);
    let q = forward.or_else(|| backward(c, at, unit));
    let Some(q) = q else { return };
    let unit_text = unit.unwrap_or("");
    let (start, end) = (q.start.min(at), q.end.max(at + len));
    let written = t.slice(start, end);
    if (q.value - m.value).abs() > q.tolerance + 1e-9 {
        f.warn(
            FIGURES,
            t.pos[q.start],
            written.clone(),
            format!(
                "`{written}`, but the front matter gives {} {unit_text} (`{}`)",
                m.display, m.key
            ),
            format!("correct the text or `metrics.{}.value`", m.key),
        );
    }
    let Some((change, change_at, change_text)) = stated_after(c, q.end) else {
        return;
    };
    match m.stated_change_pct {
        Some(p) if (p - change).abs() > 0.05 => f.warn(
            FIGURES,
            t.pos[change_at],
            change_text.clone(),
            format!(
                "`{change_text}` after `{written}`, but the front matter states {}% (`{}.stated_change_pct`)",
                format_number(p),
                m.key
            ),
            format!("correct the text or set `stated_change_pct: {}`", format_number(change)),
        ),
        _ => {}
    }
}

/// A figure right before the label: `29个程序文件`, `12个的检验部`.
fn backward(c: &[char], at: usize, unit: Option<&str>) -> Option<Quantity> {
    let unit: Vec<char> = unit?.chars().collect();
    let mut q = at;
    if q > 0 && c[q - 1] == '的' {
        q -= 1;
    }
    if q < unit.len() || c[q - unit.len()..q] != *unit {
        return None;
    }
    let mut s = q - unit.len();
    while s > 0 && (c[s - 1].is_ascii_digit() || matches!(c[s - 1], '.' | ',' | '万' | '亿' | '多' | '余')) {
        s -= 1;
    }
    while s < q && !c[s].is_ascii_digit() {
        s += 1;
    }
    let u: String = unit.iter().collect();
    quantity_at(c, s, Some(&u), false).filter(|x| x.end == q)
}

const RISE: [&str; 5] = ["增长", "增加", "提高", "上升", "提升"];
const FALL: [&str; 3] = ["下降", "减少", "降低"];

/// `，同比增长8.8%` right after a figure: (percent, index, text).
fn stated_after(c: &[char], mut i: usize) -> Option<(f64, usize, String)> {
    if matches!(c.get(i), Some('，' | ',')) {
        i += 1;
    }
    let start = i;
    let rest = |i: usize| -> String { c[i.min(c.len())..(i + 4).min(c.len())].iter().collect() };
    for w in ["同比", "较上年", "比上年", "较去年", "比去年"] {
        if rest(i).starts_with(w) {
            i += w.chars().count();
            break;
        }
    }
    let r = rest(i);
    let sign = if RISE.iter().any(|w| r.starts_with(w)) {
        1.0
    } else if FALL.iter().any(|w| r.starts_with(w)) {
        -1.0
    } else {
        return None;
    };
    i += 2;
    if c.get(i) == Some(&'了') {
        i += 1;
    }
    let q = quantity_at(c, i, Some("%"), false)?;
    Some((sign * q.value, start, c[start..q.end].iter().collect()))
}

const GROWTH: [&str; 14] = [
    "增长",
    "增加",
    "提高",
    "提升",
    "上升",
    "下降",
    "减少",
    "降低",
    "同比",
    "环比",
    "增幅",
    "涨幅",
    "增速",
    "完成率",
];
const SHARE: [&str; 5] = ["占", "满意度", "比例", "比重", "份额"];

/// Percentages above 100 where a share is meant.
fn shares(t: &Text, f: &mut Findings) {
    let c = &t.chars;
    for i in 0..c.len() {
        let Some(q) = quantity_at(c, i, Some("%"), false) else {
            continue;
        };
        if q.value <= 100.0 {
            continue;
        }
        let clause_start = c[..i]
            .iter()
            .rposition(|x| matches!(x, '，' | '。' | '；' | '：' | '！' | '？'))
            .map_or(0, |p| p + 1);
        let clause: String = c[clause_start..i].iter().collect();
        if GROWTH.iter().any(|w| clause.contains(w)) {
            continue;
        }
        if SHARE.iter().any(|w| clause.contains(w)) || clause.contains('率') {
            let written = t.slice(clause_start, q.end);
            f.warn(
                FIGURES,
                t.pos[i],
                t.slice(i, q.end),
                format!("`{}`: a share cannot be above 100%", written.trim()),
                "check the figure: a share, a rate or a satisfaction score is at most 100%",
            );
        }
    }
}

/// Stated changes that the year before contradicts, for every series of reports:
/// the comparisons' check, shared so both report the same thing.
pub fn stated_changes(tree: &ContentTree) -> Vec<Diagnostic> {
    crate::compare::series::all(tree)
        .iter()
        .filter(|s| s.kind == Kind::Report)
        .flat_map(|s| {
            let docs: Vec<&Document> = s.docs.iter().map(|&i| &*tree.documents[i]).collect();
            crate::compare::metrics::warnings(&docs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str, unit: &str) -> Option<(f64, f64)> {
        let c: Vec<char> = s.chars().collect();
        quantity_at(&c, 0, Some(unit), false).map(|q| (q.value, q.tolerance))
    }

    #[test]
    fn quantities() {
        assert_eq!(q("608名", "名"), Some((608.0, 0.5)));
        assert_eq!(q("5.4万平方米", "平方米"), Some((54000.0, 500.0)));
        assert_eq!(q("2.73亿，", "元"), Some((273000000.0, 500000.0)));
        assert_eq!(q("7401万元", "元"), Some((74010000.0, 5000.0)));
        assert_eq!(q("92%", "%"), Some((92.0, 0.5)));
        assert_eq!(q("790多份", "份").map(|x| x.0), Some(790.0));
        assert_eq!(q("933台（套）", "台（套）"), Some((933.0, 0.5)));
        assert_eq!(q("608人", "名"), None);
        assert_eq!(q("1,000份", "份"), Some((1000.0, 0.5)));
    }

    #[test]
    fn stated_changes_in_words() {
        let c: Vec<char> = "，同比增长8.8%；".chars().collect();
        assert_eq!(
            stated_after(&c, 0).map(|x| (x.0, x.2)),
            Some((8.8, "同比增长8.8%".to_string()))
        );
        let c: Vec<char> = "，同比下降3%".chars().collect();
        assert_eq!(stated_after(&c, 0).map(|x| x.0), Some(-3.0));
    }
}
