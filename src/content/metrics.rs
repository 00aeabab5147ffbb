//! Report metrics: the figures a report states, keyed by a stable name so that years
//! can be compared (`staff: 608`, or `staff: {label: 工作人员, value: 608, unit: 名}`).

use serde::Serialize;
use yaml_serde::Value;

use crate::diagnostics::closest;

const METRIC_FIELDS: [&str; 4] = ["label", "value", "unit", "stated_change_pct"];

/// One figure of one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// Stable key shared across years (`staff`, `certificates`).
    pub key: String,
    /// Label shown to readers; the key when none is given.
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    /// The year-on-year change in percent that the report's text claims.
    pub stated_change_pct: Option<f64>,
    /// `value` formatted for display (no trailing `.0`, no exponent).
    pub display: String,
    /// `stated_change_pct` for display, signed: `+8.8%`.
    pub stated_change_display: Option<String>,
}

impl Metric {
    fn new(key: String, label: Option<String>, value: f64, unit: Option<String>, stated: Option<f64>) -> Metric {
        Metric {
            label: label.unwrap_or_else(|| key.clone()),
            display: format_number(value),
            stated_change_display: stated.map(format_change_pct),
            key,
            value,
            unit,
            stated_change_pct: stated,
        }
    }
}

/// The change from `previous` to `current` in percent, rounded to one decimal; none
/// when the previous figure is zero.
pub fn change_pct(previous: f64, current: f64) -> Option<f64> {
    if previous == 0.0 {
        return None;
    }
    Some(((current - previous) / previous * 1000.0).round() / 10.0)
}

/// A signed percentage: `+8.8%`, `-3%`, `0%`.
pub fn format_change_pct(p: f64) -> String {
    let sign = if p > 0.0 { "+" } else { "" };
    format!("{sign}{}%", format_number(p))
}

/// A metric that could not be read: which key, and what to tell the user.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricError {
    pub key: String,
    /// The nested field at fault (`value`), to point at its line.
    pub field: Option<String>,
    pub message: String,
    pub help: String,
}

/// Reads the `metrics:` map, keeping its order of keys. With `allow_empty` (drafts,
/// such as those `gongshi new report` scaffolds) a metric whose value is left empty is
/// skipped instead of being an error.
pub fn parse_metrics(value: &Value, allow_empty: bool) -> Result<Vec<Metric>, MetricError> {
    let map = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Mapping(m) => m,
        _ => {
            return Err(MetricError {
                key: String::new(),
                field: None,
                message: "`metrics` must be a map from a key to a number".into(),
                help: "write e.g.\n    metrics:\n      staff: {label: 工作人员, value: 608, unit: 名}".into(),
            });
        }
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let key = match k {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(MetricError {
                    key: String::new(),
                    field: None,
                    message: "a metric key must be a plain name".into(),
                    help: "use a short English key such as `staff` or `certificates`".into(),
                });
            }
        };
        match parse_one(key.clone(), v)? {
            Some(m) => out.push(m),
            None if allow_empty => {}
            None => {
                return Err(MetricError {
                    message: format!("metric `{key}` has no value yet"),
                    field: v.is_mapping().then(|| "value".to_string()),
                    key,
                    help: "fill in the figure, or remove the metric; only a draft (draft: true) may leave values empty"
                        .into(),
                });
            }
        }
    }
    Ok(out)
}

