//! The specs as OpenAPI 3.1 documents, one per provider (`cargo xtask openapi` writes them to
//! `openapi/<provider>.json`). Read from the resolved [`Model`] only, like the emitter, so the export
//! says exactly what the generated crate does: the same operations, fields, required flags, limits,
//! enum values and codes.
//!
//! What JSON Schema cannot say is kept in `x-payspec-*` extensions: byte limits (`x-payspec-maxBytes`),
//! the sum rules, the meaning of enum values, each operation's money effect (`x-payspec-effect`) and its
//! codes with their facts. Envelopes are
//! spelled out per operation: LINE Pay's `{returnCode, returnMessage, info}` and Alipay+'s `result`
//! wrap the operation's response type; an http_status provider answers the operation's
//! `success_status` with the response type and each documented error status with its error body.
//! Output is deterministic: keys are sorted, and the text ends with a newline.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::emit::GeneratedFile;
use crate::model::{
    Acknowledgement, Auth, Charset, Code, Constraint, Envelope, Field, Limits, Model, Notification, NotificationAuth,
    Number, Numeral, Operation, Payload, Primitive, Provider, Scope, TypeDef, TypeKind, TypeRef,
};

/// The OpenAPI version written.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// One `<provider>.json` per provider, in provider order.
pub fn generate(model: &Model) -> Vec<GeneratedFile> {
    model
        .providers
        .iter()
        .map(|p| {
            let text = serde_json::to_string_pretty(&document(p)).unwrap_or_default();
            GeneratedFile { path: format!("{}.json", p.name), contents: format!("{text}\n") }
        })
        .collect()
}

/// The OpenAPI document of one provider.
pub fn document(p: &Provider) -> Value {
    let names = SchemaNames::new(p);
    let mut doc = Map::new();
    doc.insert("openapi".into(), OPENAPI_VERSION.into());
    let mut info = json!({
        "title": p.title,
        "version": "payspec",
        "x-payspec-sources": p.sources,
    });
    let mut description = p.description.clone().unwrap_or_default();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str(
        "Exported by payspec from its transcription of the provider's pages (`cargo xtask openapi`); \
         enums are open: a value not listed here may still come back.",
    );
    info["description"] = description.into();
    doc.insert("info".into(), info);
    if !p.base_urls.is_empty() {
        let servers: Vec<Value> =
            p.base_urls.iter().map(|b| json!({"url": b.url, "description": b.environment})).collect();
        doc.insert("servers".into(), servers.into());
    }
    let (schemes, security) = security(p.auth);
    doc.insert("security".into(), security);

    let mut paths = Map::new();
    for op in &p.operations {
        let entry = paths.entry(op.path.clone()).or_insert_with(|| Value::Object(Map::new()));
        entry[op.method.as_str().to_ascii_lowercase()] = operation(p, op, &names);
    }
    doc.insert("paths".into(), paths.into());
    if !p.notifications.is_empty() {
        let webhooks: Map<String, Value> = p
            .notifications
            .iter()
            .map(|n| (n.name.clone(), json!({ n.method.as_str().to_ascii_lowercase(): notification(n, &names) })))
            .collect();
        doc.insert("webhooks".into(), webhooks.into());
    }

    let mut schemas = Map::new();
    for t in &p.types {
        schemas.insert(names.name(None, &t.name), type_def(t, None, &names));
    }
    for op in &p.operations {
        for t in &op.types {
            schemas.insert(names.name(Some(&op.name), &t.name), type_def(t, Some(&op.name), &names));
        }
    }
    if matches!(p.envelope, Envelope::AlipayPlus) {
        schemas.insert("Result".into(), alipay_result());
    }
    doc.insert("components".into(), json!({"schemas": schemas, "securitySchemes": schemes}));
    Value::Object(doc)
}

/// Schema names: a provider type keeps its name; an operation's type too, unless another operation
/// (or the provider) has a type of the same name, and then it is `UpperCamel(operation).Name`.
struct SchemaNames {
    ambiguous: BTreeSet<String>,
}

impl SchemaNames {
    fn new(p: &Provider) -> Self {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for t in p.types.iter().chain(p.operations.iter().flat_map(|o| &o.types)) {
            *seen.entry(&t.name).or_default() += 1;
        }
        if matches!(p.envelope, Envelope::AlipayPlus) {
            *seen.entry("Result").or_default() += 1;
        }
        SchemaNames { ambiguous: seen.into_iter().filter(|(_, n)| *n > 1).map(|(k, _)| k.to_owned()).collect() }
    }

