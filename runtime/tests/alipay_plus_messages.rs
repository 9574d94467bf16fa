//! Alipay+ message signing and verification (`protocol::alipay_plus::{sign_message,
//! verify_message}`), the functions the client and the inbound receivers share, against the
//! signatures Python's `cryptography` made in `vectors/vectors.json` (see `signing.rs`).

use std::time::{Duration, UNIX_EPOCH};

use payspec_runtime::protocol::alipay_plus::{
    Message, SignMessageError, TimeHeader, Verified, VerifyError, sign_message, verify_message,
};
use payspec_runtime::reqwest::header::{HeaderMap, HeaderValue};
use payspec_runtime::signing::alipay_plus::{PrivateKey, PublicKey, SignatureError};
use serde::Deserialize;

const VECTORS: &str = include_str!("vectors/vectors.json");
const PRIVATE_PEM: &str = include_str!("vectors/test_private_pkcs8.pem");
const PUBLIC_PEM: &str = include_str!("vectors/test_public_spki.pem");
const OTHER_PUBLIC_PEM: &str = include_str!("vectors/test_other_public_spki.pem");

#[derive(Deserialize)]
struct Vectors {
    alipay_plus: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    method: String,
    path: String,
    client_id: String,
    time: String,
    body: String,
    header: String,
}

impl Case {
    fn message(&self) -> Message<'_> {
        Message { method: &self.method, path: &self.path, body: self.body.as_bytes() }
    }

    /// The headers the signer sent, with the time under `time`'s name.
    fn headers(&self, time: TimeHeader) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("client-id", HeaderValue::from_str(&self.client_id).unwrap());
        headers.insert(time.name(), HeaderValue::from_str(&self.time).unwrap());
        headers.insert("signature", HeaderValue::from_str(&self.header).unwrap());
        headers
    }
}

fn cases() -> Vec<Case> {
    serde_json::from_str::<Vectors>(VECTORS).expect("vectors.json parses").alipay_plus
}

/// The wallet's answer to a capture, signed over `Response-Time`.
fn response() -> Case {
    cases().into_iter().find(|c| c.name.starts_with("capture response")).expect("the response vector")
}

fn public_key(pem: &str) -> PublicKey {
    PublicKey::from_pem_or_base64(pem).expect("test key parses")
}

fn verify(case: &Case, headers: &HeaderMap, time: TimeHeader) -> Result<(), VerifyError> {
    verify_message(&public_key(PUBLIC_PEM), &case.client_id, time, case.message(), headers).map(drop)
}

#[test]
fn python_signed_messages_verify_over_either_time_header() {
    for case in cases() {
        for time in [TimeHeader::Request, TimeHeader::Response] {
            let headers = case.headers(time);
            let verified = verify_message(&public_key(PUBLIC_PEM), &case.client_id, time, case.message(), &headers)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let Verified { client_id, time: at, signature } = verified;
            assert_eq!((client_id, at), (case.client_id.as_str(), case.time.as_str()), "{}", case.name);
            assert_eq!(signature.key_version, Some(1));
        }
    }
}

#[test]
fn each_missing_header_is_named() {
    let case = response();
    for (removed, name) in [("signature", "Signature"), ("client-id", "Client-Id"), ("response-time", "Response-Time")]
    {
        let mut headers = case.headers(TimeHeader::Response);
        headers.remove(removed);
        assert_eq!(verify(&case, &headers, TimeHeader::Response), Err(VerifyError::MissingHeader(name)), "{removed}");
        assert!(VerifyError::MissingHeader(name).to_string().contains(name));
    }
    // A notification carries Request-Time: a Response-Time does not stand in for it.
    let headers = case.headers(TimeHeader::Response);
    assert_eq!(verify(&case, &headers, TimeHeader::Request), Err(VerifyError::MissingHeader("Request-Time")));
}

#[test]
fn a_header_that_is_not_text_is_refused_by_name() {
    let case = response();
    let mut headers = case.headers(TimeHeader::Response);
    headers.insert("client-id", HeaderValue::from_bytes(b"client\xff").unwrap());
    assert_eq!(verify(&case, &headers, TimeHeader::Response), Err(VerifyError::UnreadableHeader("Client-Id")));
}

