//! Lower-case hexadecimal, as digests are written in keys, manifests and file names.
//!
//! Hand-written because no hex crate is among the dependencies at hand, and the obvious
//! `format!("{b:02x}")` per byte was slow enough to show: making the 132,000 cache keys
//! of a rebuild after one edit (13,000 reports) spent most of its time formatting.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lower-case hexadecimal, two digits per byte.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// A SHA-256 written in hex (64 digits, as [`hex`] writes them), as bytes; `None` for
/// anything else. Manifests keep digests in hex, and after an edit at 13,000 reports the search
/// index carries 81,000 of them into its version: parsing each pair of digits with
/// `u8::from_str_radix` took 14 ms there.
pub fn digest(hex: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_lower_case_digits_per_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::hex(&[]), "");
    }

    #[test]
    fn digests_read_back_what_hex_wrote() {
        let bytes: [u8; 32] = std::array::from_fn(|i| (i * 37 + 5) as u8);
        assert_eq!(super::digest(&super::hex(&bytes)), Some(bytes));
        assert_eq!(super::digest(&super::hex(&bytes).to_uppercase()), Some(bytes));
        assert_eq!(super::digest(&super::hex(&bytes[..31])), None);
        assert_eq!(super::digest(&format!("{}g", &super::hex(&bytes)[..63])), None);
    }
}