    fn name(&self, operation: Option<&str>, name: &str) -> String {
        match operation {
            Some(op) if self.ambiguous.contains(name) => format!("{}.{name}", upper_camel(op)),
            _ => name.to_owned(),
        }
    }

    /// The `$ref` of a named type seen from `operation` (None: a provider type refers to it).
    fn reference(&self, operation: Option<&str>, name: &str, scope: Scope) -> Value {
        let op = if scope == Scope::Operation { operation } else { None };
        json!({"$ref": format!("#/components/schemas/{}", self.name(op, name))})
    }
}

fn upper_camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

fn lower_camel(snake: &str) -> String {
    let upper = upper_camel(snake);
    let mut c = upper.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

fn security(auth: Auth) -> (Value, Value) {
    let header = |name: &str, description: &str| json!({"type": "apiKey", "in": "header", "name": name, "description": description});
    match auth {
        Auth::LinePayHmacSha256 => (
            json!({
                "channelId": header("X-LINE-ChannelId", "The channel id."),
                "nonce": header("X-LINE-Authorization-Nonce", "A fresh nonce (a UUID) for every request."),
                "signature": header(
                    "X-LINE-Authorization",
                    "Base64(HMAC-SHA256(key = channel secret, channel secret + path + body (or query string for GET) + nonce)).",
                ),
            }),
            json!([{"channelId": [], "nonce": [], "signature": []}]),
        ),
        Auth::AlipayPlusRsa256 => (
            json!({
                "clientId": header("Client-Id", "The client id the wallet assigned."),
                "signature": header(
                    "Signature",
                    "algorithm=RSA256, keyVersion=N, signature=<URL-encoded Base64 of RSA PKCS#1 v1.5 SHA-256 over \
                     `<METHOD> <path>\\n<Client-Id>.<Request-Time>.<body>`>. Responses are signed the same way with \
                     the wallet's key over Response-Time.",
                ),
            }),
            json!([{"clientId": [], "signature": []}]),
        ),
        Auth::ElepaySecretKey => (
            json!({
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "The secret key as a Bearer token."},
                "basicAuth": {"type": "http", "scheme": "basic", "description": "The secret key as the user name, empty password."},
            }),
            json!([{"bearerAuth": []}, {"basicAuth": []}]),
        ),
    }
}

fn operation(p: &Provider, op: &Operation, names: &SchemaNames) -> Value {
    let mut out = Map::new();
    out.insert("operationId".into(), lower_camel(&op.name).into());
    out.insert("summary".into(), op.summary.clone().into());
    if let Some(d) = &op.description {
        out.insert("description".into(), d.clone().into());
    }
    out.insert("x-payspec-operation".into(), op.name.clone().into());
    out.insert("x-payspec-sources".into(), op.sources.clone().into());
    out.insert("x-payspec-idempotent".into(), op.idempotent.into());
    if let Some(effect) = op.effect {
        out.insert("x-payspec-effect".into(), effect.as_str().into());
    }
    if let Some(t) = op.timeout_seconds {
        out.insert("x-payspec-timeoutSeconds".into(), t.into());
    }
    let mut parameters = Vec::new();
    for f in &op.path_params {
        parameters.push(parameter(f, "path", &op.name, names));
    }
    for f in &op.query {
        parameters.push(parameter(f, "query", &op.name, names));
    }
    if !op.query_constraints.is_empty() {
        out.insert("x-payspec-queryConstraints".into(), constraints_extension(&op.query_constraints, &op.query));
    }
    if matches!(p.auth, Auth::AlipayPlusRsa256) {
        parameters.push(json!({
            "name": "Request-Time", "in": "header", "required": true,
            "description": "When the request was sent (ISO 8601 with offset); part of the signed message.",
            "schema": {"type": "string"},
        }));
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), parameters.into());
    }
    if let Some(r) = &op.request {
        out.insert(
            "requestBody".into(),
            json!({"required": true, "content": {"application/json": {"schema": type_ref(r, Some(&op.name), names)}}}),
        );
    }
    out.insert("responses".into(), responses(p, op, names));
    Value::Object(out)
}

