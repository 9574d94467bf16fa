//! Signing tests against independently produced vectors.
//!
//! `tests/vectors/vectors.json` and the TEST-ONLY RSA 2048 keys beside it were
//! produced by
//!
//! ```sh
//! python3 runtime/tests/vectors/make_vectors.py
//! ```
//!
//! with Python 3.11: LINE Pay signatures with the standard library's `hmac`,
//! `hashlib` (SHA-256) and `base64`; Alipay+ signatures with the `cryptography`
//! package 48 (`key.sign(message, padding.PKCS1v15(), hashes.SHA256())`) and
//! `urllib.parse.quote(sig, safe='')` for the header. Re-running the script
//! reuses the committed keys (`--new-keys` makes fresh ones). The files are
//! read with `include_str!`, so running these tests needs no Python.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use payspec_runtime::secret::SecretString;
use payspec_runtime::signing::alipay_plus::{
    self, Algorithm, KeyError, PrivateKey, PublicKey, SignatureError, SignatureHeader,
};
use payspec_runtime::signing::line_pay;
use serde::Deserialize;

const VECTORS: &str = include_str!("vectors/vectors.json");
const PRIVATE_PKCS8_PEM: &str = include_str!("vectors/test_private_pkcs8.pem");
const PRIVATE_PKCS1_PEM: &str = include_str!("vectors/test_private_pkcs1.pem");
const PRIVATE_PKCS8_B64: &str = include_str!("vectors/test_private_pkcs8.b64");
const PRIVATE_PKCS1_B64: &str = include_str!("vectors/test_private_pkcs1.b64");
const PUBLIC_SPKI_PEM: &str = include_str!("vectors/test_public_spki.pem");
const PUBLIC_PKCS1_PEM: &str = include_str!("vectors/test_public_pkcs1.pem");
const PUBLIC_SPKI_B64: &str = include_str!("vectors/test_public_spki.b64");
const OTHER_PUBLIC_SPKI_PEM: &str = include_str!("vectors/test_other_public_spki.pem");

const PRIVATE_KEYS: [(&str, &str); 4] = [
    ("PKCS#8 PEM", PRIVATE_PKCS8_PEM),
    ("PKCS#1 PEM", PRIVATE_PKCS1_PEM),
    ("PKCS#8 bare Base64", PRIVATE_PKCS8_B64),
    ("PKCS#1 bare Base64", PRIVATE_PKCS1_B64),
];

const PUBLIC_KEYS: [(&str, &str); 3] =
    [("SPKI PEM", PUBLIC_SPKI_PEM), ("PKCS#1 PEM", PUBLIC_PKCS1_PEM), ("SPKI bare Base64", PUBLIC_SPKI_B64)];

#[derive(Deserialize)]
struct Vectors {
    line_pay: Vec<LinePayVector>,
    alipay_plus: Vec<AlipayVector>,
}

#[derive(Deserialize)]
struct LinePayVector {
    name: String,
    channel_secret: String,
    api_path: String,
    payload: String,
    nonce: String,
    signature: String,
}

#[derive(Deserialize)]
struct AlipayVector {
    name: String,
    method: String,
    path: String,
    client_id: String,
    time: String,
    body: String,
    string_to_sign: String,
    signature: String,
    header: String,
}

impl AlipayVector {
    fn message(&self) -> Vec<u8> {
        alipay_plus::string_to_sign(&self.method, &self.path, &self.client_id, &self.time, self.body.as_bytes())
    }
}

fn vectors() -> Vectors {
    serde_json::from_str(VECTORS).expect("vectors.json parses")
}

fn private_key(text: &str) -> PrivateKey {
    PrivateKey::from_pem_or_base64(text).expect("test private key parses")
}

fn public_key(text: &str) -> PublicKey {
    PublicKey::from_pem_or_base64(text).expect("test public key parses")
}

/// Whether a key error is of the expected kind.
type KeyErrorCheck = fn(&KeyError) -> bool;

