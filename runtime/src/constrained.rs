//! Constrained strings (typify style): a generated newtype such as `TransactionId` can only hold a
//! value that passed its rules, and `new`, `FromStr`, `TryFrom` and `Deserialize` all go through the
//! one check here.

use std::fmt;

use crate::validate::{Rule, TextRules};

/// A value refused by a constrained string type, with every rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    /// The type that refused it (`TransactionId`).
    pub type_name: &'static str,
    /// Every rule the value broke.
    pub rules: Vec<Rule>,
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a valid {}: the value", self.type_name)?;
        for (i, rule) in self.rules.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", and " };
            write!(f, "{sep}{rule}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConstraintError {}

/// Checks `value` against the rules of the type named `type_name`.
#[doc(hidden)]
pub fn check(type_name: &'static str, value: &str, rules: &TextRules) -> Result<(), ConstraintError> {
    let mut broken = Vec::new();
    rules.check(value, |rule| broken.push(rule));
    if broken.is_empty() { Ok(()) } else { Err(ConstraintError { type_name, rules: broken }) }
}

/// Writes an all-digit id as a JSON number, the way the provider sends it. Generated types only use
/// this for ids whose rules guarantee at most 19 digits, which always fit a `u64`. An id a JSON
/// number cannot spell (a leading zero) is an error, never a different, shorter number.
#[doc(hidden)]
pub fn serialize_digits<S: serde::Serializer>(digits: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(serde::ser::Error::custom("an id with a leading zero cannot be written as a JSON number"));
    }
    match digits.parse::<u64>() {
        Ok(number) => serializer.serialize_u64(number),
        Err(_) => serializer.serialize_str(digits),
    }
}

/// Reads a string, or an integer kept as its exact decimal digits: LINE Pay sends 19-digit ids as JSON
/// numbers, above 2^53, where a detour through `f64` would change them.
#[doc(hidden)]
pub fn deserialize_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(TextVisitor)
}

struct TextVisitor;

impl serde::de::Visitor<'_> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<String, E> {
        Ok(digits(value))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<String, E> {
        Err(E::custom("an id given as a fractional or over-long JSON number cannot be read exactly"))
    }
}

/// `value` in decimal, without the formatting machinery of `to_string` (ids decode in hot loops).
fn digits(mut value: u64) -> String {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    String::from_utf8_lossy(&buf[start..]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Charset;

    const ID: TextRules =
        TextRules { min_chars: Some(19), max_chars: Some(19), charset: Some(Charset::Digits), ..TextRules::NONE };

    #[test]
    fn reports_every_broken_rule() {
        let err = check("TransactionId", "12x", &ID).unwrap_err();
        assert_eq!(err.rules.len(), 2);
        assert_eq!(
            err.to_string(),
            "not a valid TransactionId: the value is 3 characters long; at least 19 characters required, \
             and has 'x' at character 2; only ASCII digits allowed"
        );
    }

    #[test]
    fn formats_digits_like_to_string() {
        for n in [0, 7, 10, 2021121300698360310, u64::MAX] {
            assert_eq!(digits(n), n.to_string());
        }
    }

    #[test]
    fn nineteen_digit_numbers_stay_exact() {
        let text = deserialize_text(&mut serde_json::Deserializer::from_str("2021121300698360310")).unwrap();
        assert_eq!(text, "2021121300698360310");
        let max = deserialize_text(&mut serde_json::Deserializer::from_str("18446744073709551615")).unwrap();
        assert_eq!(max, "18446744073709551615");
        assert!(deserialize_text(&mut serde_json::Deserializer::from_str("18446744073709551616")).is_err());
        let mut out = Vec::new();
        serialize_digits("2021121300698360310", &mut serde_json::Serializer::new(&mut out)).unwrap();
        assert_eq!(out, b"2021121300698360310");
    }

    /// Found by the `responses_linepay` fuzz target: `0222111600698709510` was written as the number
    /// `222111600698709510`, another (and 18-digit, so invalid) id. Such an id is now refused when it
    /// is built or decoded (`wire: number` implies no leading zero); writing one is an error.
    #[test]
    fn leading_zeros_are_never_dropped() {
        let write = |digits: &str| {
            let mut out = Vec::new();
            serialize_digits(digits, &mut serde_json::Serializer::new(&mut out))
                .map(|_| String::from_utf8(out).unwrap())
        };
        assert!(write("0222111600698709510").is_err());
        assert!(write("0000000000000000001").is_err());
        assert_eq!(write("0").unwrap(), "0");
        assert_eq!(write("2021121300698360310").unwrap(), "2021121300698360310");
    }
}
