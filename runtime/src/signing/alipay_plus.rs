//! Alipay+ `Signature` header: RSA256 (RSASSA-PKCS1-v1_5 with SHA-256).
//!
//! A request is signed with the merchant's private key over
//! `<METHOD> <path>\n<Client-Id>.<Request-Time>.<body>` and sent as
//! `Signature: algorithm=RSA256, keyVersion=1, signature=<URL-encoded Base64>`.
//! A response is verified the same way with the wallet's public key, over
//! `<METHOD> <path>\n<Client-Id>.<Response-Time>.<raw response body>`.
//!
//! Keys arrive in whatever form a console or `openssl` produced, so both key
//! types accept PEM (PKCS#8 / SPKI or PKCS#1) and the bare Base64 DER that
//! Alipay+ consoles hand out. `ring` does the cryptography; the only parsing
//! done here is a minimal DER reader that unwraps an SPKI into the PKCS#1
//! `RSAPublicKey` that `ring` verifies with.
//!
//! A valid signature proves who sent the bytes, not that they are meant for
//! this merchant or fresh: callers still compare the response's `Client-Id`
//! with their own.

use std::error::Error;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use ring::error::KeyRejected;
use ring::rand::SystemRandom;
use ring::signature::{self as ring_sig, RsaKeyPair, UnparsedPublicKey};

pub use der::DerError;

/// The one algorithm name Alipay+ defines for the `Signature` header.
const RSA256: &str = "RSA256";

/// DER content of OID 1.2.840.113549.1.1.1 (rsaEncryption).
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Modulus sizes `ring`'s `RSA_PKCS1_2048_8192_SHA256` accepts; checked at
/// parse time so a bad key fails when loaded, not as a signature mismatch.
const MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// The bytes Alipay+ signs: `<METHOD> <path>\n<Client-Id>.<time>.<body>`.
///
/// `method` is the upper-case HTTP method and `path` the request path without
/// host or query. `time` is `Request-Time` when signing a request and
/// `Response-Time` when verifying a response, exactly as in the header.
/// `body` must be the exact bytes sent or received: re-serialising JSON would
/// change them and break the signature.
pub fn string_to_sign(method: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> Vec<u8> {
    let mut message = format!("{method} {path}\n{client_id}.{time}.").into_bytes();
    message.extend_from_slice(body);
    message
}

/// The value of the `Signature` request header (without the `Signature: `
/// name). The Base64 is percent-encoded because Alipay+ expects `+`, `/` and
/// `=` as `%2B`, `%2F` and `%3D`.
pub fn signature_header(signature_base64: &str, key_version: u32) -> String {
    let signature = utf8_percent_encode(signature_base64, NON_ALPHANUMERIC);
    format!("algorithm={RSA256}, keyVersion={key_version}, signature={signature}")
}

/// A signature algorithm named in a `Signature` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rsa256,
}

/// A parsed `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// Always [`Algorithm::Rsa256`]: anything else is rejected while parsing.
    pub algorithm: Algorithm,
    /// `keyVersion`, which Alipay+ may omit to mean its current key.
    pub key_version: Option<u32>,
    /// The signature, URL-decoded back to standard Base64.
    pub signature_base64: String,
}

/// Parses a `Signature` header value such as
/// `algorithm=RSA256, keyVersion=1, signature=abc%3D`.
///
/// Entries may come in any order, with or without spaces after the commas;
/// unknown entries are ignored for forward compatibility, but a repeated entry
/// is rejected because it would make the signature ambiguous.
pub fn parse_signature_header(value: &str) -> Result<SignatureHeader, SignatureError> {
    let fields = HeaderFields::parse(value)?;
    let algorithm = match fields.algorithm {
        Some(name) if name.eq_ignore_ascii_case(RSA256) => Algorithm::Rsa256,
        Some(name) => return Err(SignatureError::UnsupportedAlgorithm(name.to_owned())),
        None => return Err(SignatureError::MalformedHeader("no algorithm entry")),
    };
    let key_version = fields
        .key_version
        .map(str::parse)
        .transpose()
        .map_err(|_| SignatureError::MalformedHeader("keyVersion is not a number"))?;
    let signature_base64 = percent_decode_str(fields.signature.unwrap_or_default())
        .decode_utf8()
        .map_err(|_| SignatureError::MalformedHeader("signature is not UTF-8"))?
        .into_owned();
    if signature_base64.is_empty() {
        return Err(SignatureError::MissingSignature);
    }
    Ok(SignatureHeader { algorithm, key_version, signature_base64 })
}

