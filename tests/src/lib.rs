//! The snapshot fixtures of `tests/fixtures/`, compiled. Each module is the generator's output for
//! one small spec; compiling them here proves the snapshots are valid Rust, and `tests/fixtures.rs`
//! checks that they behave as their spec says.

#[path = "../fixtures/byte_limit/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod byte_limit;
#[path = "../fixtures/char_limit/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod char_limit;
#[path = "../fixtures/formats/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod formats;
#[path = "../fixtures/open_enum/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod open_enum;
#[path = "../fixtures/constraints/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod constraints;
#[path = "../fixtures/envelope_alipay_plus/expected/src/wallet/mod.rs"]
#[rustfmt::skip]
pub mod envelope_alipay_plus;
#[path = "../fixtures/envelope_http_status/expected/src/api/mod.rs"]
#[rustfmt::skip]
pub mod envelope_http_status;
#[path = "../fixtures/envelope_line_pay/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod envelope_line_pay;
#[path = "../fixtures/examples/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod examples;
#[path = "../fixtures/nested_array/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod nested_array;
#[path = "../fixtures/path_and_query/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod path_and_query;
#[path = "../fixtures/shared_codes/expected/src/pay/mod.rs"]
#[rustfmt::skip]
pub mod shared_codes;
#[path = "../fixtures/sum_rules/expected/src/shop/mod.rs"]
#[rustfmt::skip]
pub mod sum_rules;

/// The README's example, compiled and run as a doctest so that it stays true.
#[doc = include_str!("../../README.md")]
mod readme {}
