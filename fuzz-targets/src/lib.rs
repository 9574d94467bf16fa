//! The bodies of payspec's fuzz targets, in a crate that builds on stable.
//!
//! `fuzz/fuzz_targets/*.rs` (cargo-fuzz, nightly) are one-line wrappers around these functions, and
//! `tests/corpus.rs` replays every committed corpus and regression file through them on stable, so
//! CI needs no nightly. Each function takes arbitrary bytes, must never panic, and asserts the cheap
//! invariants its surface has; the module of each says how it reads its input.

mod envelope;
mod responses;
mod signing;
mod spec;

pub use envelope::{envelope_alipay_plus, envelope_http_status, envelope_line_pay};
pub use responses::{RESPONSES, ResponseCase, responses_alipayplus, responses_elepay, responses_linepay};
pub use signing::{alipay_keys, alipay_verify};
pub use spec::{SpecFile, spec, spec_files};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target by name; the name is also its folder under `fuzz/corpus/` and `fuzz/findings/`, and
/// its file under `fuzz/fuzz_targets/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("spec", spec),
    ("envelope_line_pay", envelope_line_pay),
    ("envelope_alipay_plus", envelope_alipay_plus),
    ("envelope_http_status", envelope_http_status),
    ("responses_linepay", responses_linepay),
    ("responses_alipayplus", responses_alipayplus),
    ("responses_elepay", responses_elepay),
    ("alipay_verify", alipay_verify),
    ("alipay_keys", alipay_keys),
];