/// Every contiguous 12-character run of the key's Base64 body: none of them
/// may appear in `Debug` output.
fn base64_fragments(pem_or_b64: &str) -> Vec<String> {
    let body: String = pem_or_b64.lines().filter(|line| !line.starts_with("-----")).collect();
    let chars: Vec<char> = body.chars().collect();
    chars.windows(12).map(|w| w.iter().collect()).collect()
}

#[test]
fn vectors_cover_the_required_cases() {
    let v = vectors();
    assert_eq!(v.line_pay.len(), 4);
    assert!(v.line_pay.iter().any(|c| c.payload.is_empty()));
    assert!(v.line_pay.iter().any(|c| !c.payload.is_ascii()));
    assert_eq!(v.alipay_plus.len(), 3);
}

#[test]
fn line_pay_signatures_match_python() {
    for case in vectors().line_pay {
        let secret = SecretString::from(case.channel_secret.as_str());
        let got = line_pay::signature(&secret, &case.api_path, case.payload.as_bytes(), &case.nonce);
        assert_eq!(got, case.signature, "{}", case.name);
    }
}

#[test]
fn line_pay_signature_depends_on_every_input() {
    let case = &vectors().line_pay[0];
    let secret = SecretString::from(case.channel_secret.as_str());
    let sign = |path: &str, payload: &str, nonce: &str| line_pay::signature(&secret, path, payload.as_bytes(), nonce);
    let good = sign(&case.api_path, &case.payload, &case.nonce);
    assert_ne!(good, sign("/v3/payments/confirm", &case.payload, &case.nonce));
    assert_ne!(good, sign(&case.api_path, "{}", &case.nonce));
    assert_ne!(good, sign(&case.api_path, &case.payload, "other-nonce"));
    let other = SecretString::from("not-the-secret");
    let other_sig = line_pay::signature(&other, &case.api_path, case.payload.as_bytes(), &case.nonce);
    assert_ne!(good, other_sig);
}

#[test]
fn nonce_is_a_random_uuid_v4() {
    let a = line_pay::new_nonce().unwrap();
    let b = line_pay::new_nonce().unwrap();
    assert_ne!(a, b);
    for nonce in [a, b] {
        let groups: Vec<&str> = nonce.split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12], "{nonce}");
        assert!(nonce.chars().all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f')), "{nonce}");
        assert!(groups[2].starts_with('4'), "version nibble: {nonce}");
        assert!(groups[3].starts_with(['8', '9', 'a', 'b']), "variant: {nonce}");
    }
}

#[test]
fn alipay_string_to_sign_matches_python() {
    for case in vectors().alipay_plus {
        assert_eq!(case.message(), case.string_to_sign.as_bytes(), "{}", case.name);
    }
    let example = alipay_plus::string_to_sign(
        "POST",
        "/api/open/v2/payments/capture",
        "CLIENT",
        "2019-04-04T12:08:56.253+05:30",
        br#"{"a":1}"#,
    );
    assert_eq!(example, b"POST /api/open/v2/payments/capture\nCLIENT.2019-04-04T12:08:56.253+05:30.{\"a\":1}");
}

#[test]
fn alipay_signatures_match_python_for_every_private_key_form() {
    for (form, text) in PRIVATE_KEYS {
        let key = private_key(text);
        for case in vectors().alipay_plus {
            let got = key.sign(&case.message()).expect("signing succeeds");
            assert_eq!(got, case.signature, "{form}: {}", case.name);
        }
    }
}

#[test]
fn alipay_header_matches_python_and_round_trips() {
    for case in vectors().alipay_plus {
        let header = alipay_plus::signature_header(&case.signature, 1);
        assert_eq!(header, case.header, "{}", case.name);
        assert!(!header.contains(['+', '/']), "{header}");
        assert_eq!(
            alipay_plus::parse_signature_header(&header),
            Ok(SignatureHeader {
                algorithm: Algorithm::Rsa256,
                key_version: Some(1),
                signature_base64: case.signature.clone(),
            })
        );
    }
}

