//! Dates in front matter: full calendar dates (`date`) and possibly partial
//! effective dates (`effective: 2018`, `2018-06`, `2018-06-01`).

use std::fmt;

use serde::Serialize;
use time::Date;
use time::macros::format_description;

/// A calendar date, `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("`{s}` is not a valid date; write it as YYYY-MM-DD, e.g. 2019-03-31"))
}

pub fn format_date(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]"))
        .expect("date formats")
}

/// A date known to the year, month or day. Impartiality statements and commitments are
/// often only known by the year in which they were published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn parse(s: &str) -> Result<PartialDate, String> {
        let err = || format!("`{s}` is not a valid date; write YYYY, YYYY-MM or YYYY-MM-DD");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str| p.parse::<i32>().map_err(|_| err());
        match parts.as_slice() {
            [y] if y.len() == 4 => Ok(PartialDate {
                year: num(y)?,
                month: None,
                day: None,
            }),
            [y, m] if y.len() == 4 && m.len() == 2 => {
                let month = num(m)?;
                if !(1..=12).contains(&month) {
                    return Err(err());
                }
                Ok(PartialDate {
                    year: num(y)?,
                    month: Some(month as u8),
                    day: None,
                })
            }
            [_, _, _] => {
                let d = parse_date(s)?;
                Ok(PartialDate {
                    year: d.year(),
                    month: Some(d.month() as u8),
                    day: Some(d.day()),
                })
            }
            _ => Err(err()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        assert_eq!(PartialDate::parse("2018").unwrap().to_string(), "2018");
        assert_eq!(PartialDate::parse("2018-06").unwrap().to_string(), "2018-06");
        assert_eq!(PartialDate::parse("2018-06-01").unwrap().to_string(), "2018-06-01");
        assert!(PartialDate::parse("2018-13").is_err());
        assert!(PartialDate::parse("2018-02-30").is_err());
        assert!(PartialDate::parse("18").is_err());
        assert!(PartialDate::parse("2018-06").unwrap() < PartialDate::parse("2018-06-01").unwrap());
    }

    #[test]
    fn full_dates() {
        assert!(parse_date("2019-03-31").is_ok());
        assert!(parse_date("2019/03/31").is_err());
    }
}
