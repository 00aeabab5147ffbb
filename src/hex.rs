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

#[cfg(test)]
mod tests {
    #[test]
    fn two_lower_case_digits_per_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::hex(&[]), "");
    }
}
