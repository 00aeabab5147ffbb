//! The proof-reader: what a careful reader of an official Chinese document would
//! mark before it goes out (government sites are inspected for 错别字 and 内容错误).
//!
//! Every finding is a warning with `file:line:column`, the offending text, a
//! suggestion and the id of its rule, so that it can be silenced by name: per
//! document (`lint: {allow: [numbering]}` in front matter) or per site (the same
//! under `lint:` in config.yaml). The rules work on the Markdown *source* of each
//! document ([`scan`]), so positions are exact and Markdown's own numbering of
//! ordered lists is never mistaken for the text's:
//!
//! - [`numbering`]: 一、二、 / （一）（二） / 1、 1. / 一是、二是 out of order, skipped,
//!   repeated, or written in another style than their siblings;
//! - [`excerpt`]: a paragraph that stops (`...`, `…`, a trailing `，`) outside an
//!   `:::excerpt` block, and an excerpt block that is not cut;
//! - [`punctuation`]: doubled or conflicting marks, half-width marks in Chinese text,
//!   unbalanced 《》（）“”【】, spaces after full-width marks, headings ending in `：`;
//! - [`figures`]: numbers in the text against the front matter's metrics, stated
//!   changes against the year before (the comparisons' own check), shares above 100%;
//! - [`repetition`]: 的的, 工作的工作, empty sections, headings used twice;
//! - [`dates`]: a report dated before its year ended, a title naming another year,
//!   dates that do not exist.
//!
//! Superseded texts (`2018.v1.md`) are published as they were and not proof-read.

pub mod chars;
pub mod dates;
pub mod excerpt;
pub mod figures;
mod inline;
pub mod numbering;
pub mod punctuation;
pub mod repetition;
pub mod scan;

use std::ops::Range;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{ContentTree, Document};
use crate::diagnostics::{Diagnostic, Diagnostics, closest};
use scan::Pos;

pub const NUMBERING: &str = "numbering";
pub const EXCERPT: &str = "excerpt";
pub const PUNCTUATION: &str = "punctuation";
pub const FIGURES: &str = "figures";
pub const REPETITION: &str = "repetition";
pub const DATES: &str = "dates";

/// Every rule id, as `lint: {allow: […]}` takes them.
pub const RULES: [&str; 6] = [NUMBERING, EXCERPT, PUNCTUATION, FIGURES, REPETITION, DATES];

/// The first id of `allow` that is not a rule: (message, help with the closest id).
pub fn unknown_rule(allow: &[String]) -> Option<(String, String)> {
    let bad = allow.iter().find(|id| !RULES.contains(&id.as_str()))?;
    let list = RULES.join(", ");
    let help = match closest(bad, RULES) {
        Some(best) => format!("did you mean `{best}`? The proof-reading rules are: {list}"),
        None => format!("the proof-reading rules are: {list}"),
    };
    Some((format!("unknown proof-reading rule `{bad}` in `lint.allow`"), help))
}

/// Collects one document's warnings.
pub struct Findings<'a> {
    pub doc: &'a Document,
    /// Its source, unpacked ([`Document::source`]), to quote lines from.
    pub source: &'a str,
    pub out: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    pub fn new(doc: &'a Document, source: &'a str) -> Self {
        Findings {
            doc,
            source,
            out: Vec::new(),
        }
    }

    /// A warning of `rule` at `pos` about `text`.
    pub fn warn(
        &mut self,
        rule: &str,
        pos: Pos,
        text: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.out.push(
            Diagnostic::warning(&self.doc.file, message)
                .at(self.source, pos.line, pos.col)
                .with_help(help)
                .with_rule(rule)
                .with_snippet(text),
        );
    }
}

/// Whether `rule` runs on `doc` under the site's config.
pub fn enabled(rule: &str, doc: &Document, config: &SiteConfig) -> bool {
    !doc.lint_allow.iter().chain(&config.lint.allow).any(|r| r == rule)
}

/// The rules that read one document on its own.
pub fn lint_document(doc: &Document) -> Vec<Diagnostic> {
    let scanned = scan::scan(doc);
    let mut f = Findings::new(doc, &scanned.source);
    numbering::check(&scanned, &mut f);
    excerpt::check(&scanned, &mut f);
    punctuation::check(&scanned, &mut f);
    figures::check(&scanned, &mut f);
    repetition::check(&scanned, &mut f);
    dates::check(&scanned, &mut f);
    f.out
}

