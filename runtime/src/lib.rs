//! Hand-written support code for the generated `payspec` crate: exact decimals, request validation,
//! constrained strings, error-code classification, URL encoding and request signing. Generated code
//! calls into this crate; nothing here is generated.

pub mod client;
pub mod constrained;
pub mod decimal;
pub mod encode;
pub mod error_code;
pub mod handlers;
pub mod secret;
pub mod signing;
pub mod time;
pub mod unknown;
pub mod validate;

/// The HTTP library under the client, for building an [`client::HttpClient`] of your own.
pub use reqwest;

pub use constrained::ConstraintError;
pub use decimal::Decimal;
pub use error_code::ErrorCode;
pub use unknown::UnknownValue;
pub use validate::{OpenEnum, Validate, ValidationError};
