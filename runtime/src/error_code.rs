//! What every generated per-operation error enum offers, so that transport code, retry policies and
//! handlers can reason about codes without knowing the operation.

use std::fmt;

/// A provider's return code, decoded into the operation's error enum.
pub trait ErrorCode: fmt::Debug + fmt::Display + Clone + Send + Sync + 'static {
    /// The variant for `code`; codes the spec does not list become the `Unknown` variant.
    fn from_code(code: &str) -> Self;
    /// The code exactly as the provider sends it.
    fn code(&self) -> &str;
    /// What the code means, from the spec; `None` for unknown codes.
    fn description(&self) -> Option<&'static str>;
    /// The same call may be sent again later.
    fn is_retryable(&self) -> bool;
    /// The call may or may not have taken effect; look the outcome up before doing anything else.
    fn is_outcome_unknown(&self) -> bool;
}
