//! Percent-encoding for the parts of a URL that generated code builds. The query string is built
//! here, once, because LINE Pay signs it byte for byte exactly as it is sent.

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `value` as one path segment: `/` and everything else reserved is escaped.
pub fn path_segment(value: impl std::fmt::Display) -> String {
    let text = value.to_string();
    // Ids are nearly always unreserved characters only, which encode to themselves.
    if text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
        return text;
    }
    utf8_percent_encode(&text, COMPONENT).to_string()
}

/// A query string built in order; repeated names are sent once per value.
#[derive(Debug, Default, Clone)]
pub struct QueryString {
    text: String,
}

impl QueryString {
    /// Appends `name=value`, both percent-encoded.
    pub fn push(&mut self, name: &str, value: &str) {
        if !self.text.is_empty() {
            self.text.push('&');
        }
        let _ = write!(self.text, "{}={}", utf8_percent_encode(name, COMPONENT), utf8_percent_encode(value, COMPONENT));
    }

    /// The encoded query without the leading `?`, empty when nothing was pushed.
    pub fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(path_segment("RK-9_x.~"), "RK-9_x.~");
        assert_eq!(path_segment(42), "42");
        assert_eq!(path_segment("é~!*'()"), "%C3%A9~%21%2A%27%28%29");
        assert_eq!(path_segment(""), "");
        let mut q = QueryString::default();
        q.push("transactionId", "1");
        q.push("transactionId", "2");
        q.push("orderId", "注文&1");
        assert_eq!(q.finish(), "transactionId=1&transactionId=2&orderId=%E6%B3%A8%E6%96%87%261");
        assert_eq!(QueryString::default().finish(), "");
    }
}