/// An inbound call as an OpenAPI 3.1 webhook; what payspec adds (auth, acknowledgement, key, triggers,
/// events) is in `x-payspec-notification`.
fn notification(n: &Notification, names: &SchemaNames) -> Value {
    let mut out = Map::new();
    out.insert("operationId".into(), lower_camel(&n.name).into());
    out.insert("summary".into(), n.summary.clone().into());
    if let Some(d) = &n.description {
        out.insert("description".into(), d.clone().into());
    }
    let mut parameters = Vec::new();
    if n.auth == NotificationAuth::AlipayPlusRsa256 {
        for (name, description) in [
            ("Client-Id", "The merchant's client id."),
            (
                "Request-Time",
                "When the wallet sent the notification (ISO 8601 with offset); part of the signed message.",
            ),
            (
                "Signature",
                "algorithm=RSA256, keyVersion=N, signature=<URL-encoded Base64>, made with the wallet's key over `POST <path>\\n<Client-Id>.<Request-Time>.<body>`.",
            ),
        ] {
            parameters.push(json!({"name": name, "in": "header", "required": true, "description": description, "schema": {"type": "string"}}));
        }
    }
    match &n.payload {
        Payload::Query(fields) => parameters.extend(fields.iter().map(|f| parameter(f, "query", &n.name, names))),
        Payload::Body(t) => {
            out.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": type_ref(t, None, names)}}}),
            );
        }
    }
    if !parameters.is_empty() {
        out.insert("parameters".into(), parameters.into());
    }
    let ack = match n.acknowledgement {
        Acknowledgement::AlipayPlusResult => json!({
            "description": "The acknowledgement, signed with the merchant's key (Client-Id, Response-Time, Signature headers); sent for every notification, duplicates included.",
            "content": {"application/json": {"schema": {
                "type": "object", "required": ["result"],
                "properties": {"result": {"$ref": "#/components/schemas/Result"}},
            }}},
        }),
        Acknowledgement::HttpOk => json!({"description": "The acknowledgement: an empty body."}),
        Acknowledgement::None => {
            json!({"description": "The provider reads no answer; the merchant shows its own page."})
        }
    };
    out.insert("responses".into(), json!({"200": ack}));
    let mut ext = json!({
        "auth": n.auth.spec_name(),
        "acknowledgement": n.acknowledgement.spec_name(),
        "key": n.key.iter().map(|k| k.wire_path.join(".")).collect::<Vec<_>>(),
        "triggeredBy": n.triggers.iter().map(|t| json!({"operation": t.operation, "field": t.field.join(".")})).collect::<Vec<_>>(),
    });
    if let Some(e) = &n.events {
        ext["events"] = json!({
            "discriminator": e.discriminator.wire_name,
            "object": e.object.wire_name,
            "values": e.values.iter().map(|v| {
                let mut value = json!({"type": v.value, "description": v.description});
                if let Some(t) = &v.object {
                    value["object"] = type_ref(t, None, names);
                }
                if let Some(f) = &v.follow_up {
                    value["followUp"] = f.operation.clone().into();
                }
                value
            }).collect::<Vec<_>>(),
        });
    }
    if let Some(f) = &n.follow_up {
        ext["followUp"] = f.operation.clone().into();
    }
    out.insert("x-payspec-notification".into(), ext);
    Value::Object(out)
}

fn parameter(f: &Field, place: &str, op: &str, names: &SchemaNames) -> Value {
    let mut param = json!({
        "name": f.wire_name,
        "in": place,
        "required": place == "path" || f.required,
        "schema": field_schema(f, Some(op), names, false),
    });
    if let Some(d) = &f.description {
        param["description"] = d.clone().into();
    }
    if f.secret {
        param["x-payspec-secret"] = true.into();
    }
    if f.ty.is_container() {
        // A list is sent once per value: `id=1&id=2`.
        param["style"] = "form".into();
        param["explode"] = true.into();
    }
    param
}

fn codes_extension(codes: &[Code]) -> Value {
    codes
        .iter()
        .map(|c| {
            let mut v = json!({"code": c.code, "name": c.variant, "description": c.description});
            if c.retryable {
                v["retryable"] = true.into();
            }
            if c.outcome_unknown {
                v["outcomeUnknown"] = true.into();
            }
            if let Some(s) = c.http_status {
                v["httpStatus"] = s.into();
            }
            if let Some(cat) = &c.category {
                v["category"] = cat.name.clone().into();
            }
            if let Some(status) = c.result_status {
                v["resultStatus"] = status.spec_name().into();
            }
            if !c.classifications.is_empty() {
                v["classifications"] = c.classifications.clone().into();
            }
            v
        })
        .collect::<Vec<_>>()
        .into()
}

