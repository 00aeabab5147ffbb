//! Paths as the site sees them: relative, `/`-separated, whatever the platform.

use std::path::Path;

/// The folders under the site root whose contents are sources: what `serve` watches
/// and what a build's inputs digest covers, with [`crate::config::CONFIG_FILE`].
pub const SOURCE_FOLDERS: [&str; 4] = ["content", "templates", "themes", "static"];

/// `path` relative to `base`, joined with `/` (`reports/2018.md`). Callers walk `base`
/// with walkdir, so `path` is always under it.
pub fn slash_relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .expect("walked from base")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
