//! The QR code of a page's URL as inline SVG, made at build time, for printed notices.
//! Drawn as one path of dark modules (no `style` attributes, so it passes a strict CSP).

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white border the QR specification asks for.
const QUIET: usize = 4;

/// An `<svg>` of `url`'s QR code, or `None` if the URL is too long to encode.
pub fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let w = code.width();
    let colors = code.to_colors();
    let size = w + 2 * QUIET;
    let mut d = String::new();
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == Color::Dark {
                let start = x;
                while x < w && colors[y * w + x] == Color::Dark {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"本页网址的二维码\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>"
    ))
}

/// Reads back the dark modules of an SVG made by [`qr_svg`] (for tests and tools):
/// (size in modules with border, dark cells).
pub fn parse_qr_svg(svg: &str) -> Option<(usize, Vec<(usize, usize)>)> {
    let vb = svg.split("viewBox=\"0 0 ").nth(1)?;
    let size: usize = vb.split(' ').next()?.parse().ok()?;
    let d = svg.split(" d=\"").nth(1)?.split('"').next()?;
    let mut cells = Vec::new();
    for cmd in d.split('M').filter(|c| !c.is_empty()) {
        let (xy, rest) = cmd.split_once('h')?;
        let (x, y) = xy.split_once(' ')?;
        let (x, y): (usize, usize) = (x.parse().ok()?, y.parse().ok()?);
        let run: usize = rest.split('v').next()?.parse().ok()?;
        cells.extend((x..x + run).map(|cx| (cx, y)));
    }
    Some((size, cells))
}