/// Rules across fields, in the spec's own words: `{atLeastOneOf}` or `{require, when, equals}`.
fn constraints_extension(constraints: &[Constraint], fields: &[Field]) -> Value {
    constraints
        .iter()
        .map(|c| match c {
            Constraint::AtLeastOne { fields: any, .. } => {
                json!({"atLeastOneOf": any.iter().map(|i| fields[*i].wire_name.clone()).collect::<Vec<_>>()})
            }
            Constraint::RequiredWhen { field, when, equals, .. } => {
                json!({"require": fields[*field].wire_name, "when": fields[*when].wire_name, "equals": equals})
            }
        })
        .collect::<Vec<_>>()
        .into()
}

fn json_body(schema: Value, description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn responses(p: &Provider, op: &Operation, names: &SchemaNames) -> Value {
    let response = op.response.as_ref().map(|r| type_ref(r, Some(&op.name), names));
    let codes = codes_extension(&op.codes);
    match &p.envelope {
        Envelope::LinePay { success_codes } => {
            let mut success: Vec<&str> = success_codes.iter().map(String::as_str).collect();
            success.extend(op.success_codes.iter().map(|s| s.code.as_str()));
            let all: Vec<&str> = success.iter().copied().chain(op.codes.iter().map(|c| c.code.as_str())).collect();
            let mut properties = json!({
                "returnCode": {
                    "type": "string",
                    "description": format!(
                        "Success: {}. Every other code is an error (x-payspec-codes lists the documented ones).",
                        success.join(", ")
                    ),
                    "examples": all,
                },
                "returnMessage": {"type": "string", "description": "A text for people; the code is what counts."},
            });
            if let Some(info) = response {
                properties["info"] = with_description(info, "The operation's answer; present on success.");
            }
            let mut body =
                json!({"type": "object", "required": ["returnCode", "returnMessage"], "properties": properties});
            if !op.success_codes.is_empty() {
                body["x-payspec-successCodes"] = op
                    .success_codes
                    .iter()
                    .map(|s| json!({"code": s.code, "name": s.variant, "description": s.description}))
                    .collect::<Vec<_>>()
                    .into();
            }
            let mut ok = json_body(body, "Every answer, success or error: returnCode says which.");
            ok["x-payspec-codes"] = codes;
            json!({"200": ok})
        }
        Envelope::AlipayPlus => {
            let result = json!({"$ref": "#/components/schemas/Result"});
            let wrapper = json!({"type": "object", "required": ["result"], "properties": {"result": result}});
            let body = match response {
                Some(r) => json!({"allOf": [wrapper, r]}),
                None => wrapper,
            };
            let mut ok = json_body(
                body,
                "Every answer: result.resultStatus S is success, A accepted (the merchant must continue; \
                 x-payspec-successCodes), F a final failure, U an unknown outcome. Signed by the wallet \
                 (Signature, Client-Id and Response-Time headers).",
            );
            ok["x-payspec-codes"] = codes;
            if !op.success_codes.is_empty() {
                ok["x-payspec-successCodes"] = op
                    .success_codes
                    .iter()
                    .map(|s| {
                        let status = s.result_status.map(|r| r.spec_name());
                        json!({"code": s.code, "name": s.variant, "resultStatus": status, "description": s.description})
                    })
                    .collect::<Vec<_>>()
                    .into();
            }
            json!({"200": ok})
        }
        Envelope::HttpStatus { error_body, .. } => {
            let mut out = Map::new();
            let success = match response {
                Some(r) => json_body(r, "Success: the object."),
                None => json!({"description": "Success."}),
            };
            out.insert(op.success_status.to_string(), success);
            let mut by_status: BTreeMap<String, Vec<Code>> = BTreeMap::new();
            for c in &op.codes {
                let key = c.http_status.map_or_else(|| "default".to_owned(), |s| s.to_string());
                by_status.entry(key).or_default().push(c.clone());
            }
            let error = names.reference(None, error_body, Scope::Provider);
            for (status, codes) in by_status {
                let mut r = json_body(error.clone(), "An error: the body's code field names it (x-payspec-codes).");
                r["x-payspec-codes"] = codes_extension(&codes);
                out.insert(status, r);
            }
            Value::Object(out)
        }
    }
}

fn alipay_result() -> Value {
    json!({
        "type": "object",
        "description": "How an Alipay+ call ended.",
        "required": ["resultCode", "resultStatus"],
        "properties": {
            "resultCode": {"type": "string", "description": "The result code (x-payspec-codes of each operation)."},
            "resultStatus": {
                "type": "string",
                "enum": ["S", "A", "F", "U"],
                "description": "S: success; A: accepted, the merchant must continue (pay's cashier page); F: final failure; U: unknown outcome (look it up, or resend with the same request id).",
            },
            "resultMessage": {"type": "string", "description": "A text for people."},
        },
    })
}

fn with_description(mut schema: Value, description: &str) -> Value {
    if let Value::Object(m) = &mut schema {
        m.entry("description").or_insert_with(|| description.into());
    }
    schema
}

fn type_def(t: &TypeDef, op: Option<&str>, names: &SchemaNames) -> Value {
    let mut out = match &t.kind {
        TypeKind::String { limits, wire_number } => {
            let mut s = if *wire_number {
                json!({"type": "integer", "x-payspec-wire": "number"})
            } else {
                json!({"type": "string"})
            };
            string_limits(&mut s, limits, *wire_number);
            s
        }
        TypeKind::Enum(values) => {
            let descriptions: Map<String, Value> =
                values.iter().map(|v| (v.value.clone(), v.description.clone().into())).collect();
            let mut s = json!({
                "type": "string",
                "enum": values.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                "x-payspec-enumDescriptions": descriptions,
            });
            let minor: Map<String, Value> =
                values.iter().filter_map(|v| Some((v.value.clone(), v.minor_units?.into()))).collect();
            if !minor.is_empty() {
                s["x-payspec-minorUnits"] = minor.into();
            }
            s
        }
        TypeKind::Struct(fields) => {
            let properties: Map<String, Value> = fields
                .iter()
                .map(|f| {
                    let mut schema = field_schema(f, op, names, true);
                    if let Some(other) = f.minor_units_from.and_then(|i| fields.get(i)) {
                        // At most as many fractional digits as that currency's minor units.
                        schema["x-payspec-minorUnitsFrom"] = other.wire_name.clone().into();
                    }
                    (f.wire_name.clone(), schema)
                })
                .collect();
            let mut s = json!({"type": "object", "properties": properties});
            let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.wire_name.as_str()).collect();
            if !required.is_empty() {
                s["required"] = required.into();
            }
            if !t.sums.is_empty() {
                s["x-payspec-sums"] = t
                    .sums
                    .iter()
                    .map(|r| {
                        let terms: Vec<Value> = r
                            .terms
                            .iter()
                            .map(|t| {
                                json!({
                                    "over": t.over.wire_name,
                                    "of": t.of.iter().map(|f| f.wire_name.clone()).collect::<Vec<_>>(),
                                })
                            })
                            .collect();
                        json!({"equals": r.equals.wire_name, "terms": terms})
                    })
                    .collect::<Vec<_>>()
                    .into();
            }
            if !t.constraints.is_empty() {
                s["x-payspec-constraints"] = constraints_extension(&t.constraints, fields);
            }
            s
        }
    };
    out["description"] = t.description.clone().into();
    out
}

