//! Values a spec does not know yet. Providers add codes and enum values without notice; decoding
//! keeps them instead of failing, and the wrapper cannot be built by hand, so a known value always
//! decodes to its own variant and never hides in the unknown one.

use std::fmt;

/// A code or enum value the spec does not list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// For generated `from_code`/`parse` functions only, after every known value was ruled out.
    #[doc(hidden)]
    pub fn new_unchecked(value: &str) -> UnknownValue {
        UnknownValue(value.to_owned())
    }

    /// The value exactly as the provider sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserializes an open enum from a string without allocating for known values: `parse` sees the
/// borrowed text, and only an unknown value is copied into `UnknownValue`.
#[doc(hidden)]
pub fn deserialize_open<'de, D: serde::Deserializer<'de>, T>(
    deserializer: D,
    parse: fn(&str) -> T,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(OpenVisitor(parse))
}

struct OpenVisitor<T>(fn(&str) -> T);

impl<T> serde::de::Visitor<'_> for OpenVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.0)(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Result<u8, UnknownValue> {
        if value == "A" { Ok(1) } else { Err(UnknownValue::new_unchecked(value)) }
    }

    #[test]
    fn open_values_decode_borrowed_and_escaped() {
        let mut de = serde_json::Deserializer::from_str(r#""A""#);
        assert_eq!(deserialize_open(&mut de, parse).unwrap(), Ok(1));
        let mut de = serde_json::Deserializer::from_str(r#""B\u0041""#);
        assert_eq!(deserialize_open(&mut de, parse).unwrap(), Err(UnknownValue::new_unchecked("BA")));
        let mut de = serde_json::Deserializer::from_str("1");
        assert!(deserialize_open(&mut de, parse).is_err());
    }
}
