//! `gongshi new report` (to be filled in).
use std::path::{Path, PathBuf};
pub fn new_report(_root: &Path, _section: &str, _year: i32) -> anyhow::Result<PathBuf> {
    anyhow::bail!("not implemented yet")
}