/// The raw entries of a `Signature` header this module knows about.
#[derive(Default)]
struct HeaderFields<'a> {
    algorithm: Option<&'a str>,
    key_version: Option<&'a str>,
    signature: Option<&'a str>,
}

impl<'a> HeaderFields<'a> {
    fn parse(value: &'a str) -> Result<Self, SignatureError> {
        let mut fields = Self::default();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, raw) = entry.split_once('=').ok_or(SignatureError::MalformedHeader("entry without '='"))?;
            let slot = match name.trim() {
                "algorithm" => &mut fields.algorithm,
                "keyVersion" => &mut fields.key_version,
                "signature" => &mut fields.signature,
                _ => continue,
            };
            if slot.replace(raw.trim()).is_some() {
                return Err(SignatureError::MalformedHeader("repeated entry"));
            }
        }
        Ok(fields)
    }
}

/// What a private key signs once when it is loaded, to prove it can.
const KEY_PROBE: &[u8] = b"payspec: can this key sign?";

/// A merchant RSA private key for signing requests.
///
/// `Debug` shows no key material, so a key held in a config struct can be
/// logged safely.
pub struct PrivateKey {
    key: RsaKeyPair,
}

impl PrivateKey {
    /// Parses PEM PKCS#8 (`BEGIN PRIVATE KEY`), PEM PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`) or bare Base64 DER, which is tried as PKCS#8
    /// first (what Alipay+ consoles hand out) and then as PKCS#1.
    pub fn from_pem_or_base64(text: &str) -> Result<Self, KeyError> {
        let (label, der) = decode_key_text(text)?;
        let key = match label {
            Some("PRIVATE KEY") => RsaKeyPair::from_pkcs8(&der),
            Some("RSA PRIVATE KEY") => RsaKeyPair::from_der(&der),
            Some(other) => return Err(KeyError::UnsupportedPemLabel(other.to_owned())),
            None => RsaKeyPair::from_pkcs8(&der).or_else(|pkcs8_err| RsaKeyPair::from_der(&der).map_err(|_| pkcs8_err)),
        };
        let key = Self { key: key.map_err(KeyError::Rejected)? };
        // `ring` checks the modulus and exponents when it parses, but not that the CRT parts
        // (`dP`, `dQ`, `qInv`) agree with them; such a key parses, then every signature fails
        // ring's check of its own output. Refuse it here, once, rather than at the first request.
        key.sign(KEY_PROBE).map_err(|_| KeyError::CannotSign)?;
        Ok(key)
    }

    /// Signs `message` (see [`string_to_sign`]) and returns standard, padded
    /// Base64, ready for [`signature_header`].
    pub fn sign(&self, message: &[u8]) -> Result<String, SignError> {
        let mut signature = vec![0; self.key.public().modulus_len()];
        // PKCS#1 v1.5 padding is deterministic; ring only asks for an RNG
        // because the same entry point also serves randomised PSS.
        self.key
            .sign(&ring_sig::RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut signature)
            .map_err(|_| SignError)?;
        Ok(STANDARD.encode(signature))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").finish_non_exhaustive()
    }
}

/// A wallet RSA public key for verifying responses.
#[derive(Clone)]
pub struct PublicKey {
    /// PKCS#1 `RSAPublicKey` DER, the form `ring` verifies with.
    rsa_public_key: Vec<u8>,
}