/// Remembers each document's findings between builds (the build cache), so that an
/// unchanged document is not proof-read again.
pub trait Memo: Sync {
    /// The findings of document `i` (indexed like `ContentTree::documents`) if its
    /// source and the site's settings are unchanged since they were stored.
    fn get(&self, i: usize) -> Option<Vec<Diagnostic>>;
    fn put(&self, i: usize, found: &[Diagnostic]);
}

/// No memory: every document is read.
pub struct NoMemo;

impl Memo for NoMemo {
    fn get(&self, _: usize) -> Option<Vec<Diagnostic>> {
        None
    }
    fn put(&self, _: usize, _: &[Diagnostic]) {}
}

/// The findings of documents `range`, silenced rules left out, in document order.
fn findings(tree: &ContentTree, config: &SiteConfig, memo: &dyn Memo, range: Range<usize>) -> Vec<Diagnostic> {
    tree.documents[range.clone()]
        .par_iter()
        .zip(range)
        .flat_map_iter(|(doc, i)| {
            let found = memo.get(i).unwrap_or_else(|| {
                let found = lint_document(doc);
                memo.put(i, &found);
                found
            });
            found
                .into_iter()
                .filter(|d| d.rule.as_deref().is_none_or(|r| enabled(r, doc, config)))
        })
        .collect()
}

/// Documents proof-read together when only the first findings are kept (see [`apply`]).
const DOCUMENTS_PER_ROUND: usize = 512;

/// Adds the proof-reader's warnings to a build's or a check's, sorted, and returns
/// how many warnings there are in all. The comparisons already warn about stated
/// changes their figures contradict; those warnings are replaced by the same ones
/// under the `figures` rule, so they are shown once and can be silenced with the others.
///
/// With `keep`, only the first `keep` findings (in order) are added, with every other
/// warning: a `build` prints no more (see `build::kept_warnings`), and the generated
/// national site has 245,000 findings, some 190 MB held at once. The documents are then
/// proof-read a round at a time, and each round's findings beyond the first `keep` are
/// counted and dropped.
pub fn apply(
    tree: &ContentTree,
    config: &SiteConfig,
    warnings: &mut Diagnostics,
    memo: &dyn Memo,
    keep: Option<usize>,
) -> usize {
    apply_in_rounds(tree, config, warnings, memo, keep, DOCUMENTS_PER_ROUND)
}

/// [`apply`], `per_round` documents a round.
fn apply_in_rounds(
    tree: &ContentTree,
    config: &SiteConfig,
    warnings: &mut Diagnostics,
    memo: &dyn Memo,
    keep: Option<usize>,
    per_round: usize,
) -> usize {
    let mut stated = figures::stated_changes(tree);
    stated.sort_by(Diagnostic::order);
    warnings.0.retain(|w| stated.binary_search_by(|s| s.order(w)).is_err());
    let by_file: std::collections::HashMap<&std::path::Path, &Document> =
        tree.documents.iter().map(|d| (d.file.as_path(), &**d)).collect();
    let stated = stated.into_iter().filter_map(|d| {
        let doc = by_file.get(d.file.as_path());
        doc.is_none_or(|doc| enabled(FIGURES, doc, config))
            .then(|| d.with_rule(FIGURES))
    });
    let documents = tree.documents.len();
    let Some(keep) = keep else {
        warnings.extend(findings(tree, config, memo, 0..documents));
        warnings.extend(stated);
        warnings.sort();
        return warnings.0.len();
    };
    let bound = |warnings: &mut Diagnostics| {
        warnings.sort();
        let mut findings_kept = 0;
        warnings.0.retain(|d| {
            findings_kept += usize::from(d.rule.is_some());
            d.rule.is_none() || findings_kept <= keep
        });
    };
    warnings.extend(stated);
    warnings.sort();
    // What the rounds' findings are counted against: a finding equal to one of these
    // is the same warning.
    let others = warnings.0.clone();
    let mut total = others.len();
    bound(warnings);
    for start in (0..documents).step_by(per_round) {
        let mut found = Diagnostics(findings(tree, config, memo, start..documents.min(start + per_round)));
        found.sort();
        total += found.0.iter().filter(|d| !contains_sorted(&others, d)).count();
        warnings.extend(found.0);
        bound(warnings);
    }
    total
}