#[test]
fn header_parsing_tolerates_order_spacing_and_missing_key_version() {
    let parsed = alipay_plus::parse_signature_header("signature=ab%2Bc%2F%3D,algorithm=RSA256").expect("parses");
    assert_eq!(parsed.signature_base64, "ab+c/=");
    assert_eq!(parsed.key_version, None);
    let spaced =
        alipay_plus::parse_signature_header(" keyVersion=2 ,  algorithm=RSA256,signature=abc=, ").expect("parses");
    assert_eq!(spaced.key_version, Some(2));
    assert_eq!(spaced.signature_base64, "abc=");
}

#[test]
fn header_parsing_rejects_missing_signature_and_other_algorithms() {
    for value in ["algorithm=RSA256, keyVersion=1", "algorithm=RSA256, signature="] {
        assert_eq!(alipay_plus::parse_signature_header(value), Err(SignatureError::MissingSignature), "{value}");
    }
    assert_eq!(
        alipay_plus::parse_signature_header("algorithm=RSA1, keyVersion=1, signature=AAAA"),
        Err(SignatureError::UnsupportedAlgorithm("RSA1".to_owned()))
    );
}

#[test]
fn python_signatures_verify_with_every_public_key_form() {
    for (form, text) in PUBLIC_KEYS {
        let key = public_key(text);
        for case in vectors().alipay_plus {
            assert_eq!(key.verify(&case.message(), &case.signature), Ok(()), "{form}: {}", case.name);
        }
    }
}

#[test]
fn verification_follows_the_header_through_parsing() {
    let key = public_key(PUBLIC_SPKI_PEM);
    for case in vectors().alipay_plus {
        let header = alipay_plus::parse_signature_header(&case.header).expect("parses");
        assert_eq!(key.verify(&case.message(), &header.signature_base64), Ok(()), "{}", case.name);
    }
}

#[test]
fn tampered_body_is_a_mismatch() {
    let key = public_key(PUBLIC_SPKI_PEM);
    for case in vectors().alipay_plus {
        let mut body = case.body.clone().into_bytes();
        body.push(b' ');
        let message = alipay_plus::string_to_sign(&case.method, &case.path, &case.client_id, &case.time, &body);
        assert_eq!(key.verify(&message, &case.signature), Err(SignatureError::Mismatch));
    }
}

#[test]
fn wrong_key_is_a_mismatch() {
    let key = public_key(OTHER_PUBLIC_SPKI_PEM);
    for case in vectors().alipay_plus {
        assert_eq!(key.verify(&case.message(), &case.signature), Err(SignatureError::Mismatch));
    }
}

#[test]
fn broken_base64_signatures_are_typed_errors() {
    let key = public_key(PUBLIC_SPKI_PEM);
    let case = &vectors().alipay_plus[0];
    let message = case.message();
    let sig = case.signature.as_str();
    let garbled = sig.replacen(|c: char| c.is_ascii_alphanumeric(), "!", 1);
    for bad in [&sig[..sig.len() - 1], &sig[..sig.len() - 3], garbled.as_str(), "===="] {
        assert_eq!(key.verify(&message, bad), Err(SignatureError::InvalidBase64), "{bad:?}");
    }
    // Valid Base64 that is empty, of the wrong length (whole quanta dropped)
    // or with a flipped bit decodes fine but is not the signature.
    let mut flipped = STANDARD.decode(sig).expect("vector is Base64");
    flipped[10] ^= 0x01;
    for bad in [sig[..sig.len() - 8].to_owned(), STANDARD.encode(&flipped), "AAAA".to_owned(), String::new()] {
        assert_eq!(key.verify(&message, &bad), Err(SignatureError::Mismatch), "{bad:?}");
    }
}