impl PublicKey {
    /// Parses PEM `SubjectPublicKeyInfo` (`BEGIN PUBLIC KEY`), PEM PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`) or bare Base64 DER, which is tried as SPKI
    /// first (what Alipay+ consoles hand out) and then as PKCS#1.
    pub fn from_pem_or_base64(text: &str) -> Result<Self, KeyError> {
        let (label, der) = decode_key_text(text)?;
        let rsa_public_key = match label {
            Some("PUBLIC KEY") => rsa_public_key_from_spki(&der)?,
            Some("RSA PUBLIC KEY") => check_rsa_public_key(&der)?,
            Some(other) => return Err(KeyError::UnsupportedPemLabel(other.to_owned())),
            None => {
                rsa_public_key_from_spki(&der).or_else(|spki_err| check_rsa_public_key(&der).map_err(|_| spki_err))?
            }
        };
        Ok(Self { rsa_public_key: rsa_public_key.to_vec() })
    }

    /// Checks a standard Base64 RSA256 signature over `message` (see
    /// [`string_to_sign`]).
    pub fn verify(&self, message: &[u8], signature_base64: &str) -> Result<(), SignatureError> {
        let signature = STANDARD.decode(signature_base64).map_err(|_| SignatureError::InvalidBase64)?;
        UnparsedPublicKey::new(&ring_sig::RSA_PKCS1_2048_8192_SHA256, &self.rsa_public_key)
            .verify(message, &signature)
            .map_err(|_| SignatureError::Mismatch)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").finish_non_exhaustive()
    }
}

/// Splits key text into its PEM label (`None` for bare Base64) and DER bytes.
///
/// Text before `-----BEGIN` and after `-----END` is ignored, as RFC 7468
/// allows; only the first PEM block is read.
fn decode_key_text(text: &str) -> Result<(Option<&str>, Vec<u8>), KeyError> {
    let Some((_, after_begin)) = text.split_once("-----BEGIN ") else {
        return Ok((None, decode_base64(text)?));
    };
    let (label, rest) = after_begin.split_once("-----").ok_or(KeyError::MalformedPem)?;
    if label.contains(['\r', '\n']) {
        return Err(KeyError::MalformedPem);
    }
    let end = format!("-----END {label}-----");
    let (body, _) = rest.split_once(&end).ok_or(KeyError::MalformedPem)?;
    Ok((Some(label), decode_base64(body)?))
}

/// Decodes standard Base64, ignoring the line breaks and indentation that
/// PEM bodies and copy-pasted console keys carry.
fn decode_base64(text: &str) -> Result<Vec<u8>, KeyError> {
    let compact: String = text.split_ascii_whitespace().collect();
    STANDARD.decode(compact).map_err(|_| KeyError::InvalidBase64)
}

/// Unwraps `SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }`
/// into the PKCS#1 `RSAPublicKey` inside the BIT STRING.
fn rsa_public_key_from_spki(spki: &[u8]) -> Result<&[u8], KeyError> {
    let mut fields = der::Reader::new(der::read_only(spki, der::SEQUENCE)?);
    let algorithm = fields.read(der::SEQUENCE)?;
    let key_bits = fields.read(der::BIT_STRING)?;
    fields.finish()?;
    check_rsa_algorithm(algorithm)?;
    check_rsa_public_key(der::bit_string_bytes(key_bits)?)
}

/// Checks `AlgorithmIdentifier ::= SEQUENCE { rsaEncryption, NULL }`; the
/// NULL is also accepted when absent, as some encoders omit it.
fn check_rsa_algorithm(algorithm: &[u8]) -> Result<(), KeyError> {
    let mut fields = der::Reader::new(algorithm);
    if fields.read(der::OID)? != RSA_ENCRYPTION_OID {
        return Err(KeyError::NotRsa);
    }
    if !fields.is_empty() && !fields.read(der::NULL)?.is_empty() {
        return Err(DerError::BadNull.into());
    }
    Ok(fields.finish()?)
}

/// Checks `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`
/// and the modulus size, returning the input for use with `ring`.
fn check_rsa_public_key(der: &[u8]) -> Result<&[u8], KeyError> {
    let mut fields = der::Reader::new(der::read_only(der, der::SEQUENCE)?);
    let modulus = der::positive_integer(fields.read(der::INTEGER)?)?;
    der::positive_integer(fields.read(der::INTEGER)?)?;
    fields.finish()?;
    let bits = der::bit_length(modulus);
    if !MODULUS_BITS.contains(&bits) {
        return Err(KeyError::UnsupportedKeySize { bits });
    }
    Ok(der)
}

