// Quality gates on every page type of a fixture site (base path /csr/, comparisons,
// statements, commitments) and of the default portal: the strict CSP header (no
// violation, no console or page error), axe-core (WCAG 2.0/2.1 A and AA: zero
// violations) and the W3C Nu HTML Checker (vnu-jar: zero errors).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { ROOT, build, launch, searched, serve, watchedPage, writeSite } from "./helpers.mjs";

const report = (year, staff, extra = "") =>
  `---\ntitle: ${year}年度社会责任报告\nyear: ${year}\ndate: ${year + 1}-03-01\nsummary: 中心${year}年度履行社会责任的情况。\nmetrics:\n  staff: {label: 工作人员, value: ${staff}, unit: 名}\n---\n\n` +
  `## 一、前言\n\n本报告说明中心${year}年的工作。${extra}\n\n## 二、中心基本情况\n\n中心现有工作人员${staff}名，坚持公正。\n\n### （一）实验室\n\n实验室配备恒温恒湿试验箱。[^1]\n\n[^1]: 依据检定规程。\n`;

const files = {
  "config.yaml": "title: 测试中心公示\nbase_url: https://example.org/csr/\ndescription: 测试用的公示网站\npublisher: {name: 测试检验中心, address: 北京市, phone: 010-12345678, email: a@example.org, icp: 京ICP备00000000号}\n",
  "content/_index.md": "---\ntitle: 首页\n---\n\n本中心的社会责任报告、公正声明与服务承诺。\n",
  "content/reports/_index.md": "---\ntitle: 社会责任报告\nkind: report\n---\n",
  "content/reports/2017.md": report(2017, 590),
  "content/reports/2018.md": report(2018, 600, "新增一段说明。"),
  "content/reports/2019.md": report(2019, 608),
  "content/impartiality/_index.md": "---\ntitle: 公正声明\nkind: impartiality\n---\n",
  "content/impartiality/2018.md": "---\ntitle: 公正性声明\neffective: 2018\n---\n\n1. 中心坚持公正、独立。\n2. 不接受有违公正性的投资。\n",
  "content/impartiality/2021.md": "---\ntitle: 公正性声明\neffective: 2021\n---\n\n1. 中心坚持公正、独立、诚信。\n2. 不接受有违公正性的投资。\n3. 保守客户秘密。\n",
  "content/commitments/_index.md": "---\ntitle: 服务承诺\nkind: commitment\n---\n",
  "content/commitments/quality.md": "---\ntitle: 质量方针\neffective: 2019\n---\n\n1. 科学公正。\n2. 准确高效。\n",
};

const PAGES = {
  home: "/csr/",
  report: "/csr/reports/2018/",
  reports: "/csr/reports/",
  comparison: "/csr/reports/compare/2018-2019/",
  "compare index": "/csr/reports/compare/",
  trends: "/csr/reports/trends/",
  statement: "/csr/impartiality/2021/",
  "statement comparison": "/csr/impartiality/compare/2018-2021/",
  commitments: "/csr/commitments/",
  commitment: "/csr/commitments/quality/",
  search: "/csr/search/?q=%E4%B8%AD%E5%BF%83",
  404: "/csr/404.html",
  data: "/csr/data/",
  "site map": "/csr/sitemap/",
  year: "/csr/years/2018/",
};
const AXE_PAGES = ["home", "report", "comparison", "statement", "search", "404", "year"];
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let server, browser, site, defaultSite;

before(async () => {
  site = build(writeSite(files));
  server = await serve(site, "/csr/");
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe("strict CSP header", () => {
  for (const [name, url] of Object.entries(PAGES)) {
    test(`${name} loads with no CSP violation and no error`, async () => {
      const context = await browser.newContext();
      const page = await watchedPage(context);
      const res = await page.goto(server.url(url));
      assert.equal(res.status(), 200, url);
      if (name === "search") await searched(page);
      else await page.waitForLoadState("load");
      assert.deepEqual(await page.problems(), [], url);
      await context.close();
    });
  }
});

describe("axe-core", () => {
  let axeRules = 0;
  after(() => console.log(`axe-core: ${axeRules} rules (${AXE_TAGS.join(", ")}) on ${AXE_PAGES.length} pages`));
  for (const name of AXE_PAGES) {
    test(`${name}: no WCAG 2.1 A/AA violation`, async () => {
      // axe is injected as a script, which the CSP would block: a second pass bypasses it.
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      await page.goto(server.url(PAGES[name]));
      if (name === "search") await searched(page);
      await page.addScriptTag({ path: path.join(ROOT, "node_modules/axe-core/axe.min.js") });
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
        AXE_TAGS,
      );
      const rules = await page.evaluate((tags) => window.axe.getRules(tags).length, AXE_TAGS);
      axeRules = Math.max(axeRules, rules);
      const violations = result.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
      );
      assert.deepEqual(violations, [], `${PAGES[name]}:\n${violations.join("\n")}`);
      await context.close();
    });
  }
});

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.name.endsWith(".html")) out.push(p);
  }
  return out;
}

test("the Nu HTML Checker finds no error", { skip: !hasJava() && "java is missing" }, () => {
  // The default portal (the repository root) and the fixture site.
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || "/tmp"), "gongshi-vnu-"));
  defaultSite = path.join(dir, "public");
  const r = spawnSync(process.env.GONGSHI_BIN || path.join(ROOT, "target/debug/gongshi"), ["--root", ROOT, "build", "--output-dir", defaultSite], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const pages = [...htmlFiles(defaultSite), ...htmlFiles(site)];
  const vnu = spawnSync(
    "java",
    ["-jar", path.join(ROOT, "node_modules/vnu-jar/build/dist/vnu.jar"), "--errors-only", "--format", "json", ...pages],
    { encoding: "utf8", maxBuffer: 64 << 20 },
  );
  const messages = JSON.parse(vnu.stderr || vnu.stdout || '{"messages": []}').messages;
  const errors = messages.map((m) => `${m.url}:${m.lastLine}: ${m.message}`);
  console.log(`vnu: ${pages.length} pages validated, ${errors.length} errors`);
  assert.deepEqual(errors, []);
  fs.rmSync(dir, { recursive: true, force: true });
});

function hasJava() {
  return spawnSync("java", ["-version"]).status === 0;
}
