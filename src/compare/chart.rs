//! Charts drawn at build time as inline SVG: no JavaScript, nothing fetched, and
//! allowed by a strict Content-Security-Policy (geometry and colours are attributes
//! or classes styled by the theme's stylesheet, never `style=`).
//!
//! Every chart is an image with a name (`role="img"`, `<title>`, `<desc>`,
//! `aria-labelledby`), every point carries its value in a `<title>` (shown on hover),
//! and the pages put the same figures in a table beneath as the text alternative.
//! Years without a figure leave a gap in the line; a figure derived from a stated
//! change is drawn hollow and joined with a dashed line.

use std::fmt::Write as _;

use super::format::{axis, grouped};
use crate::markdown::highlight::escape;

/// One year of a metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub year: i32,
    pub value: Option<f64>,
    /// The value is implied by a later report's stated change, not reported.
    pub derived: bool,
}

fn known(points: &[Point]) -> impl Iterator<Item = (i32, f64, bool)> + '_ {
    points.iter().filter_map(|p| p.value.map(|v| (p.year, v, p.derived)))
}

/// Maps years to x positions, in proportion to the years between them.
fn x_of(points: &[Point], left: f64, width: f64) -> impl Fn(i32) -> f64 {
    let y0 = points.first().map_or(0, |p| p.year);
    let y1 = points.last().map_or(0, |p| p.year);
    move |y: i32| {
        if y1 == y0 {
            left + width / 2.0
        } else {
            left + f64::from(y - y0) / f64::from(y1 - y0) * width
        }
    }
}

fn f(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Path segments joining consecutive years that both have a value: solid between
/// reported figures, dashed where one end is derived.
fn segments(points: &[Point], x: &dyn Fn(i32) -> f64, y: &dyn Fn(f64) -> f64) -> (String, String) {
    let mut solid = String::new();
    let mut dashed = String::new();
    for w in points.windows(2) {
        if let (Some(a), Some(b)) = (w[0].value, w[1].value) {
            let d = if w[0].derived || w[1].derived {
                &mut dashed
            } else {
                &mut solid
            };
            let _ = write!(d, "M{} {}L{} {}", f(x(w[0].year)), f(y(a)), f(x(w[1].year)), f(y(b)));
        }
    }
    (solid, dashed)
}

fn point_title(p_year: i32, v: f64, derived: bool, unit: &str) -> String {
    let sep = if unit.is_empty() { "" } else { " " };
    if derived {
        format!(
            "{p_year}年：约 {}{sep}{unit}（据下一年度报告所述变化推算）",
            grouped(v.round())
        )
    } else {
        format!("{p_year}年：{}{sep}{unit}", grouped(v))
    }
}

/// A small trend line for a table cell. `highlight` years get a larger dot (the two
/// years being compared). `label` names the series for assistive technology.
pub fn sparkline(id: &str, label: &str, unit: &str, points: &[Point], highlight: &[i32]) -> String {
    let (w, h, pad) = (96.0, 28.0, 4.0);
    let x = x_of(points, pad, w - 2.0 * pad);
    let (lo, hi) = known(points).fold((f64::INFINITY, f64::NEG_INFINITY), |(l, u), (_, v, _)| {
        (l.min(v), u.max(v))
    });
    let y = move |v: f64| {
        if !(hi > lo) {
            h / 2.0
        } else {
            h - pad - (v - lo) / (hi - lo) * (h - 2.0 * pad)
        }
    };
    let described: Vec<String> = points
        .iter()
        .map(|p| match p.value {
            Some(v) => point_title(p.year, v, p.derived, unit),
            None => format!("{}年：无数据", p.year),
        })
        .collect();
    let mut out = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}\" focusable=\"false\"><title id=\"{id}\">{}历年走势：{}</title>",
        escape(label),
        escape(&described.join("；"))
    );
    let (solid, dashed) = segments(points, &x, &y);
    if !solid.is_empty() {
        let _ = write!(
            out,
            "<path class=\"spark-line\" d=\"{solid}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"/>"
        );
    }
    if !dashed.is_empty() {
        let _ = write!(
            out,
            "<path class=\"spark-line derived\" d=\"{dashed}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>"
        );
    }
    for (year, v, derived) in known(points) {
        let hl = highlight.contains(&year);
        let class = match (derived, hl) {
            (true, _) => "spark-dot derived",
            (false, true) => "spark-dot hl",
            (false, false) => "spark-dot",
        };
        let fill = if derived { "#ffffff" } else { "currentColor" };
        let _ = write!(
            out,
            "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"currentColor\"><title>{}</title></circle>",
            f(x(year)),
            f(y(v)),
            if hl { "3" } else { "2" },
            escape(&point_title(year, v, derived, unit))
        );
    }
    out.push_str("</svg>");
    out
}

