// /search/ in headless Chromium, on a fixture site built with a base path (/csr/) and
// served with the strict CSP: results, <mark>, deep links, filters, sorting, the
// no-result message, XSS attempts in q, no-JavaScript fallback, keyboard access, and
// the JS engine against a brute-force scan of the documents' text.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { ROOT, build, launch, searched, serve, watchedPage, writeSite } from "./helpers.mjs";

const report = (year, date, body) => `---\ntitle: ${year}年度社会责任报告\nyear: ${year}\ndate: ${date}\n---\n\n${body}\n`;

const files = {
  "config.yaml": "title: 测试中心公示\nbase_url: https://example.org/csr/\n",
  "content/_index.md": "---\ntitle: 首页\n---\n\n本中心的社会责任报告。\n",
  "content/reports/_index.md": "---\ntitle: 社会责任报告\nkind: report\n---\n",
  "content/reports/2018.md": report(
    2018,
    "2019-03-31",
    [
      "## 一、前言",
      "这是一段简单的文字，说明本报告的范围。中心坚持公正。",
      "## 二、中心基本情况",
      "中心现有工作人员608名，接收送检仪器25.9万台件，同比增长8.8%。",
      "依据《检测和校准实验室能力认可准则》（CNAS-CL01 idt ISO/IEC 17025：2005）建立质量管理体系。",
      "### （一）恒温恒湿实验室",
      "实验室配备恒温恒湿试验箱，保证检测环境条件。",
    ].join("\n\n"),
  ).replace(
    "date: 2019-03-31\n",
    "date: 2019-03-31\nsummary: 全年出具报告逾万份。\nmetrics:\n  certificates: {label: 认证证书, value: 1234, unit: 张}\n",
  ),
  "content/reports/2019.md": report(
    2019,
    "2020-04-01",
    [
      "## 1、 概述",
      "中心的恒温与恒湿分开写，不是一个词。",
      "2018年的数据见上一年度报告；依据ＩＳＯ／ＩＥＣ　１７０２５运行。",
    ].join("\n\n"),
  ),
  "content/impartiality/_index.md": "---\ntitle: 公正声明\nkind: impartiality\n---\n",
  "content/impartiality/2018.md":
    "---\ntitle: 公正性声明\neffective: 2018\ndate: 2018-01-15\nsummary: 本声明适用于全体员工。\n---\n\n1. 中心坚持公正、独立。\n2. 不接受有违公正性的投资。\n",
  "content/archive/_index.md": "---\ntitle: 历年报告\nkind: report\n---\n",
};
for (let y = 2001; y <= 2015; y++) {
  files[`content/archive/${y}.md`] = report(
    y,
    `${y + 1}-02-01`,
    `## 一、工作概况\n\n${y}年，中心检验检测机构能力建设持续推进，共完成检验${y - 1990}批次。`,
  );
}

let server, browser, context, site;