/// Why a key could not be loaded. Never carries key material.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyError {
    /// `-----BEGIN` without a matching `-----END` line.
    MalformedPem,
    /// A PEM label other than the key types accepted here (for example an
    /// encrypted key or a certificate).
    UnsupportedPemLabel(String),
    /// The key body is not valid standard Base64.
    InvalidBase64,
    /// The public key's DER structure is malformed.
    Der(DerError),
    /// The public key is not an rsaEncryption key.
    NotRsa,
    /// The RSA modulus is outside 2048..=8192 bits.
    UnsupportedKeySize {
        /// The modulus size found.
        bits: usize,
    },
    /// `ring` rejected the private key (wrong type, size or encoding).
    Rejected(KeyRejected),
    /// The private key parses but cannot sign: its parts do not agree with each other.
    CannotSign,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedPem => f.write_str("malformed PEM: no matching END line"),
            Self::UnsupportedPemLabel(label) => write!(f, "unsupported PEM label {label:?}"),
            Self::InvalidBase64 => f.write_str("key is not valid Base64"),
            Self::Der(err) => write!(f, "malformed public key DER: {err}"),
            Self::NotRsa => f.write_str("public key is not an RSA key"),
            Self::UnsupportedKeySize { bits } => {
                write!(f, "RSA modulus of {bits} bits is outside 2048..=8192")
            }
            Self::Rejected(err) => write!(f, "private key rejected: {err}"),
            Self::CannotSign => f.write_str("private key rejected: its parts do not agree, so it cannot sign"),
        }
    }
}

impl Error for KeyError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Der(err) => Some(err),
            // ring implements `Error` for `KeyRejected` only with its `std`
            // feature; its reason is part of our `Display` instead.
            _ => None,
        }
    }
}

impl From<DerError> for KeyError {
    fn from(err: DerError) -> Self {
        Self::Der(err)
    }
}

/// Signing failed inside `ring` (in practice only if the system RNG fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignError;

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RSA signing failed")
    }
}

impl Error for SignError {}

/// Why a `Signature` header or a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The header has no (or an empty) `signature=` entry.
    MissingSignature,
    /// The header names an algorithm other than RSA256.
    UnsupportedAlgorithm(String),
    /// The header is not a list of `name=value` entries as expected.
    MalformedHeader(&'static str),
    /// The signature is not valid standard, padded Base64.
    InvalidBase64,
    /// The signature does not match the message under this public key.
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("Signature header has no signature"),
            Self::UnsupportedAlgorithm(name) => {
                write!(f, "unsupported signature algorithm {name:?}")
            }
            Self::MalformedHeader(why) => write!(f, "malformed Signature header: {why}"),
            Self::InvalidBase64 => f.write_str("signature is not valid Base64"),
            Self::Mismatch => f.write_str("signature does not match"),
        }
    }
}

impl Error for SignatureError {}

/// A minimal DER reader: just enough to unwrap an RSA `SubjectPublicKeyInfo`.
///
/// Input is untrusted, so every read is bounds-checked through `split_*`
/// methods that return `Option` (nothing here can index out of bounds or
/// panic), and only definite, minimal-length DER is accepted.
mod der {
    use std::error::Error;
    use std::fmt;

    pub(super) const INTEGER: u8 = 0x02;
    pub(super) const BIT_STRING: u8 = 0x03;
    pub(super) const NULL: u8 = 0x05;
    pub(super) const OID: u8 = 0x06;
    pub(super) const SEQUENCE: u8 = 0x30;

    /// Lengths this reader accepts: up to four length octets, far beyond any
    /// key, so that a hostile length can neither overflow nor allocate.
    const MAX_LENGTH_OCTETS: usize = 4;