/// `Ok(None)`: the value is left empty (`value: ~` or `staff: ~`), allowed in drafts.
fn parse_one(key: String, v: &Value) -> Result<Option<Metric>, MetricError> {
    let err = |field: Option<&str>, message: String, help: &str| MetricError {
        key: key.clone(),
        field: field.map(str::to_string),
        message,
        help: help.to_string(),
    };
    let number_help = "write the number alone (608, 259000, 92.5) and put the unit in `unit:`";
    match v {
        Value::Number(n) => {
            let value = n
                .as_f64()
                .ok_or_else(|| err(None, format!("metric `{key}` is not a number"), number_help))?;
            Ok(Some(Metric::new(key, None, value, None, None)))
        }
        Value::Mapping(m) => {
            let mut label = None;
            let mut value = None;
            let mut unit = None;
            let mut stated = None;
            for (fk, fv) in m {
                let name = fk.as_str().unwrap_or_default();
                match name {
                    "label" => {
                        label = Some(scalar_text(fv).ok_or_else(|| {
                            err(
                                Some("label"),
                                format!("metric `{key}`: `label` must be text"),
                                "write the label as text, e.g. label: 工作人员",
                            )
                        })?)
                    }
                    "unit" => {
                        unit = Some(scalar_text(fv).ok_or_else(|| {
                            err(
                                Some("unit"),
                                format!("metric `{key}`: `unit` must be text"),
                                "write the unit as text, e.g. unit: 台件",
                            )
                        })?)
                    }
                    "value" if fv.is_null() => {}
                    "value" => {
                        value = Some(number(fv).ok_or_else(|| {
                            err(
                                Some("value"),
                                format!("metric `{key}`: `value` must be a number, found {}", describe(fv)),
                                number_help,
                            )
                        })?)
                    }
                    "stated_change_pct" => {
                        stated = Some(number(fv).ok_or_else(|| {
                            err(
                                Some("stated_change_pct"),
                                format!(
                                    "metric `{key}`: `stated_change_pct` must be a number, found {}",
                                    describe(fv)
                                ),
                                "write the percentage as a number: 同比增长8.8% is 8.8, a fall of 3% is -3",
                            )
                        })?)
                    }
                    other => {
                        let help = match closest(other, METRIC_FIELDS) {
                            Some(best) => {
                                format!("did you mean `{best}`? A metric has label, value, unit and stated_change_pct")
                            }
                            None => "a metric has label, value, unit and stated_change_pct".to_string(),
                        };
                        return Err(err(
                            Some(other),
                            format!("metric `{key}`: unknown key `{other}`"),
                            &help,
                        ));
                    }
                }
            }
            Ok(value.map(|value| Metric::new(key, label, value, unit, stated)))
        }
        Value::Null => Ok(None),
        other => Err(err(
            None,
            format!("metric `{key}` must be a number or a map, found {}", describe(other)),
            number_help,
        )),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("text `{s}`"),
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a map".into(),
        Value::Number(n) => format!("`{n}`"),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

/// Formats a figure without float noise: 259000 not 259000.0, 92.5 as is.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(y: &str) -> Result<Vec<Metric>, MetricError> {
        parse_metrics(&yaml_serde::from_str::<Value>(y).unwrap(), false)
    }

    #[test]
    fn empty_values_only_in_drafts() {
        let y = yaml_serde::from_str::<Value>("staff: {label: 工作人员, value: ~, unit: 名}\narea: 3").unwrap();
        let e = parse_metrics(&y, false).unwrap_err();
        assert!(e.message.contains("no value yet"), "{}", e.message);
        let m = parse_metrics(&y, true).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].key, "area");
    }

    #[test]
    fn number_and_full_forms() {
        let m = parse("staff: 608\nreceived: {label: 收检仪器, value: 259000, unit: 台件, stated_change_pct: 8.8}")
            .unwrap();
        assert_eq!(m[0].key, "staff");
        assert_eq!(m[0].label, "staff");
        assert_eq!(m[0].display, "608");
        assert_eq!(m[1].label, "收检仪器");
        assert_eq!(m[1].unit.as_deref(), Some("台件"));
        assert_eq!(m[1].stated_change_pct, Some(8.8));
        assert_eq!(m[1].stated_change_display.as_deref(), Some("+8.8%"));
    }

    #[test]
    fn non_numeric_value_is_an_error() {
        let e = parse("staff: {value: 608名}").unwrap_err();
        assert_eq!(e.key, "staff");
        assert_eq!(e.field.as_deref(), Some("value"));
        assert!(e.message.contains("must be a number"));
        let e = parse("staff: 六百").unwrap_err();
        assert!(e.message.contains("must be a number or a map"));
    }

    #[test]
    fn unknown_metric_field_suggests() {
        let e = parse("staff: {value: 1, unti: 名}").unwrap_err();
        assert!(e.help.contains("`unit`"), "{}", e.help);
    }

    #[test]
    fn computes_change() {
        assert_eq!(change_pct(104000.0, 119000.0), Some(14.4));
        assert_eq!(change_pct(200.0, 150.0), Some(-25.0));
        assert_eq!(change_pct(0.0, 3.0), None);
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(format_number(259000.0), "259000");
        assert_eq!(format_number(92.5), "92.5");
        assert_eq!(format_number(-3.25), "-3.25");
    }
}
