//! Support for the tests the generator emits from a spec's documented `examples` (like Smithy's
//! protocol tests): a documented request decodes into its generated type, passes the validator and
//! serializes back to the same JSON; a documented response goes through the provider's envelope
//! decoding and its payload re-encodes to the same JSON; a documented error answer maps to its typed
//! error variant. Every function panics with a message naming the example: they are test assertions.
//!
//! JSON is compared exactly: object members in any order, numbers by their decimal value written out
//! in full (`1000`, `1000.0` and `1e3` are equal; 19-digit ids and long decimals are never rounded
//! through `f64`), strings after unescaping.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::ErrorCode;
use crate::Validate;
use crate::client::handler::Call;
use crate::client::{ErrorKind, Operation, Reply};
use crate::protocol::DecodeEnvelope;

/// One documented example's JSON, with where re-encoding is known to differ from it.
#[derive(Debug, Clone, Copy)]
pub struct Documented<'a> {
    /// `operation/example (request)`: what failure messages call it.
    pub name: &'a str,
    /// The JSON exactly as the provider documents it.
    pub json: &'a str,
    /// Paths (`info.transactionId`, `packages[0].amount`) where the re-encoded JSON knowingly differs
    /// from the documented one; the spec gives the reason. Each must still differ, so that a list
    /// that has become stale fails too.
    pub known_differences: &'a [&'a str],
}

/// A documented path parameter, decoded as the type the path function takes (a constrained id refuses
/// a value that breaks its rules).
pub fn path_param<T: DeserializeOwned>(name: &str, value: &str) -> T {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .unwrap_or_else(|e| panic!("{name}: the path parameter {value:?} does not decode: {e}"))
}

/// A documented request body or query: decodes into `T`, passes the validator, and serializes to the
/// same JSON.
pub fn request_round_trips<T: DeserializeOwned + Serialize + Validate>(example: Documented<'_>) {
    let value: T = decode(example.name, example.json);
    if let Err(e) = value.validate() {
        panic!("{}: the documented request breaks the spec's rules: {e}", example.name);
    }
    compare(example, example.json, &encode(example.name, &value), &[]);
}

/// A documented request that the spec knowingly does not accept: it must not decode into `T`.
/// Returns the decoding error, which the test prints.
pub fn request_is_refused<T: DeserializeOwned + Validate>(name: &str, json: &str) -> String {
    match serde_json::from_str::<T>(json) {
        Err(e) => e.to_string(),
        Ok(value) => match value.validate() {
            Err(e) => e.to_string(),
            Ok(()) => panic!("{name}: expected to be refused, but it decodes and validates; update the spec"),
        },
    }
}

/// A documented answer to `operation`: the envelope accepts it as an answer, and its payload decodes
/// into `R` and re-encodes to the same JSON (an Alipay+ body without its `result`).
pub fn response_round_trips<E: DecodeEnvelope, R: DeserializeOwned + Serialize + Send + Sync + 'static>(
    envelope: &E,
    operation: &Operation,
    status: u16,
    example: Documented<'_>,
) {
    let (payload, value) = answer::<E, R>(envelope, operation, status, example.name, example.json);
    let value = value.unwrap_or_else(|e| panic!("{}: the payload does not decode: {e}", example.name));
    compare(example, &payload, &encode(example.name, &value), envelope.envelope_members_in_payload());
}

/// A documented answer to an operation without a response type: the envelope accepts it as an answer.
pub fn response_answers<E: DecodeEnvelope>(envelope: &E, operation: &Operation, status: u16, name: &str, json: &str) {
    if let Err(e) = envelope.decode(&call(operation), status, json) {
        panic!("{name}: the envelope does not accept the documented answer: {e:?}");
    }
}

/// A documented answer that the spec knowingly does not accept: the envelope takes it as an answer,
/// but its payload does not decode into `R`. Returns the decoding error.
pub fn response_is_refused<E: DecodeEnvelope, R: DeserializeOwned + Send + Sync + 'static>(
    envelope: &E,
    operation: &Operation,
    status: u16,
    name: &str,
    json: &str,
) -> String {
    match answer::<E, R>(envelope, operation, status, name, json).1 {
        Err(e) => e,
        Ok(_) => panic!("{name}: expected to be refused, but it decodes; update the spec"),
    }
}

/// A documented error answer: the envelope reports the provider error `code`, and the operation's
/// error enum `E` has a variant of its own for it.
pub fn error_maps_to<V: DecodeEnvelope, E: ErrorCode>(
    envelope: &V,
    operation: &Operation,
    status: u16,
    name: &str,
    json: &str,
    code: &str,
) {
    match envelope.decode(&call(operation), status, json) {
        Err(ErrorKind::Provider(e)) => {
            assert_eq!(e.code, code, "{name}: the envelope reads another code");
            let typed = E::from_code(&e.code);
            assert_eq!(typed.code(), code, "{name}: the typed error carries another code");
            assert!(typed.description().is_some(), "{name}: `{code}` is not a variant of the error enum");
        }
        Err(other) => panic!("{name}: expected the provider error {code}, got {other:?}"),
        Ok(reply) => panic!("{name}: expected the provider error {code}, got an answer with code {:?}", reply.code),
    }
}

