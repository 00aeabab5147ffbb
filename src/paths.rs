//! Paths as the site sees them: relative, `/`-separated, whatever the platform.

use std::path::Path;

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