fn type_ref(t: &TypeRef, op: Option<&str>, names: &SchemaNames) -> Value {
    match t {
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Named(n) => names.reference(op, &n.name, n.scope),
        TypeRef::List(inner) => json!({"type": "array", "items": type_ref(inner, op, names)}),
        TypeRef::Map(inner) => json!({"type": "object", "additionalProperties": type_ref(inner, op, names)}),
    }
}

fn primitive(p: Primitive) -> Value {
    match p {
        Primitive::String => json!({"type": "string"}),
        Primitive::Integer => json!({"type": "integer", "format": "int64"}),
        Primitive::Decimal => json!({"type": "number", "x-payspec-exact": true}),
        Primitive::Boolean => json!({"type": "boolean"}),
        Primitive::Json => json!({}),
        Primitive::DateTime => json!({"type": "string", "format": "date-time"}),
    }
}

/// A field's schema with its limits; `documented`: with its description and default (not for
/// parameters, which carry them themselves).
fn field_schema(f: &Field, op: Option<&str>, names: &SchemaNames, documented: bool) -> Value {
    let mut s = type_ref(&f.ty, op, names);
    let l = &f.limits;
    match &f.ty {
        TypeRef::List(_) | TypeRef::Map(_) => {
            let (min, max) = if matches!(f.ty, TypeRef::List(_)) {
                ("minItems", "maxItems")
            } else {
                ("minProperties", "maxProperties")
            };
            if let Some(n) = l.min_items {
                s[min] = n.into();
            }
            if let Some(n) = l.max_items {
                s[max] = n.into();
            }
            let inner = if matches!(f.ty, TypeRef::List(_)) { "items" } else { "additionalProperties" };
            if let Some(element) = s.get_mut(inner) {
                string_limits(element, l, false);
                number_limits(element, l);
            }
        }
        _ => {
            string_limits(&mut s, l, false);
            number_limits(&mut s, l);
        }
    }
    if documented {
        if let Some(d) = &f.description {
            s["description"] = d.clone().into();
        }
        if let Some(d) = &f.default {
            s["default"] = serde_json::from_str::<Value>(d).unwrap_or_else(|_| d.clone().into());
        }
    }
    if let Some(note) = &f.deprecated {
        s["deprecated"] = true.into();
        s["x-payspec-deprecated"] = note.clone().into();
    }
    s
}

