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

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