#[test]
fn a_malformed_signature_header_is_refused_before_any_cryptography() {
    let case = response();
    for (value, expected) in [
        ("algorithm=RSA1, keyVersion=1, signature=AAAA", SignatureError::UnsupportedAlgorithm("RSA1".into())),
        ("algorithm=RSA256, keyVersion=1", SignatureError::MissingSignature),
        ("algorithm=RSA256, garbage", SignatureError::MalformedHeader("entry without '='")),
    ] {
        let mut headers = case.headers(TimeHeader::Response);
        headers.insert("signature", HeaderValue::from_static(value));
        assert_eq!(
            verify(&case, &headers, TimeHeader::Response),
            Err(VerifyError::MalformedSignatureHeader(expected)),
            "{value}"
        );
    }
}

#[test]
fn a_message_for_another_client_is_refused_even_when_its_signature_is_valid() {
    let case = response();
    let headers = case.headers(TimeHeader::Response);
    let result =
        verify_message(&public_key(PUBLIC_PEM), "ANOTHER_CLIENT", TimeHeader::Response, case.message(), &headers);
    assert_eq!(result, Err(VerifyError::WrongClientId { found: case.client_id.clone() }));
}

#[test]
fn tampered_messages_and_other_keys_are_bad_signatures() {
    let case = response();
    let headers = case.headers(TimeHeader::Response);
    let mismatch = Err(VerifyError::BadSignature(SignatureError::Mismatch));
    let body = format!("{} ", case.body);
    for message in [
        Message { body: body.as_bytes(), ..case.message() },
        Message { path: "/api/open/v2/payments/refund", ..case.message() },
        Message { method: "GET", ..case.message() },
    ] {
        let result = verify_message(&public_key(PUBLIC_PEM), &case.client_id, TimeHeader::Response, message, &headers);
        assert_eq!(result.map(drop), mismatch, "{message:?}");
    }
    let mut later = headers.clone();
    later.insert("response-time", HeaderValue::from_static("2019-04-04T14:08:57.253+05:30"));
    assert_eq!(verify(&case, &later, TimeHeader::Response), mismatch);
    let other =
        verify_message(&public_key(OTHER_PUBLIC_PEM), &case.client_id, TimeHeader::Response, case.message(), &headers);
    assert_eq!(other.map(drop), mismatch);
    let mut garbled = headers;
    garbled.insert("signature", HeaderValue::from_static("algorithm=RSA256, keyVersion=1, signature=%%%"));
    assert_eq!(
        verify(&case, &garbled, TimeHeader::Response),
        Err(VerifyError::BadSignature(SignatureError::InvalidBase64))
    );
}

#[test]
fn an_acknowledgement_is_signed_byte_for_byte_as_python_signs_it() {
    let case = cases().into_iter().find(|c| c.name.starts_with("notification acknowledgement")).expect("vector");
    let key = PrivateKey::from_pem_or_base64(PRIVATE_PEM).expect("test key parses");
    // 2019-04-04T06:38:56.253+00:00, the vector's Response-Time.
    let at = UNIX_EPOCH + Duration::from_millis(1_554_359_936_253);
    let headers = sign_message(&key, 1, &case.client_id, TimeHeader::Response, at, case.message()).expect("signs");
    let text: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap())).collect();
    assert_eq!(
        text,
        [
            ("client-id", case.client_id.as_str()),
            ("response-time", case.time.as_str()),
            ("signature", case.header.as_str())
        ]
    );
    // And what it signs, the other side verifies.
    let map: HeaderMap = headers.into_iter().collect();
    assert_eq!(verify(&case, &map, TimeHeader::Response), Ok(()));
    let request = sign_message(&key, 2, &case.client_id, TimeHeader::Request, at, case.message()).expect("signs");
    assert_eq!(request[1].0.as_str(), "request-time");
    assert!(request[2].1.to_str().unwrap().contains("keyVersion=2"));
}

#[test]
fn a_client_id_that_is_not_a_header_value_cannot_sign() {
    let case = response();
    let key = PrivateKey::from_pem_or_base64(PRIVATE_PEM).expect("test key parses");
    let result = sign_message(&key, 1, "client\nid", TimeHeader::Response, UNIX_EPOCH, case.message());
    assert_eq!(result.map(drop), Err(SignMessageError::InvalidClientId));
}
