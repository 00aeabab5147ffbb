//! sitemap.xml, atom.xml and robots.txt, written directly: they are data formats with
//! fixed shapes, and escaping is simpler to get right here than in templates.

use crate::content::dates::format_date;
use crate::content::{ContentTree, Document, Kind};
use crate::markdown::highlight::escape;

/// A page's absolute URL and the date it carries, if any.
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}

pub fn sitemap_xml(entries: &[SitemapEntry]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&escape(&e.loc));
        out.push_str("</loc>\n");
        if let Some(d) = &e.lastmod {
            out.push_str(&format!("    <lastmod>{}</lastmod>\n", escape(d)));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots_txt(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n")
}

/// The date an entry is filed under: its `date`, else the start of its effective
/// date, else the last day of the year it reports on. Never the build time, so the
/// feed is byte-identical across builds.
fn entry_date(d: &Document) -> String {
    if let Some(date) = d.date_string() {
        return format!("{date}T00:00:00+08:00");
    }
    if let Some(e) = d.effective {
        return format!(
            "{:04}-{:02}-{:02}T00:00:00+08:00",
            e.year,
            e.month.unwrap_or(1),
            e.day.unwrap_or(1)
        );
    }
    format!("{:04}-12-31T00:00:00+08:00", d.sort_year().unwrap_or(1970))
}

/// The last correction's date, else the entry date.
fn updated_date(d: &Document) -> String {
    match d.revisions.last() {
        Some(r) => format!("{}T00:00:00+08:00", format_date(r.date)),
        None => entry_date(d),
    }
}

/// Reports and statements, newest first.
pub fn atom_xml(tree: &ContentTree, title: &str, base_url: &str, publisher: Option<&str>) -> String {
    // (updated, url, xml): each document, and each correction as an update of its own
    // so that feed readers notice it.
    let mut entries: Vec<(String, String, String)> = Vec::new();
    for d in tree.documents.iter().filter(|d| d.kind != Kind::Page) {
        let url = format!("{base_url}{}", d.url_path);
        let mut e = String::from("  <entry>\n");
        e.push_str(&format!("    <title>{}</title>\n", escape(&d.title)));
        e.push_str(&format!("    <link href=\"{0}\"/>\n    <id>{0}</id>\n", escape(&url)));
        e.push_str(&format!("    <published>{}</published>\n", entry_date(d)));
        e.push_str(&format!("    <updated>{}</updated>\n", updated_date(d)));
        e.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            d.kind.name(),
            d.kind.label()
        ));
        if let Some(p) = &d.publisher {
            e.push_str(&format!("    <author><name>{}</name></author>\n", escape(&p.name)));
        }
        if let Some(s) = &d.summary {
            e.push_str(&format!("    <summary>{}</summary>\n", escape(s)));
        }
        e.push_str("  </entry>\n");
        entries.push((updated_date(d), url.clone(), e));
        for (i, r) in d.revisions.iter().enumerate() {
            let date = format!("{}T00:00:00+08:00", format_date(r.date));
            let mut e = String::from("  <entry>\n");
            e.push_str(&format!("    <title>更正：{}</title>\n", escape(&d.title)));
            e.push_str(&format!("    <link href=\"{}#revisions\"/>\n", escape(&url)));
            e.push_str(&format!("    <id>{}#revision-{}</id>\n", escape(&url), i + 1));
            e.push_str(&format!("    <updated>{date}</updated>\n"));
            e.push_str(&format!("    <summary>{}</summary>\n", escape(&r.note)));
            e.push_str("  </entry>\n");
            entries.push((date, format!("{url}#revision-{}", i + 1), e));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let updated = entries
        .first()
        .map(|e| e.0.clone())
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".into());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", escape(title)));
    out.push_str(&format!(
        "  <link href=\"{0}atom.xml\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{0}\"/>\n",
        escape(base_url)
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n  <updated>{updated}</updated>\n",
        escape(base_url)
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(publisher.unwrap_or(title))
    ));
    out.push_str("  <generator>gongshi</generator>\n");
    for (_, _, e) in entries {
        out.push_str(&e);
    }
    out.push_str("</feed>\n");
    out
}
