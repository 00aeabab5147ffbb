// Site search for /search/: finds every document whose text contains the query, as the
// browser's Ctrl+F would (substrings across words included), from the index that
// src/search/ writes under search/. It fetches only the shards a query needs, inflates
// them with DecompressionStream("gzip"), and builds every element with createElement and
// textContent: nothing from the URL or the index is ever parsed as HTML. No eval, no
// inline handlers or styles, so it runs under the site's strict CSP.
(function () {
  "use strict";

  var PAGE = 10;
  var MAX_TERMS = 10;
  var MAX_TERM_CHARS = 64;

  // --- Normalisation: the mirror of src/search/normalize.rs -------------------------

  function isSpace(c) {
    return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 ||
      c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
      c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
  }

  function fold(c) {
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    if (c >= 65 && c <= 90) c += 32;
    return c;
  }

  // Normalised code points of `text`, and for each the index of the code point of
  // `text` it came from (to put <mark> around the original characters).
  function normalizeMap(text) {
    var cps = [], src = [], pending = false, i = 0;
    for (var ch of text) {
      var c = ch.codePointAt(0);
      if (isSpace(c)) {
        pending = cps.length > 0;
      } else {
        if (pending) { cps.push(32); src.push(i - 1); pending = false; }
        cps.push(fold(c));
        src.push(i);
      }
      i++;
    }
    return { cps: cps, src: src };
  }

  function fromCps(cps) {
    var s = "";
    for (var i = 0; i < cps.length; i += 4096) s += String.fromCodePoint.apply(null, cps.slice(i, i + 4096));
    return s;
  }

  function normalize(text) {
    return fromCps(normalizeMap(text).cps);
  }

  // A query: space-separated terms, ANDed; "a quoted phrase" is one term, spaces kept.
  function parseQuery(q) {
    var n = normalize(q), terms = [], seen = {};
    var re = /"([^"]*)"?|([^ "]+)/g, m;
    while ((m = re.exec(n)) !== null) {
      var t = (m[1] !== undefined ? m[1] : m[2]).trim();
      var cps = Array.from(t, function (ch) { return ch.codePointAt(0); }).slice(0, MAX_TERM_CHARS);
      t = fromCps(cps);
      if (cps.length && !seen[t] && terms.length < MAX_TERMS) { seen[t] = true; terms.push({ text: t, cps: cps }); }
    }
    return terms;
  }

  // --- Index files ------------------------------------------------------------------

  function gramHash(cps) {
    var h = 0x811c9dc5;
    for (var i = 0; i < cps.length; i++) { h ^= cps[i]; h = Math.imul(h, 0x01000193); }
    return h >>> 0;
  }

  function Reader(bytes, at) { this.b = bytes; this.at = at || 0; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, b;
    do {
      if (this.at >= this.b.length) throw new Error("truncated index file");
      b = this.b[this.at++];
      v += (b & 127) * mul;
      mul *= 128;
    } while (b >= 128);
    return v;
  };

  function Index(base, version) {
    this.base = base;
    this.version = version;
    this.files = new Map();
    this.shards = new Map();
    this.bytes = 0;
  }

  Index.prototype.fetch = function (path) {
    var self = this;
    if (!this.files.has(path)) {
      var url = this.base + path + "?v=" + encodeURIComponent(this.version);
      this.files.set(path, fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status + " for " + path);
        return r.arrayBuffer();
      }).then(function (buf) {
        self.bytes += buf.byteLength;
        var b = new Uint8Array(buf);
        // A host may already have undone the gzip (Content-Encoding): then use as is.
        if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return b;
        var stream = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer().then(function (x) { return new Uint8Array(x); });
      }));
    }
    return this.files.get(path);
  };

  Index.prototype.json = function (path) {
    return this.fetch(path).then(function (b) { return JSON.parse(new TextDecoder().decode(b)); });
  };

  Index.prototype.load = function () {
    var self = this;
    return this.json("meta.bin").then(function (meta) {
      if (meta.format !== 1) throw new Error("unsupported index format " + meta.format);
      self.meta = meta;
      return meta;
    });
  };

  // A shard: map from gram to {docs, start, end} within its bytes.
  Index.prototype.shard = function (path) {
    var self = this;
    if (!this.shards.has(path)) {
      this.shards.set(path, this.fetch(path).then(function (b) {
        var r = new Reader(b), map = new Map();
        while (r.at < b.length) {
          var n = r.varint(), cps = [];
          for (var i = 0; i < n; i++) cps.push(r.varint());
          var docs = r.varint(), len = r.varint();
          map.set(fromCps(cps), { bytes: b, docs: docs, start: r.at, end: r.at + len });
          r.at += len;
        }
        return map;
      }));
    }
    return this.shards.get(path);
  };

  Index.prototype.list = function (kind, cps) {
    var n = kind === "a" ? this.meta.a : this.meta.b;
    var path = kind + "/" + (gramHash(cps) & (n - 1)) + ".bin";
    return this.shard(path).then(function (map) { return map.get(fromCps(cps)) || null; });
  };

  // Counts list: Map doc -> {n, t, h} (occurrences, in title, in a heading).
  function readCounts(list) {
    var out = new Map();
    if (!list) return out;
    var r = new Reader(list.bytes, list.start), doc = -1;
    while (r.at < list.end) {
      doc += r.varint() + 1;
      var v = r.varint();
      out.set(doc, { n: Math.floor(v / 4), t: (v & 2) !== 0, h: (v & 1) !== 0 });
    }
    return out;
  }

  function readRun(r, n) {
    var out = new Array(n), p = -1;
    for (var i = 0; i < n; i++) { p += r.varint() + 1; out[i] = p; }
    return out;
  }

  // Positions list, kept for `wanted` documents only: Map doc -> [title, heading, body].
  // All documents' headers come first, then all their positions (src/search/shards.rs).
  function readPositions(list, wanted) {
    var out = new Map();
    if (!list) return out;
    var r = new Reader(list.bytes, list.start), doc = -1, heads = [];
    for (var i = 0; i < list.docs; i++) {
      doc += r.varint() + 1;
      var header = r.varint();
      heads.push([doc, header & 2 ? r.varint() : 0, header & 1 ? r.varint() : 0, Math.floor(header / 4)]);
    }
    heads.forEach(function (h) {
      var p = [readRun(r, h[1]), readRun(r, h[2]), readRun(r, h[3])];
      if (wanted.has(h[0])) out.set(h[0], p);
    });
    return out;
  }

  function has(sorted, x) {
    var lo = 0, hi = sorted.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] === x) return true;
      if (sorted[mid] < x) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }

  // Overlapping occurrences of `needle` in `hay` (strings): what the index counts.
  function occurrences(hay, needle) {
    var n = 0, i = hay.indexOf(needle);
    while (i >= 0) { n++; i = hay.indexOf(needle, i + 1); }
    return n;
  }

  // The units of a document's text fragment, by field: 0 title, 1 headings, 2 blocks.
  function units(frag) {
    var out = [[frag.title], [], []];
    frag.sections.forEach(function (s) {
      if (s.title) out[1].push(s.title);
      s.blocks.forEach(function (b) { out[2].push(b[1]); });
    });
    return out;
  }

  // Exact hits of one term: Map doc -> {n, t, h}.
  Index.prototype.term = function (term) {
    var self = this, g = this.meta.gram, cps = term.cps;
    if (cps.length <= g) return this.list("a", cps).then(readCounts);
    // Candidates: documents holding every covering gram.
    var offsets = [];
    for (var o = 0; o + g <= cps.length; o += g) offsets.push(o);
    if (offsets[offsets.length - 1] !== cps.length - g) offsets.push(cps.length - g);
    return Promise.all(offsets.map(function (o) {
      return self.list("a", cps.slice(o, o + g)).then(readCounts);
    })).then(function (lists) {
      lists.sort(function (a, b) { return a.size - b.size; });
      var cand = new Set();
      lists[0].forEach(function (_, d) {
        if (lists.every(function (l) { return l.has(d); })) cand.add(d);
      });
      if (cand.size === 0) return new Map();
      // Positions exist only for bigrams in more than text_check documents: always the
      // case here when there are more candidates than that.
      return cand.size <= self.meta.text_check ? self.verifyByText(term, cand) : self.verifyByPositions(cps, cand);
    });
  };

  // Few candidates: their text fragments (needed for the excerpts anyway) decide.
  Index.prototype.verifyByText = function (term, cand) {
    var self = this, out = new Map();
    return Promise.all(Array.from(cand).map(function (d) {
      return self.fragment(d).then(function (frag) {
        var n = units(frag).map(function (us) {
          return us.reduce(function (acc, u) { return acc + occurrences(normalize(u), term.text); }, 0);
        });
        if (n[0] + n[1] + n[2] > 0) out.set(d, { n: n[0] + n[1] + n[2], t: n[0] > 0, h: n[1] > 0 });
      });
    })).then(function () { return out; });
  };

  // Bigram offsets that tile a query of `n` characters: 0, 2, 4… and, for an odd
  // length, n - 2. Every character is in one of them, so the query occurs at p iff each
  // of these bigrams occurs at p + its offset: half the lists that all n - 1 would take.
  function tiling(n) {
    var offsets = [];
    for (var o = 0; o + 2 <= n; o += 2) offsets.push(o);
    if (n % 2) offsets.push(n - 2);
    return offsets;
  }

  // Many candidates: the query occurs at p iff each tiling bigram occurs at p + offset.
  Index.prototype.verifyByPositions = function (cps, cand) {
    var self = this, offsets = tiling(cps.length);
    return Promise.all(offsets.map(function (o) {
      return self.list("b", cps.slice(o, o + 2)).then(function (l) { return readPositions(l, cand); });
    })).then(function (lists) {
      var out = new Map();
      cand.forEach(function (d) {
        var n = [0, 0, 0];
        for (var f = 0; f < 3; f++) {
          var first = lists[0].get(d);
          if (!first) continue;
          first[f].forEach(function (p) {
            for (var i = 1; i < lists.length; i++) {
              var ps = lists[i].get(d);
              if (!ps || !has(ps[f], p + offsets[i])) return;
            }
            n[f]++;
          });
        }
        if (n[0] + n[1] + n[2] > 0) out.set(d, { n: n[0] + n[1] + n[2], t: n[0] > 0, h: n[1] > 0 });
      });
      return out;
    });
  };

  Index.prototype.fragment = function (doc) {
    return this.json("t/" + doc + ".bin");
  };

  // All terms ANDed, ranked: title/heading hits, then occurrences, then newer years.
  Index.prototype.search = function (terms) {
    var self = this;
    return Promise.all(terms.map(function (t) { return self.term(t); })).then(function (per) {
      per.sort(function (a, b) { return a.size - b.size; });
      var docs = [];
      if (per.length) {
        per[0].forEach(function (_, d) {
          var field = 0, n = 0;
          for (var i = 0; i < per.length; i++) {
            var h = per[i].get(d);
            if (!h) return;
            field += h.t ? 2 : h.h ? 1 : 0;
            n += h.n;
          }
          var m = self.meta.docs[d];
          docs.push({ id: d, field: field, n: n, kind: m[0], year: m[1], date: m[2] });
        });
      }
      docs.sort(byRelevance);
      return docs;
    });
  };

  function byRelevance(a, b) {
    return b.field - a.field || b.n - a.n || b.year - a.year || a.id - b.id;
  }

  function byDate(a, b) {
    return b.date - a.date || byRelevance(a, b);
  }

  // --- Excerpts ---------------------------------------------------------------------

  function indexOfCps(hay, needle, from) {
    outer: for (var i = from; i + needle.length <= hay.length; i++) {
      for (var j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  // Ranges [start, end) of original code points that match any term, merged.
  function matchRanges(text, terms) {
    var m = normalizeMap(text), ranges = [];
    terms.forEach(function (t) {
      var i = indexOfCps(m.cps, t.cps, 0);
      while (i >= 0) {
        ranges.push([m.src[i], m.src[i + t.cps.length - 1] + 1]);
        i = indexOfCps(m.cps, t.cps, i + 1);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    ranges.forEach(function (r) {
      var last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else out.push(r.slice());
    });
    return out;
  }

  // The first block (else heading, else the title) with a match: where to link to.
  function locate(frag, terms) {
    var best = null;
    frag.sections.some(function (s) {
      return s.blocks.some(function (b) {
        var r = matchRanges(b[1], terms);
        if (r.length) best = { section: s, anchor: b[0] || s.id, text: b[1], ranges: r };
        return !!best;
      });
    });
    if (best) return best;
    frag.sections.some(function (s) {
      var r = s.title ? matchRanges(s.title, terms) : [];
      if (r.length) best = { section: s, anchor: s.id, text: s.title, ranges: r };
      return !!best;
    });
    if (best) return best;
    var first = frag.sections[0];
    var text = first && first.blocks.length ? first.blocks[0][1] : "";
    return { section: null, anchor: null, text: text, ranges: [] };
  }

  // Fills `el` with about 120 characters around the first match, matches in <mark>.
  function excerpt(el, text, ranges) {
    var chars = Array.from(text), start = 0, end = Math.min(chars.length, 120);
    if (ranges.length) {
      start = Math.max(0, ranges[0][0] - 30);
      end = Math.min(chars.length, start + 120);
    }
    if (start > 0) el.appendChild(document.createTextNode("…"));
    var at = start;
    ranges.forEach(function (r) {
      var a = Math.max(r[0], start), b = Math.min(r[1], end);
      if (a >= b || a < at) return;
      el.appendChild(document.createTextNode(chars.slice(at, a).join("")));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(a, b).join("");
      el.appendChild(mark);
      at = b;
    });
    el.appendChild(document.createTextNode(chars.slice(at, end).join("")));
    if (end < chars.length) el.appendChild(document.createTextNode("…"));
  }

  // --- Page -------------------------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function safeUrl(u) {
    return typeof u === "string" && u.charAt(0) === "/" && u.charAt(1) !== "/" ? u : "#";
  }

  function App(root) {
    this.root = root;
    this.index = new Index(root.getAttribute("data-index"), root.getAttribute("data-version"));
    this.results = document.getElementById("search-results");
    this.status = document.getElementById("search-status");
    this.more = document.getElementById("search-more");
    this.controls = document.getElementById("search-controls");
    this.input = document.getElementById("search-q");
    this.state = { q: "", kind: "", year: "", sort: "relevance" };
    this.all = [];
    this.shown = 0;
    this.generation = 0;
  }

  App.prototype.readUrl = function () {
    var p = new URLSearchParams(window.location.search);
    this.state = {
      q: (p.get("q") || "").slice(0, 200),
      kind: p.get("kind") || "",
      year: p.get("year") || "",
      sort: p.get("sort") === "date" ? "date" : "relevance"
    };
  };

  App.prototype.writeUrl = function () {
    var p = new URLSearchParams();
    p.set("q", this.state.q);
    if (this.state.kind) p.set("kind", this.state.kind);
    if (this.state.year) p.set("year", this.state.year);
    if (this.state.sort === "date") p.set("sort", "date");
    window.history.replaceState(null, "", window.location.pathname + "?" + p.toString());
  };

  App.prototype.busy = function (b) {
    this.results.setAttribute("aria-busy", b ? "true" : "false");
  };

  App.prototype.start = function () {
    var self = this;
    this.root.hidden = false;
    this.readUrl();
    this.input.value = this.state.q;
    document.getElementById("search-form").addEventListener("submit", function (e) {
      e.preventDefault();
      self.state = { q: self.input.value, kind: "", year: "", sort: self.state.sort };
      self.writeUrl();
      self.run();
    });
    this.root.querySelectorAll("[data-sort]").forEach(function (b) {
      b.addEventListener("click", function () {
        self.state.sort = b.getAttribute("data-sort");
        self.writeUrl();
        self.render();
      });
    });
    this.more.addEventListener("click", function () { self.showMore(); });
    this.run();
  };

  App.prototype.run = function () {
    var self = this, gen = ++this.generation;
    var terms = parseQuery(this.state.q);
    this.terms = terms;
    this.results.textContent = "";
    this.more.hidden = true;
    if (!terms.length) {
      this.controls.hidden = true;
      this.status.textContent = "请输入要查找的文字。";
      return Promise.resolve();
    }
    this.busy(true);
    this.status.textContent = "正在搜索……";
    var t0 = performance.now();
    return (this.index.meta ? Promise.resolve() : this.index.load()).then(function () {
      return self.index.search(terms);
    }).then(function (docs) {
      if (gen !== self.generation) return;
      self.all = docs;
      self.ms = Math.round(performance.now() - t0);
      return self.render();
    }).catch(function (e) {
      if (gen !== self.generation) return;
      self.busy(false);
      self.status.textContent = "搜索暂时无法使用（" + e.message + "）。请稍后再试，或通过网站地图浏览全部文档。";
    });
  };

  App.prototype.filtered = function (skip) {
    var s = this.state, kinds = this.index.meta.kinds;
    return this.all.filter(function (d) {
      return (skip === "kind" || !s.kind || kinds[d.kind].name === s.kind) &&
        (skip === "year" || !s.year || String(d.year) === s.year);
    });
  };

  App.prototype.filterGroup = function (id, key, values) {
    var self = this, box = document.getElementById(id);
    while (box.children.length > 1) box.removeChild(box.lastChild);
    values.forEach(function (v) {
      var b = el("button", "search-filter-option", v.label + "（" + v.count + "）");
      b.type = "button";
      b.setAttribute("data-value", v.value);
      b.setAttribute("aria-pressed", self.state[key] === v.value ? "true" : "false");
      b.addEventListener("click", function () {
        self.state[key] = v.value;
        self.writeUrl();
        self.render();
      });
      box.appendChild(b);
    });
  };

  App.prototype.render = function () {
    var self = this, meta = this.index.meta;
    var byKind = new Map(), byYear = new Map();
    this.filtered("kind").forEach(function (d) { byKind.set(d.kind, (byKind.get(d.kind) || 0) + 1); });
    this.filtered("year").forEach(function (d) { if (d.year) byYear.set(d.year, (byYear.get(d.year) || 0) + 1); });
    var list = this.filtered();
    list.sort(this.state.sort === "date" ? byDate : byRelevance);
    this.list = list;
    var kindValues = [{ value: "", label: "全部", count: this.filtered("kind").length }];
    Array.from(byKind.keys()).sort().forEach(function (k) {
      kindValues.push({ value: meta.kinds[k].name, label: meta.kinds[k].label, count: byKind.get(k) });
    });
    var yearValues = [{ value: "", label: "全部", count: this.filtered("year").length }];
    Array.from(byYear.keys()).sort(function (a, b) { return b - a; }).forEach(function (y) {
      yearValues.push({ value: String(y), label: y + "年", count: byYear.get(y) });
    });
    this.filterGroup("search-filter-kind", "kind", kindValues);
    this.filterGroup("search-filter-year", "year", yearValues);
    this.root.querySelectorAll("[data-sort]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-sort") === self.state.sort ? "true" : "false");
    });
    this.controls.hidden = this.all.length === 0;
    this.results.textContent = "";
    this.shown = 0;
    if (!this.all.length) {
      this.busy(false);
      this.status.textContent = "";
      this.status.appendChild(document.createTextNode("没有找到包含“" + this.state.q.trim() + "”的文档。请检查输入的文字，或减少搜索词；也可以通过"));
      var a = el("a", "", "网站地图");
      var index = this.root.getAttribute("data-index");
      a.href = safeUrl(index.slice(0, index.length - "search/".length) + "sitemap/");
      this.status.appendChild(a);
      this.status.appendChild(document.createTextNode("浏览全部文档。"));
      this.more.hidden = true;
      return Promise.resolve();
    }
    this.status.textContent = "找到 " + list.length + " 篇文档" +
      (list.length !== this.all.length ? "（共 " + this.all.length + " 篇，已按条件筛选）" : "") +
      "，用时 " + this.ms + " 毫秒。";
    return this.showMore();
  };

  App.prototype.showMore = function () {
    var self = this, gen = this.generation;
    var page = this.list.slice(this.shown, this.shown + PAGE);
    this.shown += page.length;
    this.busy(true);
    var items = page.map(function () {
      var li = el("li", "search-result");
      self.results.appendChild(li);
      return li;
    });
    return Promise.all(page.map(function (d, i) {
      return self.index.fragment(d.id).then(function (frag) {
        if (gen === self.generation) self.fill(items[i], d, frag);
      });
    })).then(function () {
      self.more.hidden = self.shown >= self.list.length;
      self.busy(false);
    }).catch(function (e) {
      self.busy(false);
      self.status.textContent = "结果加载失败（" + e.message + "）。";
    });
  };

  App.prototype.fill = function (li, d, frag) {
    var where = locate(frag, this.terms);
    var url = safeUrl(frag.url);
    var h = el("h2", "search-result-title");
    var a = el("a", "", frag.title);
    a.href = where.anchor ? url + "#" + encodeURIComponent(where.anchor) : url;
    h.appendChild(a);
    li.appendChild(h);
    var meta = el("p", "search-result-meta");
    meta.appendChild(el("span", "search-result-kind", frag.label));
    if (frag.year) meta.appendChild(el("span", "search-result-year", frag.year + "年"));
    if (where.section && where.section.title) {
      var s = el("a", "search-result-section", where.section.title);
      s.href = where.section.id ? url + "#" + encodeURIComponent(where.section.id) : url;
      meta.appendChild(s);
    }
    li.appendChild(meta);
    var p = el("p", "search-excerpt");
    excerpt(p, where.text, where.ranges);
    li.appendChild(p);
  };

  // For the tests and the benchmark: the engine without the page.
  window.GongshiSearch = {
    normalize: normalize,
    parseQuery: parseQuery,
    Index: Index
  };

  function boot() {
    var root = document.getElementById("search-app");
    if (root) new App(root).start();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
