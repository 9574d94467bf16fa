//! elepay: the secret key as `Authorization` (Bearer, or Basic with an empty password), no response
//! signature; answers use the [`super::http_status`] envelope.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::{Credentials, Sign};
use crate::client::Call;
use crate::secret::SecretString;

/// How the elepay secret key is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ElepayAuthScheme {
    /// `Authorization: Bearer <key>`.
    #[default]
    Bearer,
    /// HTTP Basic with the key as user name and an empty password.
    Basic,
}

/// elepay: the secret key.
#[derive(Debug, Clone)]
pub struct ElepayCredentials {
    /// The secret key (`sk_...`).
    pub secret_key: SecretString,
    /// How the key is sent; Bearer by default.
    pub scheme: ElepayAuthScheme,
}

impl ElepayCredentials {
    /// Credentials that send `secret_key` as a Bearer token.
    pub fn new(secret_key: impl Into<SecretString>) -> Self {
        ElepayCredentials { secret_key: secret_key.into(), scheme: ElepayAuthScheme::Bearer }
    }
}

/// Sends the `Authorization` and content type headers, computed once; the value is marked
/// sensitive. A key that is not a valid header value is kept as its error and reported by each call.
pub struct ElepaySigner {
    credentials: ElepayCredentials,
    headers: Result<[(HeaderName, HeaderValue); 2], String>,
}

impl fmt::Debug for ElepaySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElepaySigner").field("credentials", &self.credentials).finish_non_exhaustive()
    }
}

impl Credentials for ElepayCredentials {
    type Signer = ElepaySigner;

    fn signer(self) -> Result<ElepaySigner, String> {
        let value = match self.scheme {
            ElepayAuthScheme::Bearer => format!("Bearer {}", self.secret_key.expose()),
            ElepayAuthScheme::Basic => format!("Basic {}", STANDARD.encode(format!("{}:", self.secret_key.expose()))),
        };
        let headers = HeaderValue::from_str(&value)
            .map(|mut value| {
                value.set_sensitive(true);
                [(AUTHORIZATION, value), (CONTENT_TYPE, HeaderValue::from_static("application/json"))]
            })
            .map_err(|_| "the secret key is not a valid header value".to_owned());
        Ok(ElepaySigner { credentials: self, headers })
    }
}

impl Sign for ElepaySigner {
    fn write_headers(&self, _: &Call, _: &str, out: &mut HeaderMap) -> Result<(), String> {
        for (name, value) in self.headers.as_ref().map_err(Clone::clone)? {
            out.insert(name.clone(), value.clone());
        }
        Ok(())
    }

    /// elepay documents no response signature.
    fn verify(&self, _: &str, _: &str, _: &HeaderMap, _: &[u8]) -> Result<(), String> {
        Ok(())
    }
}
