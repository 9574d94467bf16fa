//! Built-in handlers. Add them with `Config::handler`; they run in the order added, the first
//! outermost. A sensible order is `Tracing`, then `LinePayRecovery` (LINE Pay only), then `Retry`:
//! the span covers everything, recovery looks up what retries could not settle.

mod line_pay_recovery;
mod retry;
mod trace;

pub use line_pay_recovery::LinePayRecovery;
pub use retry::Retry;
pub use trace::Tracing;