before(async () => {
  const dir = writeSite(files);
  site = build(dir);
  server = await serve(site, "/csr/");
  browser = await launch();
  context = await browser.newContext();
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

async function open(q, extra = "") {
  const page = await watchedPage(context);
  await page.goto(server.url(`/csr/search/?q=${encodeURIComponent(q)}${extra}`));
  await searched(page);
  return page;
}

async function resultTitles(page) {
  return page.$$eval("#search-results .search-result-title a", (as) => as.map((a) => a.textContent));
}

async function noProblems(page) {
  assert.deepEqual(await page.problems(), []);
  await page.close();
}

describe("search page", () => {
  test("a substring across words finds exactly the documents containing it", async () => {
    const page = await open("温恒湿");
    assert.deepEqual(await resultTitles(page), ["2018年度社会责任报告"], "恒温与恒湿 (2019) is not a hit");
    const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent));
    assert.ok(marks.length >= 1 && marks.every((m) => m === "温恒湿"), JSON.stringify(marks));
    const status = await page.textContent("#search-status");
    assert.match(status, /找到 1 篇文档/);
    await noProblems(page);
  });

  test("mixed Chinese, digits and Latin text; quoted phrase; AND of terms", async () => {
    const cases = [
      ["是一段", ["2018年度社会责任报告"]],
      ["段简", ["2018年度社会责任报告"]],
      ["25.9万", ["2018年度社会责任报告"]],
      ["CNAS-CL01", ["2018年度社会责任报告"]],
      ['"ISO/IEC 17025"', ["2018年度社会责任报告", "2019年度社会责任报告"]],
      ["2018年", ["2018年度社会责任报告", "2019年度社会责任报告"]],
      ["608名 恒温", ["2018年度社会责任报告"]],
      ["608名 恒温与恒湿", []],
    ];
    for (const [q, expected] of cases) {
      const page = await open(q);
      assert.deepEqual((await resultTitles(page)).sort(), expected.sort(), `query ${q}`);
      await noProblems(page);
    }
  });

  test("results deep-link to the paragraph, show the section heading, and rank titles first", async () => {
    const page = await open("恒温恒湿");
    const href = await page.getAttribute("#search-results .search-result-title a", "href");
    assert.match(href, /^\/csr\/reports\/2018\/#.+/);
    const section = await page.textContent("#search-results .search-result-section");
    assert.equal(section, "（一）恒温恒湿实验室");
    await page.click("#search-results .search-result-title a");
    await page.waitForURL(/\/csr\/reports\/2018\/#/);
    const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
    const text = await page.evaluate((id) => document.getElementById(id)?.textContent || "", id);
    assert.ok(text.includes("恒温恒湿"), `#${id} holds the match: ${text}`);
    await noProblems(page);

    const ranked = await open("2018年");
    assert.deepEqual(await resultTitles(ranked), ["2018年度社会责任报告", "2019年度社会责任报告"], "title hit first");
    await noProblems(ranked);
  });

  test("the summary and the metrics table are found, as the page shows them", async () => {
    // [query, the one hit, where its link goes, the element there that shows the match]
    const cases = [
      ["逾万份", "2018年度社会责任报告", /^\/csr\/reports\/2018\/$/, ".doc-header .summary"],
      ["认证证书 1234张", "2018年度社会责任报告", /^\/csr\/reports\/2018\/#metrics$/, "#metrics"],
      ["全体员工", "公正性声明", /^\/csr\/impartiality\/2018\/$/, ".doc-header .summary"],
    ];
    for (const [q, title, url, shown] of cases) {
      const page = await open(q);
      assert.deepEqual(await resultTitles(page), [title], `query ${q}`);
      const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent));
      assert.ok(marks.length >= 1, `query ${q}: the excerpt marks the match`);
      const href = await page.getAttribute("#search-results .search-result-title a", "href");
      assert.match(href, url, `query ${q}`);
      await page.click("#search-results .search-result-title a");
      await page.waitForURL((u) => u.pathname + u.hash === href);
      const text = await page.textContent(shown);
      for (const m of marks) assert.ok(text.includes(m), `query ${q}: ${shown} shows ${m}: ${text}`);
      await noProblems(page);
    }
  });

  test("a long query with many candidates is checked by positions", async () => {
    const page = await open("检验检测机构能力");
    const titles = await resultTitles(page);
    assert.equal(titles.length, 10, "first page");
    assert.match(await page.textContent("#search-status"), /找到 15 篇文档/);
    await page.click("#search-more");
    await searched(page);
    assert.equal((await resultTitles(page)).length, 15);
    assert.equal(await page.isHidden("#search-more"), true);
    await noProblems(page);
  });

  test("filters by kind and year with counts, and sorting by date", async () => {
    const page = await open("中心");
    const kinds = await page.$$eval("#search-filter-kind button", (bs) => bs.map((b) => b.textContent));
    assert.deepEqual(kinds, ["全部（18）", "社会责任报告（17）", "公正声明（1）"]);
    await page.click("#search-filter-kind button[data-value=impartiality]");
    await searched(page);
    assert.deepEqual(await resultTitles(page), ["公正性声明"]);
    assert.match(page.url(), /kind=impartiality/);
    assert.equal(await page.getAttribute("#search-filter-kind button[data-value=impartiality]", "aria-pressed"), "true");
    await page.click("#search-filter-kind button[data-value='']");
    await page.click("#search-filter-year button[data-value='2018']");
    await searched(page);
    assert.deepEqual((await resultTitles(page)).sort(), ["2018年度社会责任报告", "公正性声明"].sort());
    await noProblems(page);

    const byDate = await open("检验检测机构能力", "&sort=date");
    assert.equal((await resultTitles(byDate))[0], "2015年度社会责任报告");
    assert.equal(await byDate.getAttribute("button[data-sort=date]", "aria-pressed"), "true");
    await noProblems(byDate);
  });

  test("no result says so and links to the site map", async () => {
    const page = await open("不存在的内容");
    assert.equal(await page.$$eval("#search-results li", (l) => l.length), 0);
    assert.match(await page.textContent("#search-status"), /没有找到包含“不存在的内容”的文档/);
    assert.equal(await page.getAttribute("#search-status a", "href"), "/csr/sitemap/");
    await noProblems(page);
  });

  test("markup in q is shown as text: no element, no script, no dialog", async () => {
    for (const q of ["<img src=x onerror=alert(1)>", '"><script>alert(1)</script>', "<svg onload=alert(1)>中心"]) {
      const page = await open(q);
      const injected = await page.$$eval("main img, main script, main svg", (e) => e.length);
      assert.equal(injected, 0, `query ${q}`);
      assert.equal(await page.inputValue("#search-q"), q);
      await noProblems(page);
    }
  });

  test("search box in every page's header leads to the search page", async () => {
    const page = await watchedPage(context);
    await page.goto(server.url("/csr/reports/2018/"));
    const box = page.locator("header form[role=search] input[name=q]");
    assert.equal(await box.getAttribute("aria-label"), "搜索全站文档");
    await box.fill("恒温恒湿");
    await box.press("Enter");
    await page.waitForURL(/\/csr\/search\/\?q=/);
    await searched(page);
    assert.deepEqual(await resultTitles(page), ["2018年度社会责任报告"]);
    await noProblems(page);
  });

  test("results are reachable by keyboard and announced politely", async () => {
    const page = await open("中心");
    assert.equal(await page.getAttribute("#search-results", "aria-live"), "polite");
    assert.equal(await page.getAttribute("#search-results", "aria-busy"), "false");
    await page.focus("#search-q");
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => !!document.activeElement.closest("#search-results a"));
    }
    assert.ok(reached, "a result link takes the focus");
    await noProblems(page);
  });

  test("without JavaScript the page says so and links to the site map", async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const page = await noJs.newPage();
    await page.goto(server.url("/csr/search/?q=中心"));
    assert.match(await page.textContent("main"), /站内搜索需要启用 JavaScript/);
    assert.equal(await page.getAttribute(".search-noscript a", "href"), "/csr/sitemap/");
    assert.equal(await page.isHidden("#search-app"), true);
    await noJs.close();
  });
});

