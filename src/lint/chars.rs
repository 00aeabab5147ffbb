//! Character classes of Chinese text and Chinese numerals, shared by the rules.

/// A Chinese character (CJK ideograph, including extension blocks, and 〇).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF) || c == '〇'
}

/// Chinese (full-width) punctuation, including the curly quotes and … Chinese text
/// shares with Western typography.
pub fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// Chinese text: a character or a full-width mark.
pub fn is_chinese(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// The value of a Chinese numeral from 1 to 99 (一, 十, 十二, 二十, 九十九).
pub fn cn_value(s: &[char]) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    match s {
        [a] if *a == '十' => Some(10),
        [a] => digit(*a),
        ['十', b] => Some(10 + digit(*b)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', b] => Some(digit(*a)? * 10 + digit(*b)?),
        _ => None,
    }
}

/// A Chinese numeral for 1 to 99.
pub fn cn_numeral(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// The longest Chinese numeral (up to 3 characters) starting at `i`: (value, length).
pub fn cn_number_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    (1..=3)
        .rev()
        .filter(|n| i + n <= chars.len())
        .find_map(|n| cn_value(&chars[i..i + n]).map(|v| (v, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let n = |s: &str| cn_value(&s.chars().collect::<Vec<_>>());
        assert_eq!(n("一"), Some(1));
        assert_eq!(n("十"), Some(10));
        assert_eq!(n("十二"), Some(12));
        assert_eq!(n("二十"), Some(20));
        assert_eq!(n("九十九"), Some(99));
        assert_eq!(n("是"), None);
        assert_eq!(cn_numeral(23), "二十三");
        assert_eq!(cn_numeral(10), "十");
    }
}
