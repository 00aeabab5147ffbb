use super::*;

fn opts() -> RenderOptions {
    RenderOptions {
        paragraph_anchors: true,
        item_anchors: true,
        base_path: "/".into(),
        allow_html: false,
    }
}

#[test]
fn cjk_emphasis_renders_bold() {
    let r = render("本中心坚持**“公正、科学、准确”**的原则。", &opts());
    assert!(
        r.html.contains("<strong>“公正、科学、准确”</strong>的原则"),
        "{}",
        r.html
    );
}

#[test]
fn no_smart_punctuation_or_spaces() {
    let r = render(
        "他说\"好\"--这是'测试'...",
        &RenderOptions {
            paragraph_anchors: false,
            ..opts()
        },
    );
    assert!(r.html.contains("他说&quot;好&quot;--这是'测试'..."), "{}", r.html);
}

#[test]
fn headings_get_pinyin_ids_and_explicit_ids_win() {
    let r = render("## 一、前言\n\n## 诚信责任 {#integrity}\n\n## 一、前言\n", &opts());
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["yi-qian-yan", "integrity", "yi-qian-yan-1"]);
    assert!(
        r.html
            .contains("<h2 id=\"integrity\">诚信责任<a class=\"anchor\" href=\"#integrity\""),
        "{}",
        r.html
    );
}

#[test]
fn paragraphs_are_numbered_per_section() {
    let r = render(
        "开头。\n\n## 一、甲\n\n第一段。\n\n第二段。\n\n## 二、乙\n\n第一段。\n",
        &opts(),
    );
    assert!(r.html.contains("<p id=\"p1\">开头。"));
    assert!(r.html.contains("<p id=\"yi-jia-p2\">第二段。"), "{}", r.html);
    assert!(r.html.contains("<p id=\"er-yi-p1\">第一段。"));
}

#[test]
fn excerpt_blocks_and_their_paragraphs() {
    let r = render(":::excerpt\n原文到此为止...\n:::\n", &opts());
    assert!(r.html.contains("<div class=\"excerpt\">"), "{}", r.html);
    assert!(r.html.contains("<p id=\"p1\">原文到此为止..."));
}

#[test]
fn statement_items() {
    let r = render("1. 遵守法律；\n2. 坚持公正。\n", &opts());
    assert_eq!(r.items.len(), 2);
    assert_eq!(r.items[0].id, "item-1");
    assert_eq!(r.items[1].text, "坚持公正。");
    assert!(r.html.contains("<li id=\"item-2\">坚持公正。</li>"), "{}", r.html);
}

#[test]
fn gfm_tables_footnotes_strikethrough() {
    let r = render("|a|b|\n|-|-|\n|1|2|\n\n~~删~~ 注[^1]\n\n[^1]: 脚注\n", &opts());
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>删</del>"));
    assert!(r.html.contains("footnote"));
    assert!(r.html.contains("aria-label=\"返回正文引用处 1\""), "{}", r.html);
}

#[test]
fn raw_html_is_escaped() {
    let r = render("<script>alert(1)</script>\n\n文<b onclick=x>字</b>\n", &opts());
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"));
    assert!(!r.html.contains("<b onclick"));
}

#[test]
fn code_is_highlighted_with_classes() {
    let r = render("```rust\nfn main() {}\n```\n", &opts());
    assert!(r.html.contains("class=\"hl-code\""), "{}", r.html);
    assert!(r.html.contains("<span class=\"hl-"), "{}", r.html);
    assert!(!r.html.contains("style="));
}

#[test]
fn links_respect_base_path() {
    let o = RenderOptions {
        base_path: "/csr/".into(),
        ..opts()
    };
    let r = render("[a](/reports/2018/) [b](@/reports/2018.md#x) [c](https://e.cn/)", &o);
    assert!(r.html.contains("href=\"/csr/reports/2018/\""), "{}", r.html);
    assert!(r.html.contains("href=\"/csr/reports/2018/#x\""));
    assert!(r.html.contains("href=\"https://e.cn/\""));
}

#[test]
fn toc_nests_subheadings() {
    let r = render("## 一\n\n### （一）\n\n### （二）\n\n## 二\n", &opts());
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[0].children.len(), 2);
}

#[test]
fn deep_nesting_does_not_overflow() {
    // Beyond MAX_NESTING nothing is rendered and the caller reports an error.
    let deep = "> ".repeat(2000) + "深";
    let r = render(&deep, &opts());
    assert_eq!(r.too_deep, Some(1));
    let r = render(&("> ".repeat(MAX_NESTING - 5) + "深"), &opts());
    assert!(r.html.contains("深"));
    assert_eq!(r.too_deep, None);
}

#[test]
fn plain_text_by_section_with_anchors() {
    let r = render(
        "导言。\n\n## 一、前言\n\n第一段\n续行。\n\n1. 甲；\n2. 乙。\n\n:::excerpt\n节选...\n:::\n\n### （一）诚信\n\n|a|b|\n|-|-|\n|1|2|\n",
        &opts(),
    );
    let titles: Vec<_> = r.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["", "一、前言", "（一）诚信"]);
    assert_eq!(r.sections[0].blocks[0].id.as_deref(), Some("p1"));
    let s = &r.sections[1];
    assert_eq!(s.id.as_deref(), Some("yi-qian-yan"));
    assert_eq!(s.blocks[0].text, "第一段续行。");
    assert_eq!(s.blocks[1].text, "甲；");
    assert_eq!(s.blocks[1].id.as_deref(), Some("item-1"));
    assert_eq!(s.blocks[3].text, "节选...");
    assert_eq!(s.blocks[3].id.as_deref(), Some("yi-qian-yan-p2"));
    assert_eq!(r.sections[2].text(), "a b\n1 2");
}