    /// Why DER input was rejected.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum DerError {
        /// The input ends before a tag, length or value does.
        Truncated,
        /// A different tag than the structure requires.
        UnexpectedTag {
            /// The tag required here.
            expected: u8,
            /// The tag found.
            found: u8,
        },
        /// BER indefinite length (`0x80`), which DER forbids.
        IndefiniteLength,
        /// A length field longer than this reader accepts.
        LengthTooLong,
        /// A length not in its shortest form, which DER forbids.
        NonMinimalLength,
        /// Bytes left over after the structure ended.
        TrailingData,
        /// An INTEGER that is empty, negative, zero or not minimal.
        BadInteger,
        /// A BIT STRING that is empty or has unused bits.
        BadBitString,
        /// A NULL with content.
        BadNull,
    }

    impl fmt::Display for DerError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Truncated => f.write_str("input is truncated"),
                Self::UnexpectedTag { expected, found } => {
                    write!(f, "expected tag {expected:#04x}, found {found:#04x}")
                }
                Self::IndefiniteLength => f.write_str("indefinite length is not DER"),
                Self::LengthTooLong => f.write_str("length field is too long"),
                Self::NonMinimalLength => f.write_str("length is not minimally encoded"),
                Self::TrailingData => f.write_str("trailing data"),
                Self::BadInteger => f.write_str("INTEGER is not a positive, minimal integer"),
                Self::BadBitString => f.write_str("BIT STRING is empty or has unused bits"),
                Self::BadNull => f.write_str("NULL has content"),
            }
        }
    }

    impl Error for DerError {}

    /// Reads tag-length-value items from the front of a byte slice.
    pub(super) struct Reader<'a> {
        input: &'a [u8],
    }

    impl<'a> Reader<'a> {
        pub(super) fn new(input: &'a [u8]) -> Self {
            Self { input }
        }

        pub(super) fn is_empty(&self) -> bool {
            self.input.is_empty()
        }

        /// Reads one item with the given single-byte tag and returns its
        /// contents.
        pub(super) fn read(&mut self, expected: u8) -> Result<&'a [u8], DerError> {
            let found = self.byte()?;
            if found != expected {
                return Err(DerError::UnexpectedTag { expected, found });
            }
            let length = self.length()?;
            self.take(length)
        }

        /// Fails unless every byte has been read.
        pub(super) fn finish(&self) -> Result<(), DerError> {
            if self.is_empty() { Ok(()) } else { Err(DerError::TrailingData) }
        }

        fn byte(&mut self) -> Result<u8, DerError> {
            let (&first, rest) = self.input.split_first().ok_or(DerError::Truncated)?;
            self.input = rest;
            Ok(first)
        }

        fn take(&mut self, count: usize) -> Result<&'a [u8], DerError> {
            let (head, rest) = self.input.split_at_checked(count).ok_or(DerError::Truncated)?;
            self.input = rest;
            Ok(head)
        }

        /// Short form (`0..=0x7f`) or long form (`0x80 | n` then `n` octets).
        fn length(&mut self) -> Result<usize, DerError> {
            let first = self.byte()?;
            if first < 0x80 {
                return Ok(usize::from(first));
            }
            let octets = usize::from(first & 0x7f);
            if octets == 0 {
                return Err(DerError::IndefiniteLength);
            }
            if octets > MAX_LENGTH_OCTETS {
                return Err(DerError::LengthTooLong);
            }
            let bytes = self.take(octets)?;
            if bytes.first() == Some(&0) {
                return Err(DerError::NonMinimalLength);
            }
            let length = bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            if length < 0x80 {
                return Err(DerError::NonMinimalLength);
            }
            usize::try_from(length).map_err(|_| DerError::LengthTooLong)
        }
    }

    /// Reads an input that must be exactly one item with the given tag.
    pub(super) fn read_only(input: &[u8], tag: u8) -> Result<&[u8], DerError> {
        let mut reader = Reader::new(input);
        let contents = reader.read(tag)?;
        reader.finish()?;
        Ok(contents)
    }

    /// The magnitude of a positive INTEGER, without its sign octet.
    pub(super) fn positive_integer(contents: &[u8]) -> Result<&[u8], DerError> {
        match contents {
            [first, ..] if first & 0x80 != 0 => Err(DerError::BadInteger),
            [0, rest @ ..] => match rest.first() {
                Some(next) if next & 0x80 != 0 => Ok(rest),
                _ => Err(DerError::BadInteger),
            },
            [_, ..] => Ok(contents),
            [] => Err(DerError::BadInteger),
        }
    }

    /// The number of significant bits in a magnitude from [`positive_integer`].
    pub(super) fn bit_length(magnitude: &[u8]) -> usize {
        match magnitude.split_first() {
            Some((&first, rest)) => rest.len() * 8 + (8 - first.leading_zeros() as usize),
            None => 0,
        }
    }

    /// The bytes of a BIT STRING whose bit count is a multiple of eight.
    pub(super) fn bit_string_bytes(contents: &[u8]) -> Result<&[u8], DerError> {
        match contents.split_first() {
            Some((0, bytes)) => Ok(bytes),
            _ => Err(DerError::BadBitString),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn read_one(input: &[u8], tag: u8) -> Result<&[u8], DerError> {
            read_only(input, tag)
        }

        #[test]
        fn reads_short_and_long_lengths() {
            assert_eq!(read_one(&[SEQUENCE, 0x02, 0xaa, 0xbb], SEQUENCE), Ok(&[0xaa, 0xbb][..]));
            let mut long = vec![SEQUENCE, 0x81, 0x80];
            long.extend([7; 0x80]);
            assert_eq!(read_one(&long, SEQUENCE).map(<[u8]>::len), Ok(0x80));
        }

        #[test]
        fn rejects_empty_input() {
            assert_eq!(read_one(&[], SEQUENCE), Err(DerError::Truncated));
            assert_eq!(Reader::new(&[]).finish(), Ok(()));
        }

        #[test]
        fn rejects_missing_length() {
            assert_eq!(read_one(&[SEQUENCE], SEQUENCE), Err(DerError::Truncated));
        }

        #[test]
        fn rejects_truncated_length_octets() {
            assert_eq!(read_one(&[SEQUENCE, 0x82, 0x01], SEQUENCE), Err(DerError::Truncated));
            assert_eq!(read_one(&[SEQUENCE, 0x84], SEQUENCE), Err(DerError::Truncated));
        }

        #[test]
        fn rejects_length_beyond_input() {
            assert_eq!(read_one(&[SEQUENCE, 0x05, 1, 2], SEQUENCE), Err(DerError::Truncated));
            let huge = [SEQUENCE, 0x84, 0xff, 0xff, 0xff, 0xff, 0];
            assert_eq!(read_one(&huge, SEQUENCE), Err(DerError::Truncated));
        }

        #[test]
        fn rejects_huge_length_fields() {
            let nine = [SEQUENCE, 0x89, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
            assert_eq!(read_one(&nine, SEQUENCE), Err(DerError::LengthTooLong));
            assert_eq!(read_one(&[SEQUENCE, 0xff], SEQUENCE), Err(DerError::LengthTooLong));
            assert_eq!(read_one(&[SEQUENCE, 0x85, 1, 0, 0, 0, 0], SEQUENCE), Err(DerError::LengthTooLong));
        }

        #[test]
        fn rejects_indefinite_and_non_minimal_lengths() {
            assert_eq!(read_one(&[SEQUENCE, 0x80, 0, 0], SEQUENCE), Err(DerError::IndefiniteLength));
            assert_eq!(read_one(&[SEQUENCE, 0x81, 0x01, 0], SEQUENCE), Err(DerError::NonMinimalLength));
            assert_eq!(read_one(&[SEQUENCE, 0x82, 0x00, 0x81], SEQUENCE), Err(DerError::NonMinimalLength));
        }

        #[test]
        fn rejects_wrong_tags() {
            let expected = SEQUENCE;
            for found in [INTEGER, 0x31, 0x1f, 0xff] {
                assert_eq!(read_one(&[found, 0], expected), Err(DerError::UnexpectedTag { expected, found }));
            }
        }

        #[test]
        fn rejects_trailing_data() {
            assert_eq!(read_one(&[NULL, 0, 0], NULL), Err(DerError::TrailingData));
        }

        #[test]
        fn integers_must_be_positive_and_minimal() {
            assert_eq!(positive_integer(&[0x01, 0x00]), Ok(&[0x01, 0x00][..]));
            assert_eq!(positive_integer(&[0x00, 0x80]), Ok(&[0x80][..]));
            for bad in [&[][..], &[0x00], &[0x00, 0x7f], &[0x80], &[0xff, 0x01]] {
                assert_eq!(positive_integer(bad), Err(DerError::BadInteger), "{bad:?}");
            }
        }

        #[test]
        fn bit_lengths() {
            assert_eq!(bit_length(&[]), 0);
            assert_eq!(bit_length(&[0x01]), 1);
            assert_eq!(bit_length(&[0x80, 0x00]), 16);
        }

        #[test]
        fn bit_strings_must_be_whole_octets() {
            assert_eq!(bit_string_bytes(&[0, 1, 2]), Ok(&[1, 2][..]));
            assert_eq!(bit_string_bytes(&[]), Err(DerError::BadBitString));
            assert_eq!(bit_string_bytes(&[3, 0xf8]), Err(DerError::BadBitString));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DER tag-length-value with a minimal length, for building test keys.
    fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let len = contents.len();
        let mut out = vec![tag];
        match u8::try_from(len) {
            Ok(short) if short < 0x80 => out.push(short),
            Ok(byte) => out.extend([0x81, byte]),
            Err(_) => out.extend([0x82, (len >> 8) as u8, len as u8]),
        }
        out.extend_from_slice(contents);
        out
    }

    /// A structurally valid RSA SPKI with a `bits`-bit modulus (not a real key).
    fn spki(bits: usize, oid: &[u8]) -> Vec<u8> {
        let mut modulus = vec![0x00, 0x80];
        modulus.resize(bits / 8 + 1, 0x01);
        let rsa = tlv(der::SEQUENCE, &[tlv(der::INTEGER, &modulus), tlv(der::INTEGER, &[1, 0, 1])].concat());
        let algorithm = tlv(der::SEQUENCE, &[tlv(der::OID, oid), tlv(der::NULL, &[])].concat());
        let key = tlv(der::BIT_STRING, &[&[0][..], &rsa].concat());
        tlv(der::SEQUENCE, &[algorithm, key].concat())
    }

    #[test]
    fn unwraps_a_well_formed_spki() {
        let der = spki(2048, RSA_ENCRYPTION_OID);
        let rsa = rsa_public_key_from_spki(&der).map(<[u8]>::len);
        assert!(matches!(rsa, Ok(270)), "{rsa:?}");
    }

    #[test]
    fn every_truncation_of_an_spki_is_an_error() {
        let der = spki(2048, RSA_ENCRYPTION_OID);
        for end in 0..der.len() {
            assert!(rsa_public_key_from_spki(&der[..end]).is_err(), "prefix of {end} bytes");
        }
    }

    #[test]
    fn every_single_byte_corruption_is_handled_without_panic() {
        let der = spki(2048, RSA_ENCRYPTION_OID);
        for i in 0..der.len() {
            for value in [0x00, 0x7f, 0x80, 0xff] {
                let mut bad = der.clone();
                bad[i] = value;
                let _ = rsa_public_key_from_spki(&bad);
            }
        }
    }

    #[test]
    fn rejects_non_rsa_algorithms() {
        let ec_public_key = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        assert!(matches!(rsa_public_key_from_spki(&spki(2048, &ec_public_key)), Err(KeyError::NotRsa)));
    }

    #[test]
    fn rejects_small_and_huge_moduli() {
        for bits in [1024, 16384] {
            assert!(matches!(
                rsa_public_key_from_spki(&spki(bits, RSA_ENCRYPTION_OID)),
                Err(KeyError::UnsupportedKeySize { bits: b }) if b == bits
            ));
        }
    }

    #[test]
    fn header_parsing_is_strict_about_ambiguity() {
        let twice = "algorithm=RSA256, signature=AAAA, signature=BBBB";
        assert_eq!(parse_signature_header(twice), Err(SignatureError::MalformedHeader("repeated entry")));
        assert_eq!(
            parse_signature_header("signature=AAAA"),
            Err(SignatureError::MalformedHeader("no algorithm entry"))
        );
        assert_eq!(
            parse_signature_header("algorithm=RSA256,keyVersion=x,signature=AAAA"),
            Err(SignatureError::MalformedHeader("keyVersion is not a number"))
        );
        assert_eq!(
            parse_signature_header("algorithm=RSA256,garbage"),
            Err(SignatureError::MalformedHeader("entry without '='"))
        );
    }
}