/// A "nice" tick step (1, 2 or 5 times a power of ten) for about `n` ticks.
fn nice_step(range: f64, n: f64) -> f64 {
    if !(range > 0.0) {
        return 1.0;
    }
    let raw = range / n;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let m = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// A line chart of one metric over the years, with axes starting at zero (so that
/// a small change does not look like a large one), labelled gridlines, a label per
/// year, the value above each point, and a `<title>` per point.
pub fn line_chart(id: &str, title: &str, desc: &str, unit: &str, points: &[Point]) -> String {
    let (w, h) = (640.0, 260.0);
    let (ml, mr, mt, mb) = (72.0, 24.0, 34.0, 36.0);
    let (pw, ph) = (w - ml - mr, h - mt - mb);
    let (lo, hi) = known(points).fold((0.0f64, 0.0f64), |(l, u), (_, v, _)| (l.min(v), u.max(v)));
    let step = nice_step(hi - lo, 4.0);
    let y_lo = (lo / step).floor() * step;
    let y_hi = ((hi / step).ceil() * step).max(y_lo + step);
    let x = x_of(points, ml + 16.0, pw - 32.0);
    let y = move |v: f64| mt + ph - (v - y_lo) / (y_hi - y_lo) * ph;

    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" focusable=\"false\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    // Gridlines and y labels.
    out.push_str("<g class=\"chart-grid\" aria-hidden=\"true\">");
    let ticks = ((y_hi - y_lo) / step).round() as i64;
    for k in 0..=ticks {
        let v = y_lo + step * k as f64;
        let yy = f(y(v));
        let _ = write!(
            out,
            "<line x1=\"{ml}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\" stroke=\"#d0d7de\"/><text class=\"chart-label\" x=\"{}\" y=\"{yy}\" dy=\"0.35em\" text-anchor=\"end\" font-size=\"12\" fill=\"#57606a\">{}</text>",
            w - mr,
            ml - 8.0,
            escape(&axis(v))
        );
    }
    out.push_str("</g>");
    // X axis with one label per year.
    let _ = write!(
        out,
        "<g class=\"chart-axis\" aria-hidden=\"true\"><line x1=\"{ml}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#57606a\"/>",
        w - mr,
        f(mt + ph),
        f(mt + ph)
    );
    for p in points {
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#57606a\">{}</text>",
            f(x(p.year)),
            f(mt + ph + 22.0),
            p.year
        );
    }
    if !unit.is_empty() {
        let _ = write!(
            out,
            "<text class=\"chart-label\" x=\"4\" y=\"14\" font-size=\"12\" fill=\"#57606a\">单位：{}</text>",
            escape(unit)
        );
    }
    out.push_str("</g>");
    let (solid, dashed) = segments(points, &x, &y);
    if !solid.is_empty() {
        let _ = write!(
            out,
            "<path class=\"chart-line\" d=\"{solid}\" fill=\"none\" stroke=\"#9f1d20\" stroke-width=\"2.5\"/>"
        );
    }
    if !dashed.is_empty() {
        let _ = write!(
            out,
            "<path class=\"chart-line derived\" d=\"{dashed}\" fill=\"none\" stroke=\"#9f1d20\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
        );
    }
    let label_values = known(points).count() <= 12;
    for (year, v, derived) in known(points) {
        let (cx, cy) = (f(x(year)), f(y(v)));
        let (class, fill) = if derived {
            ("chart-point derived", "#ffffff")
        } else {
            ("chart-point", "#9f1d20")
        };
        let _ = write!(
            out,
            "<circle class=\"{class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"5\" fill=\"{fill}\" stroke=\"#9f1d20\" stroke-width=\"2\"><title>{}</title></circle>",
            escape(&point_title(year, v, derived, unit))
        );
        if label_values {
            let text = if derived { format!("约{}", axis(v)) } else { axis(v) };
            let _ = write!(
                out,
                "<text class=\"chart-value\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1f2328\" aria-hidden=\"true\">{}</text>",
                f(y(v) - 10.0),
                escape(&text)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts() -> Vec<Point> {
        vec![
            Point {
                year: 2016,
                value: Some(100.0),
                derived: false,
            },
            Point {
                year: 2017,
                value: None,
                derived: false,
            },
            Point {
                year: 2018,
                value: Some(238051.0),
                derived: true,
            },
            Point {
                year: 2019,
                value: Some(259000.0),
                derived: false,
            },
        ]
    }

    #[test]
    fn sparkline_is_an_accessible_image_with_gaps_and_derived_points() {
        let s = sparkline("sp-1", "接收送检仪器", "台件", &pts(), &[2019]);
        assert!(s.starts_with("<svg class=\"spark\""), "{s}");
        assert!(s.contains("role=\"img\" aria-labelledby=\"sp-1\""));
        assert!(s.contains("<title id=\"sp-1\">接收送检仪器历年走势：2016年：100 台件；2017年：无数据；"));
        // The gap at 2017 means no segment 2016-2017; 2018-2019 is dashed (derived).
        assert!(!s.contains("class=\"spark-line\""), "{s}");
        assert!(s.contains("class=\"spark-line derived\""));
        assert!(s.contains("class=\"spark-dot hl\""));
        assert!(!s.contains("style="));
    }

    #[test]
    fn line_chart_has_axes_title_desc_and_point_titles() {
        let s = line_chart("c-x", "接收送检仪器", "2016年至2019年", "台件", &pts());
        assert!(s.contains("aria-labelledby=\"c-x-title c-x-desc\""));
        assert!(s.contains("<desc id=\"c-x-desc\">2016年至2019年</desc>"));
        assert!(s.contains(">2019年：259,000 台件</title>"), "{s}");
        assert!(s.contains(">2018</text>"));
        assert!(s.contains(">0</text>"), "axis starts at zero: {s}");
        assert!(s.contains("单位：台件"));
        assert!(!s.contains("style="));
        assert!(!s.contains("NaN"));
    }

    #[test]
    fn flat_and_single_series_do_not_divide_by_zero() {
        let one = [Point {
            year: 2018,
            value: Some(0.0),
            derived: false,
        }];
        assert!(!line_chart("c", "t", "d", "", &one).contains("NaN"));
        assert!(!sparkline("s", "t", "", &one, &[]).contains("NaN"));
        assert_eq!(nice_step(250_000.0, 4.0), 100_000.0);
        assert_eq!(nice_step(608.0, 4.0), 200.0);
    }
}
