#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod client;
pub mod constrained;
#[cfg(feature = "datetime")]
pub mod datetime;
pub mod decimal;
#[doc(hidden)]
pub mod encode;
pub mod error_code;
#[cfg(feature = "examples")]
#[doc(hidden)]
pub mod examples;
pub mod handlers;
#[cfg(feature = "inbound")]
pub mod inbound;
pub mod protocol;
pub mod secret;
pub mod signing;
#[doc(hidden)]
pub mod time;
pub mod unknown;
pub mod validate;

/// The HTTP library under the client, for building an [`client::HttpClient`] of your own.
pub use reqwest;

pub use constrained::ConstraintError;
#[cfg(feature = "datetime")]
pub use datetime::DateTime;
pub use decimal::Decimal;
pub use error_code::ErrorCode;
pub use unknown::UnknownValue;
pub use validate::{OpenEnum, Validate, ValidationError};
