//! Alipay+ notifications: verified with the wallet's public key over the exact bytes received, and
//! acknowledged with a response signed with the merchant's private key.
//!
//! The wallet signs `POST <path>\n<Client-Id>.<Request-Time>.<body>` as it signs responses; the
//! merchant answers every notification, duplicates included, with
//! `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}` signed over
//! `POST <path>\n<Client-Id>.<Response-Time>.<body>`. Without that answer the wallet resends.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Bytes, Rejected, Rejection, Request, Response};
use crate::protocol::alipay_plus::{
    AlipayPlusCredentials, Message, TimeHeader, VerifyError, sign_message, verify_message,
};
use crate::signing::alipay_plus::{PrivateKey, PublicKey};

/// The acknowledgement body: receipt only, whatever the notification said.
pub const ACKNOWLEDGEMENT: &str = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#;

/// How far `Request-Time` may be from now unless configured otherwise.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(5 * 60);

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Checks Alipay+ notifications and signs their acknowledgements.
#[derive(Clone)]
pub struct Verifier {
    client_id: String,
    wallet_public_key: PublicKey,
    merchant_private_key: Arc<PrivateKey>,
    key_version: u32,
    window: Duration,
    clock: Clock,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("client_id", &self.client_id)
            .field("key_version", &self.key_version)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// Accepts notifications for `client_id` signed with `wallet_public_key`, and signs the
    /// acknowledgements with `merchant_private_key` (key version 1).
    pub fn new(
        client_id: impl Into<String>,
        wallet_public_key: PublicKey,
        merchant_private_key: Arc<PrivateKey>,
    ) -> Self {
        Verifier {
            client_id: client_id.into(),
            wallet_public_key,
            merchant_private_key,
            key_version: 1,
            window: DEFAULT_WINDOW,
            clock: Arc::new(SystemTime::now),
        }
    }

    /// The keys and client id of the client's credentials; `None` when they hold no wallet public key
    /// (unsigned responses accepted), since a notification cannot be verified without one.
    pub fn from_credentials(credentials: &AlipayPlusCredentials) -> Option<Self> {
        let key = credentials.wallet_public_key.clone()?;
        let mut verifier = Verifier::new(credentials.client_id.clone(), key, credentials.private_key.clone());
        verifier.key_version = credentials.key_version;
        Some(verifier)
    }

    /// How far `Request-Time` may be from now, either way.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The clock that `Request-Time` is compared with and `Response-Time` read from (tests).
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Verifies a notification: its headers are present, its signature verifies over the exact
    /// bytes with the wallet's key, it is for this client, and its `Request-Time` is within the window.
    /// The signature is checked by the protocol's [`verify_message`], as the client checks responses.
    pub fn verify(&self, request: &Request) -> Result<(), Rejected> {
        let message = Message { method: request.method().as_str(), path: request.uri().path(), body: request.body() };
        let verified =
            verify_message(&self.wallet_public_key, &self.client_id, TimeHeader::Request, message, request.headers())
                .map_err(|e| Rejected::new(rejection(e, &self.client_id)))?;
        let reject = |reason| Err(Rejected::new(reason));
        let Some(sent) = parse_iso8601(verified.time) else {
            return reject(Rejection::MalformedHeader {
                name: TimeHeader::Request.name(),
                why: "not an ISO 8601 time with an offset".into(),
            });
        };
        let skew = (self.clock)().duration_since(sent).unwrap_or_else(|e| e.duration());
        if skew > self.window {
            return reject(Rejection::StaleRequestTime {
                request_time: verified.time.to_owned(),
                skew_seconds: skew.as_secs(),
                window_seconds: self.window.as_secs(),
            });
        }
        Ok(())
    }

