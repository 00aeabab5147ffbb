//! The kinds of document a transparency portal publishes.

use serde::Serialize;

/// What a document is; decides its template, its required fields and how it is
/// compared across years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A yearly social-responsibility report (社会责任报告).
    Report,
    /// An impartiality statement (公正声明).
    Impartiality,
    /// Service commitments (质量方针、服务理念、保密承诺…).
    Commitment,
    /// Anything else.
    Page,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Report, Kind::Impartiality, Kind::Commitment, Kind::Page];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Impartiality => "impartiality",
            Kind::Commitment => "commitment",
            Kind::Page => "page",
        }
    }

    /// The Chinese label shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Report => "社会责任报告",
            Kind::Impartiality => "公正声明",
            Kind::Commitment => "服务承诺",
            Kind::Page => "页面",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The template that renders a document of this kind.
    pub fn template(self) -> &'static str {
        match self {
            Kind::Report => "report.html",
            Kind::Impartiality => "impartiality.html",
            Kind::Commitment => "commitment.html",
            Kind::Page => "page.html",
        }
    }

    /// Statements and commitments are dated by when they take effect.
    pub fn is_statement(self) -> bool {
        matches!(self, Kind::Impartiality | Kind::Commitment)
    }
}
