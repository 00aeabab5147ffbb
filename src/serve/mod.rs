//! `gongshi serve` (to be filled in).
use std::path::Path;
pub fn serve(_root: &Path, _interface: &str, _port: u16, _drafts: bool) -> anyhow::Result<()> {
    anyhow::bail!("serve is not implemented yet")
}
