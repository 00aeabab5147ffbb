//! `gongshi serve` end to end: build, serve, rebuild on change, long-poll status, keep
//! the last good site on errors, refuse path traversal; and, while reader threads check
//! every response, files changing under the server (rapid saves, atomic saves, deletes,
//! renames, broken front matter, a folder replaced, a slow writer).

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const REPORT_TEMPLATE: &str = "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{{ page.title }}</title></head>\
<body>{{ page.content | safe }}{% if live_reload %}<script src=\"/__gongshi/livereload.js\"></script>{% endif %}</body></html>\n";

fn report(year: &str, body: &str) -> String {
    format!("---\ntitle: 二〇一八\nyear: {year}\n---\n{body}\n")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn fixture(root: &Path) {
    write(root, "config.yaml", "title: T\nbase_url: https://example.org/\n");
    write(root, "content/_index.md", "---\ntitle: 首页\n---\n");
    write(
        root,
        "content/reports/_index.md",
        "---\ntitle: 报告\nkind: report\n---\n",
    );
    write(root, "content/reports/2018.md", &report("2018", "原文第一段。"));
    write(root, "templates/report.html", REPORT_TEMPLATE);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Response {
    status: u16,
    head: String,
    body: String,
    /// The body's length in bytes as received (before any lossy decoding).
    body_len: usize,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A plain HTTP/1.0 GET; retries while the server is not yet listening.
fn get(port: u16, path: &str) -> Response {
    try_get(port, path).unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// [`get`], reporting what went wrong instead of panicking (for the reader threads).
fn try_get(port: u16, path: &str) -> Result<Response, String> {
    let start = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(e) if start.elapsed() > Duration::from_secs(10) => return Err(format!("connect: {e}")),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    stream.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("not an HTTP response: {:?}", String::from_utf8_lossy(&raw)))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = &raw[split + 4..];
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status code in {head:?}"))?;
    Ok(Response {
        status,
        head,
        body: String::from_utf8_lossy(body).into_owned(),
        body_len: body.len(),
    })
}

/// `(version, error)` from the status endpoint.
fn status(port: u16, since: i64) -> (i64, Option<String>) {
    let r = get(port, &format!("/__gongshi/status?since={since}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("Content-Type").unwrap().starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    (v["version"].as_i64().unwrap(), v["error"].as_str().map(str::to_string))
}

/// Long-polls until a rebuild after `since` has the expected outcome (an error or not),
/// within 10 s. Further rebuilds in between (an editor's event arriving late) are fine.
fn next_status(port: u16, since: i64, want_error: bool) -> (i64, Option<String>) {
    let start = Instant::now();
    let mut since = since;
    loop {
        let (version, error) = status(port, since);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no rebuild with error={want_error} within 10 s"
        );
        if version != since && error.is_some() == want_error {
            return (version, error);
        }
        since = version;
    }
}

fn options(port: u16) -> gongshi::serve::ServeOptions {
    gongshi::serve::ServeOptions {
        interface: "127.0.0.1".into(),
        port,
        drafts: false,
        timings: false,
    }
}

struct Running {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
}

impl Running {
    fn start(root: &Path, port: u16) -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let (root, flag) = (root.to_path_buf(), stop.clone());
        let thread = std::thread::spawn(move || gongshi::serve::serve_until(&root, &options(port), flag));
        Running {
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let start = Instant::now();
        self.thread.take().unwrap().join().unwrap().unwrap();
        assert!(start.elapsed() < Duration::from_secs(2), "slow to stop");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

#[test]
fn serves_rebuilds_and_keeps_last_good_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fixture(root);
    let port = free_port();
    let server = Running::start(root, port);

    let page = get(port, "/reports/2018/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("原文第一段"), "{}", page.body);
    assert!(page.body.contains("/__gongshi/livereload.js"));
    assert_eq!(page.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(page.header("Cache-Control"), Some("no-store"));
    assert!(
        page.header("Content-Security-Policy")
            .unwrap()
            .contains("script-src 'self'")
    );
    let redirect = get(port, "/reports/2018");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/reports/2018/"));
    let missing = get(port, "/nope/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html"), "serves 404.html");
    let script = get(port, "/__gongshi/livereload.js");
    assert_eq!(script.status, 200);
    assert!(script.body.contains("location.reload()"));
    assert!(!script.body.contains("innerHTML"));
    assert!(!root.join("public").exists(), "serve never writes public/");

    let (v0, error) = status(port, -1);
    assert_eq!(error, None);

    // An edit is picked up, rebuilt and announced.
    write(root, "content/reports/2018.md", &report("2018", "修改后的段落。"));
    let (v1, error) = next_status(port, v0, false);
    assert_eq!(error, None);
    let page = get(port, "/reports/2018/");
    assert!(page.body.contains("修改后的段落"), "{}", page.body);

    // A broken file: the error is reported, the last good site stays.
    write(root, "content/reports/2018.md", &report("notanumber", "坏的。"));
    let (v2, error) = next_status(port, v1, true);
    let error = error.expect("an error");
    assert!(error.contains("reports/2018.md"), "{error}");
    let page = get(port, "/reports/2018/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("修改后的段落"), "{}", page.body);

    // Fixed again.
    write(root, "content/reports/2018.md", &report("2018", "第三版。"));
    let (_, error) = next_status(port, v2, false);
    assert_eq!(error, None);
    assert!(get(port, "/reports/2018/").body.contains("第三版"));

    server.stop();
}

#[test]
fn refuses_path_traversal() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    fixture(&root);
    // Something tempting one level above the site root, too.
    write(tmp.path(), "secret.txt", "top secret\n");
    let port = free_port();
    let server = Running::start(&root, port);
    assert_eq!(get(port, "/").status, 200);
    for path in [
        "/../config.yaml",
        "/%2e%2e/config.yaml",
        "/%2E%2E/%2e%2e/secret.txt",
        "/reports/..%2f..%2fconfig.yaml",
        "/..%5cconfig.yaml",
        "/../../secret.txt",
    ] {
        let r = get(port, path);
        assert_ne!(r.status, 200, "{path}");
        assert!(!r.body.contains("base_url"), "{path}: {}", r.body);
        assert!(!r.body.contains("top secret"), "{path}: {}", r.body);
    }
    server.stop();
}

#[test]
fn first_build_failure_still_serves_and_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fixture(root);
    write(root, "content/reports/2018.md", &report("notanumber", "坏的。"));
    let port = free_port();
    let server = Running::start(root, port);

    let page = get(port, "/reports/2018/");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("构建失败"));
    assert!(page.body.contains("/__gongshi/livereload.js"));
    let (v, error) = status(port, -1);
    assert!(error.unwrap().contains("reports/2018.md"));

    write(root, "content/reports/2018.md", &report("2018", "好了。"));
    let (_, error) = next_status(port, v, false);
    assert_eq!(error, None);
    assert!(get(port, "/reports/2018/").body.contains("好了"));
    server.stop();
}

// ---------------------------------------------------------------------------------------
// Files changing under a running server.

/// Version `n` of a report: a start and an end marker around enough paragraphs that a
/// build reading a half-written file, or a page cut short, would lose the end marker.
fn version(year: &str, n: u32) -> String {
    let mut body = format!("〔始{n}〕\n\n");
    for k in 0..40 {
        body.push_str(&format!("第{n}版第{k}段：检验结论与依据。\n\n"));
    }
    body.push_str(&format!("〔终{n}〕"));
    format!("---\ntitle: 年度报告\nyear: {year}\n---\n{body}\n")
}

/// What a report page's body says: `Some(n)` for a complete version `n`.
fn shown_version(body: &str) -> Option<u32> {
    let start = body.find("〔始")? + "〔始".len();
    let n: u32 = body[start..].split('〕').next()?.parse().ok()?;
    body.contains(&format!("〔终{n}〕")).then_some(n)
}

const PAGE_2018: &str = "/reports/2018/";
const PAGE_2019: &str = "/reports/2019/";
const SECTION: &str = "/reports/";
const HOME: &str = "/";
/// What the reader threads ask for, round and round.
const WATCHED: [&str; 4] = [PAGE_2018, SECTION, PAGE_2019, HOME];

/// What the readers accept; the test updates it before each change it makes.
#[derive(Default)]
struct Expect {
    /// Versions of the report that have been written so far (some may never be built).
    versions: HashSet<u32>,
    /// Pages whose source is deleted or not yet written: these may answer 404.
    may_vanish: HashSet<&'static str>,
}

/// Threads that GET [`WATCHED`] in a tight loop and check every response.
struct Readers {
    stop: Arc<AtomicBool>,
    expect: Arc<Mutex<Expect>>,
    /// Responses checked, by URL and status.
    counts: Arc<Mutex<HashMap<(&'static str, u16), usize>>>,
    failures: Arc<Mutex<Vec<String>>>,
    threads: Vec<JoinHandle<()>>,
}

impl Readers {
    fn start(port: u16, expect: Expect, threads: usize) -> Readers {
        let mut readers = Readers {
            stop: Arc::new(AtomicBool::new(false)),
            expect: Arc::new(Mutex::new(expect)),
            counts: Arc::default(),
            failures: Arc::default(),
            threads: Vec::new(),
        };
        for i in 0..threads {
            let (stop, expect) = (readers.stop.clone(), readers.expect.clone());
            let (counts, failures) = (readers.counts.clone(), readers.failures.clone());
            readers.threads.push(std::thread::spawn(move || {
                // Per URL, the newest version this thread has seen: a request that
                // starts after another one ended must never get an older site.
                let mut newest: HashMap<&str, u32> = HashMap::new();
                let mut turn = i;
                while !stop.load(Ordering::SeqCst) {
                    let url = WATCHED[turn % WATCHED.len()];
                    turn += 1;
                    let vanish_before = expect.lock().unwrap().may_vanish.contains(url);
                    let response = try_get(port, url);
                    let problem = {
                        let expect = expect.lock().unwrap();
                        let may_vanish = vanish_before || expect.may_vanish.contains(url);
                        response.as_ref().map_err(|e| e.clone()).and_then(|r| {
                            check_response(url, r, &expect.versions, may_vanish, newest.get(url).copied())
                        })
                    };
                    match problem {
                        Ok(seen) => {
                            let r = response.as_ref().unwrap();
                            *counts.lock().unwrap().entry((url, r.status)).or_default() += 1;
                            if let Some(n) = seen {
                                newest.insert(url, n);
                            }
                        }
                        Err(e) => {
                            let mut failures = failures.lock().unwrap();
                            if failures.len() < 10 {
                                failures.push(format!("GET {url}: {e}"));
                            }
                        }
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            }));
        }
        readers
    }

    fn allow_versions(&self, versions: impl IntoIterator<Item = u32>) {
        self.expect.lock().unwrap().versions.extend(versions);
    }

    fn may_vanish(&self, url: &'static str, allowed: bool) {
        let mut expect = self.expect.lock().unwrap();
        if allowed {
            expect.may_vanish.insert(url);
        } else {
            expect.may_vanish.remove(url);
        }
    }

    /// Stops the threads; returns the number of responses checked, by URL and status.
    fn finish(mut self) -> HashMap<(&'static str, u16), usize> {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            t.join().expect("a reader thread panicked");
        }
        let failures = self.failures.lock().unwrap();
        assert!(failures.is_empty(), "bad responses:\n{}", failures.join("\n"));
        self.counts.lock().unwrap().clone()
    }
}

/// Checks one response the readers got; `Ok(Some(n))` when it showed version `n`.
fn check_response(
    url: &str,
    r: &Response,
    versions: &HashSet<u32>,
    may_vanish: bool,
    newest: Option<u32>,
) -> Result<Option<u32>, String> {
    let excerpt = || {
        let tail: String = r
            .body
            .chars()
            .rev()
            .take(200)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("status {}, {} bytes, ending {tail:?}", r.status, r.body_len)
    };
    // A complete body: as long as announced, and the whole document.
    let announced = r.header("Content-Length").and_then(|v| v.parse::<usize>().ok());
    if announced != Some(r.body_len) {
        return Err(format!("Content-Length {announced:?}; {}", excerpt()));
    }
    if !r.body.trim_end().ends_with("</html>") {
        return Err(format!("not a whole page; {}", excerpt()));
    }
    match r.status {
        200 => {}
        404 if may_vanish => return Ok(None),
        _ => return Err(format!("unexpected status; {}", excerpt())),
    }
    match url {
        HOME if r.body.contains("首页") => Ok(None),
        SECTION if r.body.contains("<h1>报告</h1>") => {
            // An editor's temporary file must never show up as a document.
            if ["swp", "tmp"].iter().any(|t| r.body.contains(t)) {
                Err(format!("the section lists a temporary file; {}", excerpt()))
            } else {
                Ok(None)
            }
        }
        PAGE_2018 | PAGE_2019 => match shown_version(&r.body) {
            Some(n) if !versions.contains(&n) => Err(format!("version {n} was never written")),
            Some(n) if newest.is_some_and(|m| n < m) => {
                Err(format!("version {n} after version {} was served", newest.unwrap()))
            }
            Some(n) => Ok(Some(n)),
            None => Err(format!("no complete version; {}", excerpt())),
        },
        _ => Err(format!("not the expected page; {}", excerpt())),
    }
}

/// Waits (long-polling the status, within 10 s) until `url` and the build status
/// satisfy `ok`; returns that response.
fn wait_until(port: u16, url: &str, what: &str, ok: impl Fn(&Response, Option<&str>) -> bool) -> Response {
    let start = Instant::now();
    loop {
        // The version first: a rebuild between it and the GET ends the long poll below
        // at once, so none is missed.
        let (version, error) = status(port, -1);
        let page = get(port, url);
        if ok(&page, error.as_deref()) {
            return page;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what}: not within 10 s; last status {version} {error:?}; GET {url}: {} {}",
            page.status,
            page.body
        );
        status(port, version);
    }
}

/// Waits until `url` shows version `n` after a build without errors.
fn wait_for_version(port: u16, url: &str, n: u32) -> Response {
    wait_until(port, url, &format!("version {n} at {url}"), |page, error| {
        error.is_none() && page.status == 200 && shown_version(&page.body) == Some(n)
    })
}

/// A few quick writes of the same file, like an editor's autosave.
fn churn(root: &Path, rel: &str, texts: impl IntoIterator<Item = String>) {
    for text in texts {
        write(root, rel, &text);
        std::thread::sleep(Duration::from_millis(30));
    }
}

#[test]
fn files_changing_under_the_server() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fixture(root);
    let reports = root.join("content/reports");
    write(root, "content/reports/2018.md", &version("2018", 0));
    let port = free_port();
    let server = Running::start(root, port);
    wait_for_version(port, PAGE_2018, 0);

    let readers = Readers::start(
        port,
        Expect {
            versions: HashSet::from([0]),
            may_vanish: HashSet::from([PAGE_2019]),
        },
        2,
    );

    // Rapid saves: 30 versions within about a second; the last one wins.
    readers.allow_versions(1..=30);
    churn(root, "content/reports/2018.md", (1..=30).map(|n| version("2018", n)));
    wait_for_version(port, PAGE_2018, 30);

    // Atomic saves: write a temporary file the loader ignores, rename it over the
    // document. Vim's swap-file name, a backup-style name, then Vim's own dance (move
    // the original to a backup, write anew, delete the backup).
    readers.allow_versions(31..=33);
    for (n, temp) in [(31, ".2018.md.swp"), (32, "2018.md.tmp~")] {
        std::fs::write(reports.join(temp), version("2018", n)).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::rename(reports.join(temp), reports.join("2018.md")).unwrap();
        wait_for_version(port, PAGE_2018, n);
    }
    std::fs::rename(reports.join("2018.md"), reports.join("2018.md~")).unwrap();
    std::fs::write(reports.join("2018.md"), version("2018", 33)).unwrap();
    std::fs::remove_file(reports.join("2018.md~")).unwrap();
    wait_for_version(port, PAGE_2018, 33);
    for temp in [
        "/reports/.2018.md.swp",
        "/reports/2018.md.tmp~",
        "/reports/2018.md~",
        "/reports/.2018.md/",
    ] {
        assert_eq!(get(port, temp).status, 404, "{temp}");
    }

    // Delete: the page goes (after the rebuild), the rest of the site stays; then back.
    readers.may_vanish(PAGE_2018, true);
    std::fs::remove_file(reports.join("2018.md")).unwrap();
    wait_until(port, PAGE_2018, "404 after the delete", |page, error| {
        error.is_none() && page.status == 404
    });
    assert_eq!(get(port, HOME).status, 200);
    let section = get(port, SECTION);
    assert_eq!(section.status, 200);
    assert!(!section.body.contains(PAGE_2018), "{}", section.body);
    readers.allow_versions([34]);
    write(root, "content/reports/2018.md", &version("2018", 34));
    wait_for_version(port, PAGE_2018, 34);
    readers.may_vanish(PAGE_2018, false);

    // Rename, then fix the year inside: 2019 appears, 2018 goes.
    readers.may_vanish(PAGE_2018, true);
    readers.allow_versions([35]);
    std::fs::rename(reports.join("2018.md"), reports.join("2019.md")).unwrap();
    write(root, "content/reports/2019.md", &version("2019", 35));
    wait_for_version(port, PAGE_2019, 35);
    assert_eq!(get(port, PAGE_2018).status, 404);
    assert!(get(port, SECTION).body.contains(PAGE_2019));
    readers.may_vanish(PAGE_2019, false);

    // Broken front matter in the middle of a churn that ends well: no error in the end.
    let broken = |n: u32| version("2019", n).replacen("---\n", "---\nyear: [\n", 1);
    readers.allow_versions(36..=50);
    churn(
        root,
        "content/reports/2019.md",
        (36..=40)
            .flat_map(|n| [version("2019", n), broken(n)])
            .chain([version("2019", 41)]),
    );
    wait_for_version(port, PAGE_2019, 41);

    // A churn that ends broken: the error is reported, the last good page stays.
    churn(
        root,
        "content/reports/2019.md",
        (42..=45).map(|n| version("2019", n)).chain([broken(46)]),
    );
    // (The error of the final, broken text; a build that caught an earlier save
    // half-way would report something else, and be followed by another build.)
    let page = wait_until(port, PAGE_2019, "the error reported", |_, error| {
        error.is_some_and(|e| e.contains("reports/2019.md") && e.contains("year"))
    });
    assert_eq!(page.status, 200);
    let kept = shown_version(&page.body).expect("a complete page");
    assert!((41..=45).contains(&kept), "kept version {kept}");
    for _ in 0..20 {
        assert_eq!(shown_version(&get(port, PAGE_2019).body), Some(kept));
    }
    assert!(status(port, -1).1.is_some(), "still failing");
    write(root, "content/reports/2019.md", &version("2019", 47));
    wait_for_version(port, PAGE_2019, 47);

    // The whole folder deleted and made again (a branch switch): the new folder is
    // watched too, so a later edit inside it is seen.
    readers.may_vanish(PAGE_2019, true);
    readers.may_vanish(SECTION, true);
    std::fs::remove_dir_all(&reports).unwrap();
    wait_until(port, SECTION, "the section gone", |page, error| {
        error.is_none() && page.status == 404
    });
    write(
        root,
        "content/reports/_index.md",
        "---\ntitle: 报告\nkind: report\n---\n",
    );
    write(root, "content/reports/2019.md", &version("2019", 48));
    wait_for_version(port, PAGE_2019, 48);
    readers.may_vanish(PAGE_2019, false);
    readers.may_vanish(SECTION, false);
    write(root, "content/reports/2019.md", &version("2019", 49));
    wait_for_version(port, PAGE_2019, 49);

    let counts = readers.finish();
    server.stop();
    let total: usize = counts.values().sum();
    let mut by_url: Vec<_> = counts.iter().collect();
    by_url.sort();
    println!(
        "checked {total} responses in {} ms: {by_url:?}",
        started.elapsed().as_millis()
    );
    for url in WATCHED {
        let ok = counts.get(&(url, 200)).copied().unwrap_or(0);
        assert!(ok > 25, "only {ok} good responses for {url}");
    }
    assert!(counts.get(&(PAGE_2018, 404)).is_some_and(|&n| n > 5), "{counts:?}");
    assert!(total > 400, "only {total} responses checked");
}

/// A slow writer (a copy from a network share, a script writing a report piece by
/// piece): the front matter and half the body, a pause longer than the debounce, then
/// the rest. The half file must never be built into a served page.
#[test]
fn a_slow_writer_is_waited_for() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fixture(root);
    let doc = root.join("content/reports/2018.md");
    write(root, "content/reports/2018.md", &version("2018", 0));
    let port = free_port();
    let server = Running::start(root, port);
    wait_for_version(port, PAGE_2018, 0);
    let readers = Readers::start(
        port,
        Expect {
            versions: HashSet::from([0, 1, 2]),
            may_vanish: HashSet::from([PAGE_2019]),
        },
        1,
    );
    for n in [1, 2] {
        let text = version("2018", n);
        // At a line break: valid UTF-8 and valid Markdown, only incomplete.
        let half = text.len() / 2
            + text.as_bytes()[text.len() / 2..]
                .iter()
                .position(|&b| b == b'\n')
                .unwrap()
            + 1;
        let (first, rest) = text.as_bytes().split_at(half);
        let mut file = std::fs::File::create(&doc).unwrap();
        file.write_all(first).unwrap();
        std::thread::sleep(Duration::from_millis(600));
        file.write_all(rest).unwrap();
        drop(file);
        wait_for_version(port, PAGE_2018, n);
    }
    let counts = readers.finish();
    server.stop();
    let total: usize = counts.values().sum();
    println!("checked {total} responses: {counts:?}");
    assert!(total > 100, "only {total} responses checked");
}
