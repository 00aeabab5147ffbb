// Shared by the browser tests: build a site with the gongshi binary, serve it over
// HTTP on 127.0.0.1 with the strict CSP a government host sends, and drive Debian's
// chromium through playwright-core.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".bin": "application/octet-stream",
};

export function gongshiBinary() {
  const bin = process.env.GONGSHI_BIN || path.join(ROOT, "target/debug/gongshi");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run cargo build (scripts/test does) first`);
  return bin;
}

/** Writes `files` ({relative path: text}) into a fresh folder and returns it. */
export function writeSite(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gongshi-browser-"));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

/** Builds the site in `dir` into `dir/public` and returns that folder. */
export function build(dir) {
  const out = path.join(dir, "public");
  const r = spawnSync(gongshiBinary(), ["--root", dir, "build", "--output-dir", out], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`gongshi build failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/**
 * Serves `dir` under `prefix` (the site's base path) on a random port, with the CSP
 * header unless `csp` is false (the benchmark's Pagefind page needs WebAssembly).
 */
export async function serve(dir, prefix = "/", { csp = true } = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) {
      res.writeHead(404, { "Content-Security-Policy": CSP });
      return res.end("not found");
    }
    rel = rel.slice(prefix.length);
    let file = path.join(dir, rel);
    if (!file.startsWith(dir)) {
      res.writeHead(403);
      return res.end();
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) {
      res.writeHead(404, { "Content-Security-Policy": CSP, "Content-Type": TYPES[".html"] });
      return res.end("not found");
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, {
      ...(csp ? { "Content-Security-Policy": CSP } : {}),
      "Content-Type": TYPES[path.extname(file)] || "application/octet-stream",
      "Content-Length": body.length,
      "Cache-Control": "no-store",
    });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    url: (p) => `http://127.0.0.1:${port}${p}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page that records everything that must never happen: CSP violations, console
 * errors, uncaught exceptions and dialogs (an XSS payload's alert()).
 */
export async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.problems = async () => {
    const csp = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
    return problems.concat(csp.map((c) => `CSP violation: ${c}`));
  };
  return page;
}

/** Waits until the search page has finished a query. */
export async function searched(page) {
  await page.waitForFunction(() => {
    const r = document.getElementById("search-results");
    const s = document.getElementById("search-status");
    return r && r.getAttribute("aria-busy") === "false" && s && s.textContent && !/正在搜索/.test(s.textContent);
  });
}
