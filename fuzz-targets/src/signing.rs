//! The Alipay+ signature verifier and `Signature` header parser, and the PEM / DER key reader, with
//! the TEST-ONLY keys of `runtime/tests/vectors/`.
//!
//! `alipay_verify` input: a selector byte, then
//! - selector even: a `Signature` header value, a newline, and the signed bytes. The header is
//!   parsed as a response's is and the signature checked over the bytes with the test public key.
//!   Asserts: the header parser's own output parses back to the same signature; a signature is
//!   accepted only if it is exactly the test private key's signature of those bytes, and never by
//!   the unrelated test key.
//! - selector odd: bytes to sign. They are signed with the test private key; asserts the signature
//!   verifies and goes through the header and back, and that the unrelated key, the bytes with one
//!   bit flipped, cut short or extended, and a changed signature are all refused.
//!
//! `alipay_keys` input: a selector byte, then
//! - selector even: key text (PEM or bare Base64), read as a public and as a private key;
//! - selector odd: DER bytes, Base64-encoded and read bare, wrapped in each PEM label, and with PEM
//!   line breaks. Asserts: bare Base64 is accepted exactly when one of its PEM forms is (public:
//!   SPKI or PKCS#1; private: PKCS#8 or PKCS#1) and line breaks change nothing; an accepted private
//!   key signs.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use payspec_runtime::signing::alipay_plus::{
    KeyError, PrivateKey, PublicKey, SignatureError, parse_signature_header, signature_header,
};

const PRIVATE_PKCS8_PEM: &str = include_str!("../../runtime/tests/vectors/test_private_pkcs8.pem");
const PUBLIC_SPKI_PEM: &str = include_str!("../../runtime/tests/vectors/test_public_spki.pem");
const OTHER_PUBLIC_SPKI_PEM: &str = include_str!("../../runtime/tests/vectors/test_other_public_spki.pem");

struct Keys {
    private: PrivateKey,
    public: PublicKey,
    other: PublicKey,
}

fn read<K>(what: &str, result: Result<K, KeyError>) -> K {
    result.unwrap_or_else(|e| panic!("the test {what} key reads: {e}"))
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| Keys {
    private: read("private", PrivateKey::from_pem_or_base64(PRIVATE_PKCS8_PEM)),
    public: read("public", PublicKey::from_pem_or_base64(PUBLIC_SPKI_PEM)),
    other: read("other public", PublicKey::from_pem_or_base64(OTHER_PUBLIC_SPKI_PEM)),
});

fn sign(message: &[u8]) -> String {
    KEYS.private.sign(message).unwrap_or_else(|e| panic!("the test key signs: {e}"))
}

pub fn alipay_verify(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    if selector % 2 == 0 { verify_header_and_bytes(rest) } else { sign_and_tamper(rest) }
}

fn verify_header_and_bytes(data: &[u8]) {
    let (header, message) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(header) = std::str::from_utf8(header) else { return };
    let Ok(parsed) = parse_signature_header(header) else { return };
    assert!(!parsed.signature_base64.is_empty(), "a parsed header has a signature");
    let rebuilt = signature_header(&parsed.signature_base64, parsed.key_version.unwrap_or(1));
    match parse_signature_header(&rebuilt) {
        Ok(again) => assert_eq!(again.signature_base64, parsed.signature_base64, "via {rebuilt}"),
        Err(e) => panic!("the header {rebuilt} built from {header:?} does not parse: {e}"),
    }
    match KEYS.public.verify(message, &parsed.signature_base64) {
        Ok(()) => {
            let genuine = STANDARD.decode(sign(message)).unwrap_or_default();
            let given = STANDARD.decode(&parsed.signature_base64).unwrap_or_default();
            assert_eq!(given, genuine, "accepted a signature that is not the key's signature of these bytes");
            assert!(KEYS.other.verify(message, &parsed.signature_base64).is_err(), "the other key accepted it");
        }
        Err(SignatureError::InvalidBase64 | SignatureError::Mismatch) => {}
        Err(other) => panic!("verifying fails with InvalidBase64 or Mismatch, not {other:?}"),
    }
}

fn sign_and_tamper(message: &[u8]) {
    let signature = sign(message);
    assert_eq!(KEYS.public.verify(message, &signature), Ok(()), "a fresh signature verifies");
    let header = parse_signature_header(&signature_header(&signature, 1)).map(|h| h.signature_base64);
    assert_eq!(header.as_deref(), Ok(signature.as_str()), "the signature survives the header");
    assert_eq!(KEYS.other.verify(message, &signature), Err(SignatureError::Mismatch), "the other key refuses");

    let mut tampered = Vec::new();
    if let Some(last) = message.len().checked_sub(1) {
        // One bit flipped, at a place and bit chosen by the message itself.
        let mut flipped = message.to_vec();
        let at = usize::from(message[0]) % message.len();
        flipped[at] ^= 1 << (message[last] % 8);
        tampered.push(flipped);
        tampered.push(message[..last].to_vec());
    }
    tampered.push([message, b"."].concat());
    for other in &tampered {
        assert_eq!(KEYS.public.verify(other, &signature), Err(SignatureError::Mismatch), "accepted over other bytes");
    }
    // A signature changed in one Base64 character (not the last, whose low bits are padding).
    let mut changed = signature.into_bytes();
    changed[0] = if changed[0] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(changed).unwrap_or_default();
    assert_eq!(KEYS.public.verify(message, &changed), Err(SignatureError::Mismatch), "accepted a changed signature");
}

pub fn alipay_keys(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    if selector % 2 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else { return };
        let _ = PublicKey::from_pem_or_base64(text);
        if let Ok(key) = PrivateKey::from_pem_or_base64(text) {
            assert!(key.sign(b"fuzz").is_ok(), "an accepted private key signs");
        }
    } else {
        der_forms(rest);
    }
}

fn pem(label: &str, base64: &str) -> String {
    let lines: Vec<&str> = base64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

fn der_forms(der: &[u8]) {
    let base64 = STANDARD.encode(der);
    let wrapped: String =
        base64.as_bytes().chunks(64).map(|c| format!("  {}\r\n", String::from_utf8_lossy(c))).collect();

    let bare = PublicKey::from_pem_or_base64(&base64).is_ok();
    assert_eq!(PublicKey::from_pem_or_base64(&wrapped).is_ok(), bare, "line breaks change nothing");
    let spki = PublicKey::from_pem_or_base64(&pem("PUBLIC KEY", &base64)).is_ok();
    let pkcs1 = PublicKey::from_pem_or_base64(&pem("RSA PUBLIC KEY", &base64)).is_ok();
    assert_eq!(bare, spki || pkcs1, "bare Base64 is read as SPKI or PKCS#1 (SPKI {spki}, PKCS#1 {pkcs1})");

    let bare = PrivateKey::from_pem_or_base64(&base64);
    assert_eq!(PrivateKey::from_pem_or_base64(&wrapped).is_ok(), bare.is_ok(), "line breaks change nothing");
    let pkcs8 = PrivateKey::from_pem_or_base64(&pem("PRIVATE KEY", &base64)).is_ok();
    let pkcs1 = PrivateKey::from_pem_or_base64(&pem("RSA PRIVATE KEY", &base64)).is_ok();
    assert_eq!(
        bare.is_ok(),
        pkcs8 || pkcs1,
        "bare Base64 is read as PKCS#8 or PKCS#1 (PKCS#8 {pkcs8}, PKCS#1 {pkcs1})"
    );
    if let Ok(key) = bare {
        assert!(key.sign(b"fuzz").is_ok(), "an accepted private key signs");
    }
}
