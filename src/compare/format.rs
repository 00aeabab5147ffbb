//! Numbers as comparison pages print them: grouped digits, signed changes,
//! percentages to one decimal, and approximate values in 万/亿 for derived figures,
//! whose precision is only that of the rounded percentage they come from.

use crate::content::metrics::format_number;

/// `259000` -> `259,000`; `92.5` -> `92.5`; `-1234.25` -> `-1,234.25`.
pub fn grouped(v: f64) -> String {
    let s = format_number(v);
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s.as_str()),
    };
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    out.push_str(sign);
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Rounds away float noise from a difference of two decimals (`0.1 + 0.2`).
fn tidy(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// A signed absolute change: `+15`, `-3`, `0`, `+1,200.5`.
pub fn signed(v: f64) -> String {
    let v = tidy(v);
    if v > 0.0 {
        format!("+{}", grouped(v))
    } else if v == 0.0 {
        "0".to_string()
    } else {
        grouped(v)
    }
}

/// A signed percentage with one decimal: `+14.4%`, `-3.0%`, `0.0%`.
pub fn pct(p: f64) -> String {
    let r = (p * 10.0).round() / 10.0;
    if r > 0.0 {
        format!("+{r:.1}%")
    } else if r == 0.0 {
        "0.0%".to_string()
    } else {
        format!("{r:.1}%")
    }
}

/// An approximate value in Chinese units: `约23.8万`, `约2.73亿`, `约608`.
pub fn approx_cn(v: f64) -> String {
    let a = v.abs();
    let body = if a >= 1e8 {
        format!("{}亿", trim(&format!("{:.2}", v / 1e8)))
    } else if a >= 1e4 {
        format!("{}万", trim(&format!("{:.1}", v / 1e4)))
    } else if a >= 100.0 {
        format!("{}", v.round() as i64)
    } else {
        trim(&format!("{v:.1}"))
    };
    format!("约{body}")
}

fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A compact axis label: `2.7亿`, `25万`, `1,200`.
pub fn axis(v: f64) -> String {
    let a = v.abs();
    if a >= 1e8 {
        format!("{}亿", trim(&format!("{:.2}", v / 1e8)))
    } else if a >= 1e4 {
        format!("{}万", trim(&format!("{:.1}", v / 1e4)))
    } else {
        grouped(tidy(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(grouped(259000.0), "259,000");
        assert_eq!(grouped(-1234.25), "-1,234.25");
        assert_eq!(grouped(608.0), "608");
        assert_eq!(signed(15.0), "+15");
        assert_eq!(signed(-3.0), "-3");
        assert_eq!(signed(0.30000000000000004 - 0.3), "0");
        assert_eq!(pct(14.423), "+14.4%");
        assert_eq!(pct(-3.0), "-3.0%");
        assert_eq!(pct(-0.01), "0.0%");
        assert_eq!(approx_cn(238051.47), "约23.8万");
        assert_eq!(approx_cn(273_000_000.0 / 1.18), "约2.31亿");
        assert_eq!(approx_cn(558.7), "约559");
        assert_eq!(axis(270_000_000.0), "2.7亿");
        assert_eq!(axis(250_000.0), "25万");
        assert_eq!(axis(1200.0), "1,200");
    }
}