fn string_limits(s: &mut Value, l: &Limits, wire_number: bool) {
    if !l.has_text_rules() || !s.is_object() {
        return;
    }
    if wire_number {
        // Digits sent as a JSON number: the limits are on its digits.
        s["x-payspec-digits"] = json!({"min": l.min_chars, "max": l.max_chars});
        return;
    }
    if let Some(n) = l.max_chars {
        s["maxLength"] = n.into();
    }
    if let Some(n) = l.min_chars {
        s["minLength"] = n.into();
    }
    if let Some(n) = l.max_bytes {
        s["x-payspec-maxBytes"] = n.into();
    }
    if let Some(n) = l.min_bytes {
        s["x-payspec-minBytes"] = n.into();
    }
    if let Some(c) = l.charset {
        s["pattern"] = match c {
            Charset::Digits => "^[0-9]*$",
            Charset::Alphanumeric => "^[A-Za-z0-9]*$",
            Charset::UpperAlpha => "^[A-Z]*$",
        }
        .into();
    }
    if let Some(n) = l.numeral {
        s["pattern"] = match n {
            Numeral::Canonical => "^(0|[1-9][0-9]*)$",
            Numeral::Positive => "^[1-9][0-9]*$",
        }
        .into();
    }
    if l.url {
        s["format"] = "uri".into();
        s["pattern"] = "^[Hh][Tt][Tt][Pp][Ss]?://".into();
    }
    if let Some(p) = &l.pattern {
        // Both must hold: a pattern the limits above imply moves into `allOf`.
        if let Some(implied) = s.get("pattern").cloned() {
            s["allOf"] = json!([{ "pattern": implied }]);
        }
        s["pattern"] = p.as_str().into();
    }
}

fn number_limits(s: &mut Value, l: &Limits) {
    if let Some(n) = l.minimum {
        s["minimum"] = number(n);
    }
    if let Some(n) = l.maximum {
        s["maximum"] = number(n);
    }
    if let Some(n) = l.exclusive_minimum {
        s["exclusiveMinimum"] = number(n);
    }
}

/// The bound as a JSON number, from its exact literal.
fn number(n: Number) -> Value {
    let text = n.to_string();
    if n.scale == 0 {
        return Value::from(n.mantissa);
    }
    text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::String(text), Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert() {
        assert_eq!(lower_camel("create_charge"), "createCharge");
        assert_eq!(upper_camel("payment_details"), "PaymentDetails");
    }

    #[test]
    fn patterns_and_datetimes_export_as_json_schema_says() {
        assert_eq!(primitive(Primitive::DateTime), json!({"type": "string", "format": "date-time"}));
        let mut s = json!({"type": "string"});
        string_limits(&mut s, &Limits { pattern: Some("^[A-Z]{3}$".into()), ..Limits::default() }, false);
        assert_eq!(s, json!({"type": "string", "pattern": "^[A-Z]{3}$"}));
        // A pattern the other limits imply is kept beside the spec's own.
        let mut s = json!({"type": "string"});
        let l = Limits { charset: Some(Charset::UpperAlpha), pattern: Some("^J".into()), ..Limits::default() };
        string_limits(&mut s, &l, false);
        assert_eq!(s, json!({"type": "string", "pattern": "^J", "allOf": [{"pattern": "^[A-Z]*$"}]}));
    }

    #[test]
    fn bounds_keep_their_value() {
        assert_eq!(number(Number { mantissa: 1, scale: 2 }), json!(0.01));
        assert_eq!(number(Number { mantissa: -5, scale: 0 }), json!(-5));
    }
}