#[test]
fn garbage_public_keys_are_typed_errors() {
    let body: String = PUBLIC_SPKI_B64.split_whitespace().collect();
    let truncated = &body[..body.len() / 2 / 4 * 4];
    let pkcs8_as_public = PRIVATE_PKCS8_B64;
    let cases: [(&str, KeyErrorCheck); 6] = [
        ("", |e| matches!(e, KeyError::Der(_))),
        ("not base64 at all!", |e| matches!(e, KeyError::InvalidBase64)),
        ("AAAA", |e| matches!(e, KeyError::Der(_))),
        (truncated, |e| matches!(e, KeyError::Der(_))),
        (pkcs8_as_public, |e| matches!(e, KeyError::Der(_))),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n", |e| matches!(e, KeyError::MalformedPem)),
    ];
    for (text, expected) in cases {
        let err = PublicKey::from_pem_or_base64(text).expect_err(text);
        assert!(expected(&err), "{text:?} gave {err:?}");
    }
    let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert!(matches!(
        PublicKey::from_pem_or_base64(cert),
        Err(KeyError::UnsupportedPemLabel(label)) if label == "CERTIFICATE"
    ));
}

#[test]
fn garbage_private_keys_are_typed_errors() {
    let cases: [(&str, KeyErrorCheck); 5] = [
        ("", |e| matches!(e, KeyError::Rejected(_))),
        ("%%%%", |e| matches!(e, KeyError::InvalidBase64)),
        (PUBLIC_SPKI_B64, |e| matches!(e, KeyError::Rejected(_))),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", |e| matches!(e, KeyError::Rejected(_))),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", |e| {
            matches!(e, KeyError::UnsupportedPemLabel(_))
        }),
    ];
    for (text, expected) in cases {
        let err = PrivateKey::from_pem_or_base64(text).expect_err(text);
        assert!(expected(&err), "{text:?} gave {err:?}");
        assert!(!err.to_string().is_empty());
    }
}

/// Found by the `alipay_keys` fuzz target: the PKCS#8 test key with one byte of its CRT exponent
/// `dQ` changed (DER offset 985, 0x17 to 0x15) was accepted by `ring`, then failed every signature.
#[test]
fn a_private_key_whose_parts_disagree_is_refused_when_loaded() {
    let mut der = STANDARD.decode(PRIVATE_PKCS8_B64.split_ascii_whitespace().collect::<String>()).unwrap();
    assert_eq!(der[985], 0x17, "the committed test key changed");
    der[985] = 0x15;
    let err = PrivateKey::from_pem_or_base64(&STANDARD.encode(&der)).unwrap_err();
    assert!(matches!(err, KeyError::CannotSign), "{err:?}");
    assert_eq!(err.to_string(), "private key rejected: its parts do not agree, so it cannot sign");
}

#[test]
fn pem_with_surrounding_text_and_crlf_parses() {
    let wrapped = format!("Bag Attributes: test\r\n{}\r\ntrailing", PRIVATE_PKCS8_PEM.replace('\n', "\r\n"));
    let key = private_key(&wrapped);
    let case = &vectors().alipay_plus[0];
    assert_eq!(key.sign(&case.message()), Ok(case.signature.clone()));
}

#[test]
fn debug_output_reveals_no_secrets() {
    let secret = SecretString::from("a917ab6a2367b536f8e5a6e2977e06f4");
    let debug = format!("{secret:?}");
    assert_eq!(debug, "SecretString([redacted])");
    assert_eq!(format!("{:?}", secret.clone()), debug);
    assert_eq!(secret.expose(), "a917ab6a2367b536f8e5a6e2977e06f4");

    for (form, text) in PRIVATE_KEYS {
        let debug = format!("{:?} {:#?}", private_key(text), private_key(text));
        for fragment in base64_fragments(text) {
            assert!(!debug.contains(&fragment), "{form}: Debug leaks {fragment}");
        }
    }
}

#[test]
fn errors_reveal_no_key_material() {
    // A valid PKCS#8 key under the wrong label: the error must not echo it.
    let mislabelled = PRIVATE_PKCS8_PEM.replace("PRIVATE KEY", "RSA PRIVATE KEY");
    let err = PrivateKey::from_pem_or_base64(&mislabelled).expect_err("wrong structure");
    let shown = format!("{err} {err:?}");
    for fragment in base64_fragments(PRIVATE_PKCS8_PEM) {
        assert!(!shown.contains(&fragment), "error leaks {fragment}");
    }
}
