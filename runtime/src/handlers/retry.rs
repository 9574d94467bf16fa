//! Retries with exponential backoff, only where a repeat cannot do harm.

use std::time::{Duration, Instant};

use ring::rand::{SecureRandom, SystemRandom};

use crate::client::{BoxFuture, Call, CallResult, Handler, Next};

/// Sends a call again when its error is transient and either the call did not take effect or the
/// provider makes repeats harmless ([`crate::client::Error::is_safe_to_retry`]). A capture that timed
/// out is never sent twice; an Alipay+ call with the same request id may be: such an operation names
/// the field in [`Call::idempotency_key`](crate::client::Call::idempotency_key) (and is `idempotent`),
/// and a retry resends the same body, so the key repeats with it. Where it sits among the
/// handlers does not matter: an error whose outcome is unknown stays unknown until a recovery
/// handler proves otherwise, so it is never repeated.
///
/// It waits at least as long as the provider's `Retry-After` asks, and never past its deadline: the
/// total time from the first attempt, waits included, after which it returns the last error.
#[derive(Debug, Clone)]
pub struct Retry {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    deadline: Duration,
}

impl Retry {
    /// At most `max_attempts` attempts in all, waiting 200 ms, 400 ms, ... (at most 5 s) between,
    /// within 60 s in all.
    pub fn new(max_attempts: u32) -> Self {
        Retry {
            max_attempts: max_attempts.max(1),
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(60),
        }
    }

    /// The total time from the first attempt after which no further attempt starts; later attempts
    /// also time out by then.
    pub fn deadline(mut self, total: Duration) -> Self {
        self.deadline = total;
        self
    }

    /// The first delay and the cap; each later delay doubles.
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// The delay before attempt `attempt + 1`: half fixed, half random, so clients do not retry in step.
    fn delay(&self, attempt: u32) -> Duration {
        let full = self.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(20)).min(self.max_delay);
        let mut byte = [0u8; 1];
        let jitter = if SystemRandom::new().fill(&mut byte).is_ok() { f64::from(byte[0]) / 255.0 } else { 1.0 };
        full.mul_f64(0.5 + jitter / 2.0)
    }
}

impl Handler for Retry {
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
        Box::pin(async move {
            let start = Instant::now();
            let mut attempt = 1;
            let mut call = call;
            loop {
                let result = next.run(call.clone()).await;
                match result {
                    Err(e) if attempt < self.max_attempts && e.is_safe_to_retry() => {
                        let wait = self.delay(attempt).max(e.retry_after().unwrap_or_default());
                        let remaining = self.deadline.saturating_sub(start.elapsed());
                        if wait >= remaining {
                            return Err(e);
                        }
                        tokio::time::sleep(wait).await;
                        call.timeout = call.timeout.min(remaining - wait);
                        attempt += 1;
                    }
                    other => return other,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let r = Retry::new(5).backoff(Duration::from_millis(100), Duration::from_millis(300));
        for (attempt, full) in [(1, 100), (2, 200), (3, 300), (9, 300)] {
            let d = r.delay(attempt).as_millis();
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d} ms");
        }
    }
}
