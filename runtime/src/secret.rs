//! A string type for credentials that must not leak into logs.

use std::fmt;

/// A secret such as a LINE Pay channel secret or an elepay API key.
///
/// `Debug` prints `SecretString([redacted])` and there is no `Display`, so a
/// secret cannot reach a log line, a panic message or an error by accident:
/// reading it takes an explicit, greppable call to [`SecretString::expose`].
#[derive(Clone)]
pub struct SecretString(String);

impl SecretString {
    /// The secret itself; call it only where the raw value is needed (an HMAC
    /// key, an `Authorization` header), never to format or log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for SecretString {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}
