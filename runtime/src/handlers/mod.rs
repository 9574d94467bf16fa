//! Built-in handlers. Add them with `Config::handler`; they run in the order added, the first
//! outermost. Put `Tracing` first so that its span covers everything; the order of `LinePayRecovery`
//! and `Retry` does not change what they conclude (an outcome stays unknown until a lookup proves
//! it, so `Retry` never repeats it), only whether lookups themselves are retried (`Retry` inside).

#[cfg(feature = "line_pay")]
mod line_pay_recovery;
mod retry;
mod trace;

#[cfg(feature = "line_pay")]
pub use line_pay_recovery::LinePayRecovery;
pub use retry::Retry;
pub use trace::Tracing;
