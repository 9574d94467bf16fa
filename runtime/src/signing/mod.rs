//! The cryptography of request signing and response verification for the providers that need it:
//! the primitives `crate::protocol` builds each provider's headers from.
//!
//! Each provider signs differently, so each has its own module; they share
//! nothing but the rule that all cryptography goes through `ring` (no
//! hand-rolled primitives, no `rsa` crate with its timing side channel) and
//! that no error or `Debug` output ever carries key material.
//!
//! - [`line_pay`]: LINE Pay v3 `X-LINE-Authorization` (HMAC-SHA256).
//! - [`alipay_plus`]: Alipay+ `Signature` header (RSA256, i.e. RSASSA-PKCS1-v1_5
//!   with SHA-256), for both signing requests and verifying responses.
//!
//! elepay has no request signature to compute; its API key only needs to be
//! kept in a [`crate::secret::SecretString`].

#[cfg(feature = "alipay_plus")]
pub mod alipay_plus;
#[cfg(feature = "line_pay")]
pub mod line_pay;