/// What the client does with an answer: the envelope, then the response type (decoded in the same
/// pass where the envelope allows it). Returns the payload's JSON text and the decoded value.
fn answer<E: DecodeEnvelope, R: DeserializeOwned + Send + Sync + 'static>(
    envelope: &E,
    operation: &Operation,
    status: u16,
    name: &str,
    json: &str,
) -> (String, Result<R, String>) {
    let mut reply: Reply = match envelope.decode_typed::<R>(&call(operation), status, json.to_owned()) {
        Ok(reply) => reply,
        Err(e) => panic!("{name}: the envelope does not accept the documented answer: {e:?}"),
    };
    let payload = reply.payload().get().to_owned();
    let value = match reply.take_typed::<R>() {
        Some(value) => Ok(value),
        None => serde_json::from_str::<R>(&payload).map_err(|e| e.to_string()),
    };
    (payload, value)
}

fn call(op: &Operation) -> Call {
    Call {
        operation: op.name,
        method: op.method.clone(),
        path: op.path_template.to_owned(),
        path_template: op.path_template,
        secret_path_params: op.secret_path_params,
        query: String::new(),
        body: None,
        timeout: Duration::ZERO,
        idempotent: op.idempotent,
        idempotency_key: op.idempotency_key,
        effect: op.effect,
        extra_success_codes: op.extra_success_codes,
        classify: op.classify,
    }
}

fn decode<T: DeserializeOwned>(name: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}: does not decode: {e}"))
}

fn encode<T: Serialize>(name: &str, value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| panic!("{name}: does not encode: {e}"))
}

/// Compares the documented JSON with the re-encoded one; `skip` are top-level members of the
/// documented JSON that the re-encoded value does not carry (Alipay+'s `result`, read by the envelope).
fn compare(example: Documented<'_>, documented: &str, encoded: &str, skip: &[&str]) {
    let mut expected = exact(documented).unwrap_or_else(|e| panic!("{}: the documented JSON: {e}", example.name));
    if let Exact::Object(members) = &mut expected {
        for member in skip {
            members.remove(*member);
        }
    }
    let actual = exact(encoded).unwrap_or_else(|e| panic!("{}: the encoded JSON: {e}", example.name));
    let differences = differences(&expected, &actual);
    let unexpected: Vec<&Difference> =
        differences.iter().filter(|d| !example.known_differences.contains(&d.path.as_str())).collect();
    let stale: Vec<&&str> =
        example.known_differences.iter().filter(|k| !differences.iter().any(|d| d.path == **k)).collect();
    if !unexpected.is_empty() || !stale.is_empty() {
        let list = |ds: &[&Difference]| ds.iter().map(|d| format!("\n  {d}")).collect::<String>();
        panic!(
            "{}: the re-encoded JSON differs from the documented one:{}{}\nre-encoded: {encoded}",
            example.name,
            list(&unexpected),
            stale.iter().map(|k| format!("\n  {k}: listed as a known difference, but is the same")).collect::<String>()
        );
    }
}

/// JSON with numbers kept exactly and object members unordered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Exact {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Exact>),
    Object(BTreeMap<String, Exact>),
}

/// A JSON number: its text as written, and its value as `digits × 10^exponent` with no trailing
/// zeros in `digits` (zero is `0 × 10^0`, never negative), by which two spellings of one value are equal.
#[derive(Debug, Clone)]
struct Number {
    text: String,
    value: (bool, String, i64),
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.value == other.value
    }
}

impl Eq for Number {}

impl Number {
    /// Reads JSON number text (already checked by serde_json's parser).
    fn parse(text: &str) -> Option<Number> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].trim_start_matches('+').parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut digits: String = format!("{int}{frac}").trim_start_matches('0').to_owned();
        let mut exponent = exponent.checked_sub(i64::try_from(frac.len()).ok()?)?;
        while digits.ends_with('0') {
            digits.pop();
            exponent = exponent.checked_add(1)?;
        }
        let value = if digits.is_empty() { (false, "0".to_owned(), 0) } else { (negative, digits, exponent) };
        Some(Number { text: text.to_owned(), value })
    }
}

/// Parses JSON text into [`Exact`], each value first as raw text so that numbers keep their digits.
fn exact(text: &str) -> Result<Exact, String> {
    let raw: Box<RawValue> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    exact_raw(&raw)
}

