//! The public record. Official notices cite this portal, regulators reuse its figures,
//! and a published statement must stay where it was:
//! - [`manifest`]: every published file with its SHA-256, and every page's anchors
//!   (read by [`ids`]);
//! - [`verify`]: a deployed copy checked against its manifest;
//! - [`permanence`]: no URL or anchor a previous build published may disappear;
//! - [`opendata`]: the figures and the document list as JSON and CSV;
//! - [`cite`]: the QR code of a page's URL, for printed notices.

pub mod cite;
pub mod ids;
pub mod manifest;
pub mod opendata;
pub mod permanence;
pub mod verify;

pub use manifest::{Manifest, Recorder};
