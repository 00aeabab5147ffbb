//! The HTTP side of `gongshi serve`: static files from the current site folder, plus
//! the live-reload script and its long-polled status endpoint. One thread per request,
//! since a long-poll holds its thread for up to [`LONG_POLL`].

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, ResponseBox, Server};

use super::state::Shared;

pub const LIVERELOAD_PATH: &str = "/__gongshi/livereload.js";
pub const STATUS_PATH: &str = "/__gongshi/status";
const LIVERELOAD_JS: &str = include_str!("livereload.js");
/// How long a status request waits for a rebuild before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(25);
/// How often the accept loop looks at the stop flag.
const TICK: Duration = Duration::from_millis(100);
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                   script-src 'self'; object-src 'none'";

/// Accepts requests until `stop` is set, then drops the server (closing the socket).
pub fn spawn(server: Server, shared: Arc<Shared>, stop: Arc<AtomicBool>) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("gongshi-http".into())
        .spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match server.recv_timeout(TICK) {
                    Ok(Some(request)) => {
                        let shared = shared.clone();
                        let spawned = std::thread::Builder::new()
                            .name("gongshi-request".into())
                            .spawn(move || handle(request, &shared));
                        if let Err(e) = spawned {
                            eprintln!("cannot start a request thread: {e}");
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        eprintln!("HTTP server error: {e}");
                        std::thread::sleep(TICK);
                    }
                }
            }
        })
        .expect("spawn the HTTP thread")
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> ResponseBox {
    Response::from_data(body.into())
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .boxed()
}

fn handle(request: Request, shared: &Shared) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let mut response = match request.method() {
        Method::Get | Method::Head => route(shared, path, query),
        _ => text(405, "text/plain; charset=utf-8", "method not allowed\n"),
    };
    for (name, value) in [
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        response.add_header(header(name, value));
    }
    // The browser may have gone away (a closed tab during a long-poll): nothing to do.
    let _ = request.respond(response);
}

fn route(shared: &Shared, path: &str, query: &str) -> ResponseBox {
    match path {
        LIVERELOAD_PATH => text(200, "text/javascript; charset=utf-8", LIVERELOAD_JS),
        STATUS_PATH => {
            let since = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("since="))
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(-1);
            let status = shared.wait_for_change(since, LONG_POLL);
            let body = serde_json::json!({ "version": status.version, "error": status.error });
            text(200, "application/json", body.to_string())
        }
        _ => site_file(shared, path, query),
    }
}

/// What a URL path names inside the site folder.
#[derive(Debug, PartialEq)]
enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    NotFound,
    BadRequest,
}

fn site_file(shared: &Shared, path: &str, query: &str) -> ResponseBox {
    let site = shared.site();
    let Some(dir) = site.as_deref() else {
        return build_failed_page(shared);
    };
    match resolve(dir, path, query) {
        Target::File(file) => match File::open(&file).and_then(|f| Ok((f.metadata()?.len(), f))) {
            // Counted while it is sent: a rebuild writes over the files a publish
            // replaced only once none is open ([`Shared::no_open_files`]).
            Ok((len, f)) => Response::new(
                200.into(),
                vec![header("Content-Type", content_type(&file))],
                shared.hold(f),
                usize::try_from(len).ok(),
                None,
            )
            .boxed(),
            Err(_) => not_found(dir),
        },
        Target::Redirect(location) => Response::empty(301).with_header(header("Location", &location)).boxed(),
        Target::NotFound => not_found(dir),
        Target::BadRequest => text(400, "text/plain; charset=utf-8", "bad request\n"),
    }
}

fn not_found(dir: &Path) -> ResponseBox {
    match std::fs::read(dir.join("404.html")) {
        Ok(page) => text(404, "text/html; charset=utf-8", page),
        Err(_) => text(404, "text/plain; charset=utf-8", "not found\n"),
    }
}

/// Served for every page while no build has succeeded yet; reloads once one has.
fn build_failed_page(shared: &Shared) -> ResponseBox {
    let error = shared.status().error.unwrap_or_default();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>构建失败</title></head><body><h1>构建失败</h1>\
         <p>网站尚未成功构建。修正以下错误并保存后，本页会自动刷新。</p>\
         <pre>{}</pre><script src=\"{LIVERELOAD_PATH}\"></script></body></html>\n",
        escape_html(&error)
    );
    text(503, "text/html; charset=utf-8", page)
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Maps a URL path to a file under `dir`, refusing anything that could leave it.
fn resolve(dir: &Path, raw_path: &str, query: &str) -> Target {
    let Some(decoded) = percent_decode(raw_path) else {
        return Target::BadRequest;
    };
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        let unsafe_char = segment.contains(['\\', '\0']) || (cfg!(windows) && segment.contains(':'));
        match segment {
            ".." => return Target::BadRequest,
            _ if unsafe_char => return Target::BadRequest,
            "" | "." => {}
            s => segments.push(s),
        }
    }
    let mut path = dir.to_path_buf();
    path.extend(&segments);
    if decoded.ends_with('/') || segments.is_empty() {
        path.push("index.html");
        return if path.is_file() {
            Target::File(path)
        } else {
            Target::NotFound
        };
    }
    if path.is_dir() {
        let mut location = format!("/{}/", raw_path.trim_start_matches('/'));
        if !query.is_empty() {
            location = format!("{location}?{query}");
        }
        Target::Redirect(location)
    } else if path.is_file() {
        Target::File(path)
    } else {
        Target::NotFound
    }
}

/// `%XX` decoding; `None` for malformed escapes or text that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_pages_folders_and_refuses_traversal() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("reports/2018")).unwrap();
        std::fs::write(dir.join("index.html"), "home").unwrap();
        std::fs::write(dir.join("reports/2018/index.html"), "r").unwrap();
        std::fs::write(dir.join("style.css"), "s").unwrap();

        assert_eq!(resolve(dir, "/", ""), Target::File(dir.join("index.html")));
        assert_eq!(
            resolve(dir, "/reports/2018/", ""),
            Target::File(dir.join("reports/2018/index.html"))
        );
        assert_eq!(
            resolve(dir, "/reports/2018", "a=1"),
            Target::Redirect("/reports/2018/?a=1".into())
        );
        assert_eq!(resolve(dir, "//reports", ""), Target::Redirect("/reports/".into()));
        assert_eq!(resolve(dir, "/style.css", ""), Target::File(dir.join("style.css")));
        assert_eq!(resolve(dir, "/style.css/", ""), Target::NotFound);
        assert_eq!(resolve(dir, "/nope", ""), Target::NotFound);
        for bad in [
            "/../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/reports/..%2f..%2fx",
            "/a/../../x",
            "/..\\x",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(resolve(dir, bad, ""), Target::BadRequest, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a/index.html")), "text/html; charset=utf-8");
        assert_eq!(content_type(Path::new("x.PNG")), "image/png");
        assert_eq!(content_type(Path::new("atom.xml")), "application/xml; charset=utf-8");
        assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
    }
}
