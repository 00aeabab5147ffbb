//! `gongshi serve` end to end: build, serve, rebuild on change, long-poll status, keep
//! the last good site on errors, refuse path traversal.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
    let start = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(e) if start.elapsed() > Duration::from_secs(10) => panic!("connect: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    stream.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    Response {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
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

struct Running {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
}

impl Running {
    fn start(root: &Path, port: u16) -> Running {
        let stop = Arc::new(AtomicBool::new(false));
        let (root, flag) = (root.to_path_buf(), stop.clone());
        let thread = std::thread::spawn(move || gongshi::serve::serve_until(&root, "127.0.0.1", port, false, flag));
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
