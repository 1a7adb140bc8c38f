//! `eui_parse`: [`Eui64::parse`] over arbitrary strings, against a plain model of the three
//! spellings it documents (16 hex digits; 8 hex pairs joined by one kind of `:` or `-`;
//! surrounding whitespace ignored). What parses must print back ([`Display`](core::fmt::Display),
//! dashed) to strings that parse to the same value, and byte orders must round-trip.

use lorafota_core::Eui64;

/// The value a documented spelling stands for, or `None`.
fn model(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits: String = if s.len() == 23 {
        let sep = s.as_bytes()[2];
        if sep != b':' && sep != b'-' {
            return None;
        }
        let groups: Vec<&[u8]> = s.as_bytes().split(|c| *c == sep).collect();
        if groups.len() != 8 || groups.iter().any(|g| g.len() != 2) {
            return None;
        }
        groups.iter().map(|g| String::from_utf8_lossy(g)).collect()
    } else {
        s.to_owned()
    };
    if digits.len() != 16 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(&digits, 16).ok()
}

/// Runs one `eui_parse` input; returns whether it parsed.
pub fn run(bytes: &[u8]) -> bool {
    let Ok(s) = core::str::from_utf8(bytes) else {
        return false;
    };
    let got = Eui64::parse(s);
    assert_eq!(got.ok().map(Eui64::to_u64), model(s), "{s:?}");
    assert_eq!(s.parse::<Eui64>(), got);
    let Ok(eui) = got else {
        assert!(!got.unwrap_err().to_string().is_empty());
        return false;
    };
    assert_eq!(Eui64::parse(&eui.to_string()), Ok(eui));
    assert_eq!(Eui64::parse(&eui.dashed().to_string()), Ok(eui));
    assert_eq!(Eui64::parse(&eui.to_string().to_uppercase()), Ok(eui));
    assert_eq!(Eui64::from_le_bytes(eui.to_le_bytes()), eui);
    assert_eq!(Eui64::from_u64(eui.to_u64()), eui);
    let mut le = eui.to_be_bytes();
    le.reverse();
    assert_eq!(eui.to_le_bytes(), le);
    true
}