fn exact_raw(raw: &RawValue) -> Result<Exact, String> {
    let text = raw.get();
    let parse_err = |e: serde_json::Error| e.to_string();
    Ok(match text.as_bytes().first() {
        Some(b'{') => {
            let members: Vec<(String, Box<RawValue>)> = serde_json::from_str::<Members>(text).map_err(parse_err)?.0;
            let mut out = BTreeMap::new();
            for (key, value) in members {
                let value = exact_raw(&value)?;
                if out.insert(key.clone(), value).is_some() {
                    return Err(format!("the member `{key}` appears twice"));
                }
            }
            Exact::Object(out)
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).map_err(parse_err)?;
            Exact::Array(items.iter().map(|i| exact_raw(i)).collect::<Result<_, _>>()?)
        }
        Some(b'"') => Exact::String(serde_json::from_str(text).map_err(parse_err)?),
        Some(b't') => Exact::Bool(true),
        Some(b'f') => Exact::Bool(false),
        Some(b'n') => Exact::Null,
        _ => Exact::Number(Number::parse(text).ok_or_else(|| format!("the number {text} is out of range"))?),
    })
}

/// An object's members in document order, duplicates kept (a map would drop them silently).
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> serde::Deserialize<'de> for Members {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Box<RawValue>>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Where and how the re-encoded JSON differs from the documented one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Difference {
    path: String,
    documented: String,
    encoded: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "(the whole value)" } else { &self.path };
        write!(f, "{path}: documented {}, re-encoded {}", self.documented, self.encoded)
    }
}

fn differences(expected: &Exact, actual: &Exact) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at(String::new(), Some(expected), Some(actual), &mut out);
    out
}

fn diff_at(path: String, expected: Option<&Exact>, actual: Option<&Exact>, out: &mut Vec<Difference>) {
    let member = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match (expected, actual) {
        (Some(Exact::Object(e)), Some(Exact::Object(a))) => {
            let keys: std::collections::BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                diff_at(member(key), e.get(key), a.get(key), out);
            }
        }
        (Some(Exact::Array(e)), Some(Exact::Array(a))) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                diff_at(format!("{path}[{i}]"), Some(e), Some(a), out);
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(Difference { path, documented: shown(e), encoded: shown(a) }),
    }
}

fn shown(value: Option<&Exact>) -> String {
    match value {
        None => "nothing".into(),
        Some(Exact::Null) => "null".into(),
        Some(Exact::Bool(b)) => b.to_string(),
        Some(Exact::Number(n)) => format!("the number {}", n.text),
        Some(Exact::String(s)) => format!("the string {s:?}"),
        Some(Exact::Array(items)) => format!("a list of {}", items.len()),
        Some(Exact::Object(_)) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(a: &str, b: &str) -> Vec<String> {
        differences(&exact(a).unwrap(), &exact(b).unwrap()).iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn member_order_and_number_spelling_do_not_matter() {
        assert!(diff(r#"{"a":1000,"b":[1,2]}"#, r#"{"b":[1,2],"a":1e3}"#).is_empty());
        assert!(diff("[0.50, -0, 12.0]", "[5e-1, 0, 12]").is_empty());
    }

    #[test]
    fn long_ids_and_decimals_compare_digit_for_digit() {
        // Both ids are the same f64; their digits differ.
        assert_eq!(
            diff(r#"{"id":2021121300698360310}"#, r#"{"id":2021121300698360311}"#),
            ["id: documented the number 2021121300698360310, re-encoded the number 2021121300698360311"]
        );
        assert_eq!(
            diff("[0.30000000000000001]", "[0.3]"),
            ["[0]: documented the number 0.30000000000000001, re-encoded the number 0.3"]
        );
        assert_eq!(
            diff(r#"{"id":"2021121300698360310"}"#, r#"{"id":2021121300698360310}"#),
            ["id: documented the string \"2021121300698360310\", re-encoded the number 2021121300698360310"]
        );
    }

    #[test]
    fn reports_missing_extra_and_nested_members_by_path() {
        assert_eq!(
            diff(r#"{"a":{"b":[{"c":null}]},"x":1}"#, r#"{"a":{"b":[{}]},"y":"1"}"#),
            [
                "a.b[0].c: documented null, re-encoded nothing",
                "x: documented the number 1, re-encoded nothing",
                "y: documented nothing, re-encoded the string \"1\"",
            ]
        );
        assert_eq!(diff("[1,2]", "[1]"), ["(the whole value): documented a list of 2, re-encoded a list of 1"]);
    }

    #[test]
    fn duplicate_members_are_an_error_not_a_silent_choice() {
        assert_eq!(exact(r#"{"a":1,"a":2}"#), Err("the member `a` appears twice".into()));
    }

    #[test]
    fn known_differences_must_all_still_differ() {
        let example = Documented { name: "op/ex", json: r#"{"a":"1"}"#, known_differences: &["a"] };
        compare(example, example.json, r#"{"a":1}"#, &[]);
        let stale = std::panic::catch_unwind(|| compare(example, example.json, r#"{"a":"1"}"#, &[]));
        assert!(stale.is_err(), "a known difference that no longer differs fails");
        let other = std::panic::catch_unwind(|| compare(example, example.json, r#"{"a":1,"b":2}"#, &[]));
        assert!(other.is_err(), "a difference not listed fails");
    }
}
