// The measuring half of scripts/bench-search: for each query, a cold browser (fresh
// context, empty cache) runs it against the built site, and against Pagefind's bundle
// when there is one. Bytes are the bodies of every file the query fetched, runtime
// included (our search.js, meta, shards and the ten result fragments; Pagefind's
// pagefind.js, WebAssembly, metadata, index chunks and ten fragments); the HTML page and
// stylesheet are left out of both. Times: the cold query (fetches from 127.0.0.1
// included) and the median of five warm repeats (everything cached: the engine alone).
//
//   node scripts/bench-search.mjs SITE_DIR [--pagefind]   (SITE_DIR/public is served)

import path from "node:path";

import { launch, serve } from "../tests/browser/helpers.mjs";

const QUERIES = [
  "公正",
  "投诉",
  "满意度",
  "2018年",
  "25.9万",
  "社会责任",
  "检验检测",
  "恒温恒湿",
  "温恒湿",
  "电线电缆",
  "CNAS-CL01",
  "质量管理体系",
  '"ISO/IEC 17025"',
  "检验检测 满意度",
];
const RESULTS = 10;

const [dir, ...flags] = process.argv.slice(2);
const withPagefind = flags.includes("--pagefind");
const server = await serve(path.join(dir, "public"), "/", { csp: false });
const browser = await launch();

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function measure(run, counted) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0;
  const files = new Set();
  page.on("requestfinished", async (req) => {
    const u = new URL(req.url());
    if (!counted(u.pathname)) return;
    const res = await req.response();
    const body = res ? await res.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    bytes += body.length;
    files.add(u.pathname);
  });
  const result = await run(page);
  await page.waitForTimeout(50);
  await context.close();
  return { ...result, bytes, files: files.size };
}

async function ours(q) {
  return measure(
    async (page) => {
      await page.goto(server.url("/search/?q=" + encodeURIComponent(q)));
      await page.waitForFunction(() => {
        const r = document.getElementById("search-results");
        const s = document.getElementById("search-status");
        return r.getAttribute("aria-busy") === "false" && /找到|没有找到/.test(s.textContent);
      }, null, { timeout: 120_000 });
      return page.evaluate(async (q) => {
        const S = window.GongshiSearch;
        const app = document.getElementById("search-app");
        const status = document.getElementById("search-status").textContent;
        const found = Number((status.match(/找到 (\d+) 篇/) || [0, 0])[1]);
        const cold = Number((status.match(/用时 (\d+) 毫秒/) || [0, NaN])[1]);
        const index = new S.Index(app.dataset.index, app.dataset.version);
        await index.load();
        const terms = S.parseQuery(q);
        await index.search(terms);
        const warm = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          await index.search(terms);
          warm.push(performance.now() - t0);
        }
        warm.sort((a, b) => a - b);
        return { found, cold, warm: warm[2] };
      }, q);
    },
    (p) => /^\/search\.[0-9a-f]+\.js$/.test(p) || (p.startsWith("/search/") && p.endsWith(".bin")),
  );
}

async function pagefind(q) {
  return measure(
    async (page) => {
      await page.route("**/pf-bench.html", (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html><meta charset=utf-8><title>pf</title>" }),
      );
      await page.goto(server.url("/pf-bench.html"));
      return page.evaluate(async ({ q, n }) => {
        const t0 = performance.now();
        const pf = await import("/pagefind/pagefind.js");
        await pf.options({ excerptLength: 30 });
        const r = await pf.search(q);
        await Promise.all(r.results.slice(0, n).map((x) => x.data()));
        const cold = performance.now() - t0;
        const warm = [];
        for (let i = 0; i < 5; i++) {
          const t1 = performance.now();
          await pf.search(q + " ".repeat(i + 1));
          warm.push(performance.now() - t1);
        }
        warm.sort((a, b) => a - b);
        return { found: r.results.length, cold: Math.round(cold), warm: warm[2] };
      }, { q, n: RESULTS });
    },
    (p) => p.startsWith("/pagefind/"),
  );
}

const rows = [];
for (const q of QUERIES) {
  const row = { query: q, ours: await ours(q) };
  if (withPagefind) row.pagefind = await pagefind(q);
  rows.push(row);
}

const kb = (b) => (b / 1024).toFixed(1).padStart(7);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : "-").padStart(6);
console.log(
  "query".padEnd(18) +
    "| gongshi: found   KB files cold-ms warm-ms " +
    (withPagefind ? "| pagefind: found   KB files cold-ms warm-ms" : ""),
);
for (const r of rows) {
  let line = r.query.padEnd(18 - [...r.query].filter((c) => c.charCodeAt(0) > 0x2e80).length) +
    `| ${String(r.ours.found).padStart(13)} ${kb(r.ours.bytes)} ${String(r.ours.files).padStart(5)} ${ms(r.ours.cold)}  ${ms(r.ours.warm)} `;
  if (r.pagefind) {
    line += `| ${String(r.pagefind.found).padStart(14)} ${kb(r.pagefind.bytes)} ${String(r.pagefind.files).padStart(5)} ${ms(r.pagefind.cold)}  ${ms(r.pagefind.warm)}`;
  }
  console.log(line);
}
const total = (k) => rows.reduce((a, r) => a + (r[k]?.bytes || 0), 0) / rows.length;
console.log(`mean KB per cold query: gongshi ${kb(total("ours"))}` + (withPagefind ? `, pagefind ${kb(total("pagefind"))}` : ""));
console.log(`max warm ms: gongshi ${ms(Math.max(...rows.map((r) => r.ours.warm)))}` +
  (withPagefind ? `, pagefind ${ms(Math.max(...rows.map((r) => r.pagefind.warm)))}` : ""));

await browser.close();
await server.close();