/// Whether `sorted` (by [`Diagnostic::order`]) holds `d`.
fn contains_sorted(sorted: &[Diagnostic], d: &Diagnostic) -> bool {
    let from = sorted.partition_point(|s| s.order(d).is_lt());
    sorted[from..].iter().take_while(|s| s.order(d).is_eq()).any(|s| s == d)
}

/// A document parsed from front matter and body, and its warnings, for unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::content::Document;
    use crate::diagnostics::Diagnostic;

    pub fn doc(front: &str, body: &str) -> Document {
        let text = format!("---\n{front}\n---\n{body}");
        let file = std::path::PathBuf::from("content/reports/2018.md");
        let sp = crate::content::front_matter::split(&file, &text).unwrap();
        crate::content::document::parse_document(crate::content::document::DocumentInput {
            file: &file,
            text: &text,
            split: sp,
            section: "reports",
            url_path: "reports/2018/".into(),
            section_kind: Some(crate::content::Kind::Report),
            digest: String::new(),
        })
        .unwrap()
    }

    /// The (snippet) texts `rule` marks in `body` (a 2018 report).
    pub fn marks(rule: &str, body: &str) -> Vec<String> {
        let d = doc("title: 2018年度报告\nyear: 2018", body);
        super::lint_document(&d)
            .into_iter()
            .filter(|w: &Diagnostic| w.rule.as_deref() == Some(rule))
            .map(|w| w.snippet.unwrap_or_default())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rules_suggest_the_closest() {
        assert!(unknown_rule(&["numbering".into(), "dates".into()]).is_none());
        let (m, h) = unknown_rule(&["numbring".into()]).unwrap();
        assert!(m.contains("`numbring`"), "{m}");
        assert!(h.contains("did you mean `numbering`?"), "{h}");
    }

    #[test]
    fn keeping_the_first_findings_keeps_what_all_of_them_would_start_with() {
        // Listed against the order of their files, each with a few findings.
        let documents: Vec<std::sync::Arc<Document>> = (0..9)
            .rev()
            .map(|n| {
                let mut d = testing::doc(
                    "title: 2018年度报告\nyear: 2018",
                    &format!("## 一、概况\n\n我们的的工作{n}，，完成。\n\n## 三、服务\n\n服务的的承诺。\n"),
                );
                d.file = format!("content/reports/{n}.md").into();
                d.into()
            })
            .collect();
        let tree = ContentTree {
            documents,
            ..ContentTree::default()
        };
        let config: SiteConfig = yaml_serde::from_str("title: 测试\nbase_url: https://example.gov.cn/").unwrap();
        // A warning given before proof-reading, and one that proof-reading gives again.
        let again = lint_document(&tree.documents[2]).swap_remove(1);
        let compared = || {
            Diagnostics(vec![
                Diagnostic::warning("content/reports/5.md", "a comparison's warning"),
                again.clone(),
            ])
        };
        let mut all = compared();
        let total = apply(&tree, &config, &mut all, &NoMemo, None);
        assert_eq!(total, all.0.len());
        assert!(total > 30, "{total} warnings");
        for keep in [0, 3, 7, 1000] {
            let expected: Vec<&Diagnostic> = all
                .0
                .iter()
                .scan(0, |findings, d| {
                    *findings += usize::from(d.rule.is_some());
                    Some((d, *findings))
                })
                .filter(|(d, findings)| d.rule.is_none() || *findings <= keep)
                .map(|(d, _)| d)
                .collect();
            for per_round in [1, 4, 100] {
                let mut kept = compared();
                let counted = apply_in_rounds(&tree, &config, &mut kept, &NoMemo, Some(keep), per_round);
                assert_eq!(counted, total, "keep {keep}, {per_round} a round");
                assert_eq!(
                    kept.0.iter().collect::<Vec<_>>(),
                    expected,
                    "keep {keep}, {per_round} a round"
                );
            }
        }
    }
}
