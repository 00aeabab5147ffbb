//! `dates`: when a report says it was written.
//!
//! - A yearly report covers a finished year, so its `date` (publication) falls after
//!   the end of its `year`: `year: 2018` with `date: 2018-06-30` means one of the two
//!   is wrong.
//! - A report's title names its year (`2018年度社会责任报告`); a title naming another
//!   year than `year` is a copy of last year's front matter.
//! - A date in the text that does not exist (`2018年2月30日`, `13月`).

use super::scan::{BlockKind, Pos, Scanned, Text};
use super::{DATES, Findings};
use crate::content::Kind;
use crate::content::dates::format_date;
use crate::content::front_matter::split;
use crate::yaml::key_line;

/// The file position of a front matter key's value (its line, the column after `key:`).
fn value_pos(s: &Scanned, key: &str) -> Pos {
    let doc = s.doc;
    let line = split(&doc.file, &s.source)
        .ok()
        .and_then(|sp| key_line(sp.yaml, key).map(|l| l + sp.yaml_line - 1))
        .unwrap_or(1);
    let text = s.source.lines().nth(line - 1).unwrap_or_default();
    let col = text.find(':').map_or(1, |b| {
        let after = &text[b + 1..];
        text[..b + 1].chars().count() + after.chars().take_while(|c| c.is_whitespace()).count() + 1
    });
    Pos { line, col }
}

pub fn check(s: &Scanned, f: &mut Findings) {
    let doc = s.doc;
    if doc.kind == Kind::Report {
        if let (Some(year), Some(date)) = (doc.year, doc.date)
            && date.year() <= year
        {
            let d = format_date(date);
            f.warn(
                DATES,
                value_pos(s, "date"),
                d.clone(),
                format!("the report on {year} is dated {d}, before that year ended"),
                format!(
                    "a yearly report is published after its year: check `date` (e.g. {}-03-31) and `year`",
                    year + 1
                ),
            );
        }
        if let Some(year) = doc.year {
            title_year(s, year, f);
        }
    }
    for b in &s.blocks {
        if !matches!(b.kind, BlockKind::Other) {
            text_dates(&b.text, f);
        }
    }
}

fn title_year(s: &Scanned, year: i32, f: &mut Findings) {
    let t: Vec<char> = s.doc.title.chars().collect();
    for i in 0..t.len().saturating_sub(4) {
        let digits = &t[i..i + 4];
        if !digits.iter().all(char::is_ascii_digit) || (i > 0 && t[i - 1].is_ascii_digit()) || t[i + 4] != '年' {
            continue;
        }
        let named: i32 = digits.iter().collect::<String>().parse().unwrap_or(year);
        // 2018—2019年度 and the like name a span; only a lone year is checked.
        let span =
            t.get(i + 5).is_some_and(|c| c.is_ascii_digit()) || (i > 0 && matches!(t[i - 1], '-' | '—' | '–' | '至'));
        if named != year && !span {
            let mut p = value_pos(s, "title");
            let line = s.source.lines().nth(p.line - 1).unwrap_or_default();
            let written: String = digits.iter().collect();
            if let Some(b) = line.find(&written) {
                p.col = line[..b].chars().count() + 1;
            }
            f.warn(
                DATES,
                p,
                format!("{written}年"),
                format!("the title names {named}, but `year: {year}`"),
                "correct the title or `year`",
            );
        }
        return;
    }
}

/// `YYYY年M月D日` that is not a day of the calendar.
fn text_dates(t: &Text, f: &mut Findings) {
    let c = &t.chars;
    let number = |i: usize, max: usize| -> Option<(u32, usize)> {
        let n = c[i.min(c.len())..].iter().take_while(|x| x.is_ascii_digit()).count();
        (1..=max)
            .contains(&n)
            .then(|| c[i..i + n].iter().collect::<String>().parse().ok().map(|v| (v, n)))
            .flatten()
    };
    let mut i = 0;
    while i < c.len() {
        if i > 0 && c[i - 1].is_ascii_digit() {
            i += 1;
            continue;
        }
        let Some((y, ny)) = number(i, 4).filter(|(_, n)| *n == 4) else {
            i += 1;
            continue;
        };
        let mut k = i + ny;
        if c.get(k) != Some(&'年') {
            i += 1;
            continue;
        }
        k += 1;
        let Some((m, nm)) = number(k, 2) else {
            i = k;
            continue;
        };
        k += nm;
        if c.get(k) != Some(&'月') {
            i = k;
            continue;
        }
        k += 1;
        let day = number(k, 2).filter(|(_, n)| c.get(k + n) == Some(&'日'));
        let end = day.map_or(k, |(_, n)| k + n + 1);
        let month = time::Month::try_from(m as u8).ok();
        let valid = match (month, day) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(mo), Some((d, _))) => time::Date::from_calendar_date(y as i32, mo, d as u8).is_ok(),
        };
        if !valid {
            let written = t.slice(i, end);
            f.warn(
                DATES,
                t.pos[i],
                written.clone(),
                format!("`{written}` is not a date"),
                "check the month and day",
            );
        }
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::marks;

    #[test]
    fn dates_that_do_not_exist() {
        assert_eq!(
            marks("dates", "2018年2月30日、2019年13月召开。"),
            ["2018年2月30日", "2019年13月"]
        );
        assert!(marks("dates", "2020年2月29日、2018年11月16日。").is_empty());
    }
}