    /// The signed acknowledgement of a notification received at `path`, signed by the protocol's
    /// [`sign_message`] as an answer to `POST <path>`.
    pub fn acknowledgement(&self, path: &str) -> Result<Response, Rejected> {
        let message = Message { method: "POST", path, body: ACKNOWLEDGEMENT.as_bytes() };
        let at = (self.clock)();
        let headers = sign_message(
            &self.merchant_private_key,
            self.key_version,
            &self.client_id,
            TimeHeader::Response,
            at,
            message,
        )
        .map_err(|_| Rejected::new(Rejection::CannotSign))?;
        let mut response = Response::new(Bytes::from_static(ACKNOWLEDGEMENT.as_bytes()));
        let out = response.headers_mut();
        out.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json; charset=UTF-8"));
        for (name, value) in headers {
            out.insert(name, value);
        }
        Ok(response)
    }
}

/// The receiver's reason for a verification failure.
fn rejection(e: VerifyError, expected: &str) -> Rejection {
    match e {
        VerifyError::MissingHeader(name) => Rejection::MissingHeader(name),
        VerifyError::UnreadableHeader(name) => Rejection::MalformedHeader { name, why: "not visible ASCII".into() },
        VerifyError::MalformedSignatureHeader(e) => {
            Rejection::MalformedHeader { name: "Signature", why: e.to_string() }
        }
        VerifyError::WrongClientId { found } => Rejection::WrongClientId { expected: expected.to_owned(), found },
        VerifyError::BadSignature(e) => Rejection::BadSignature(e.to_string()),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as Alipay+ writes `Request-Time`.
fn parse_iso8601(text: &str) -> Option<SystemTime> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse::<u64>().ok()).flatten();
    let (date, rest) = text.split_once('T')?;
    let mut d = date.split('-');
    let (year, month, day) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day) = (digits(year)?, digits(month)?, digits(day)?);
    let zone_at = rest.find(['Z', '+', '-'])?;
    let (clock, zone) = rest.split_at(zone_at);
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
    let mut c = hms.split(':');
    let (h, m, s) = (c.next()?, c.next()?, c.next()?);
    if c.next().is_some() || [h, m, s].iter().any(|p| p.len() != 2) {
        return None;
    }
    let (h, m, s) = (digits(h)?, digits(m)?, digits(s)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let nanos = match fraction {
        "" => 0,
        f if f.len() <= 9 => digits(f)? * 10u64.pow(9 - f.len() as u32),
        _ => return None,
    };
    let offset: i64 = match zone {
        "Z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z[1..].split_once(':')?;
            if oh.len() != 2 || om.len() != 2 {
                return None;
            }
            sign * i64::try_from(digits(oh)? * 3600 + digits(om)? * 60).ok()?
        }
    };
    let days = crate::time::days_from_civil(i64::try_from(year).ok()?, month as u32, day as u32);
    let local = days * 86_400 + i64::try_from(h * 3600 + m * 60 + s).ok()?;
    let utc = u64::try_from(local - offset).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(utc) + Duration::from_nanos(nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_request_times_with_offsets() {
        // The notes' example, 2019-04-04T12:08:56.253+05:30, is 06:38:56.253 UTC.
        let expected = UNIX_EPOCH + Duration::from_millis(1_554_359_936_253);
        assert_eq!(parse_iso8601("2019-04-04T12:08:56.253+05:30"), Some(expected));
        assert_eq!(parse_iso8601("2019-04-04T06:38:56.253Z"), Some(expected));
        assert_eq!(parse_iso8601("2019-04-04T01:38:56.253-05:00"), Some(expected));
        assert_eq!(parse_iso8601("2019-04-04T06:38:56+00:00"), Some(UNIX_EPOCH + Duration::from_secs(1_554_359_936)));
        for bad in [
            "",
            "2019-04-04",
            "2019-04-04T06:38:56",
            "2019-4-04T06:38:56Z",
            "2019-04-04T24:00:00Z",
            "x-04-04T06:38:56Z",
            "2019-04-04T06:38:56+0530",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad:?}");
        }
    }
}