describe("query engine", () => {
  test("normalisation agrees with Rust on the shared cases", async () => {
    const cases = JSON.parse(fs.readFileSync(path.join(ROOT, "tests/search/normalize.json"), "utf8"));
    const page = await open("中心");
    const got = await page.evaluate((cases) => cases.map(([input]) => window.GongshiSearch.normalize(input)), cases);
    assert.deepEqual(got, cases.map(([, expected]) => expected));
    await noProblems(page);
  });

  test("finds exactly what a brute-force scan of every document finds", async () => {
    const page = await open("中心");
    const mismatches = await page.evaluate(async () => {
      const S = window.GongshiSearch;
      const app = document.getElementById("search-app");
      const index = new S.Index(app.dataset.index, app.dataset.version);
      const meta = await index.load();
      const frags = await Promise.all(meta.docs.map((_, i) => index.fragment(i)));
      const units = frags.map((f) => [f.title]
        .concat(f.sections.map((s) => s.title).filter(Boolean))
        .concat(f.sections.flatMap((s) => s.blocks.map((b) => b[1])))
        .map(S.normalize));
      // Substrings of the documents at every length, plus near misses.
      const queries = ["恒温与恒湿", "温恒湿实验", "检验检测机构能力建设持续推进", "不存在", "年，中心", "2005）", "a"];
      let seed = 7;
      const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
      for (let i = 0; i < 300; i++) {
        const u = units[rnd(units.length)];
        const t = Array.from(u[rnd(u.length)]);
        const start = rnd(Math.max(1, t.length));
        queries.push(t.slice(start, start + 1 + rnd(10)).join("").trim());
      }
      const bad = [];
      for (const q of queries) {
        const terms = S.parseQuery(`"${q}"`);
        if (!terms.length) continue;
        const got = (await index.search(terms)).map((d) => d.id).sort((a, b) => a - b);
        const want = [];
        units.forEach((us, i) => { if (us.some((u) => u.includes(terms[0].text))) want.push(i); });
        if (JSON.stringify(got) !== JSON.stringify(want)) bad.push({ q, got, want });
      }
      return { bad, tried: queries.length };
    });
    assert.ok(mismatches.tried > 250);
    assert.deepEqual(mismatches.bad, []);
    await noProblems(page);
  });
});
