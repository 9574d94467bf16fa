//! The drift check against a provider's own OpenAPI file (`cargo xtask upstream-diff`): our export
//! ([`crate::openapi`]) and the provider's document are compared on what both describe: operations
//! (matched by method and path, parameter names ignored), their parameters, request and response
//! bodies field by field (through `$ref`s, `allOf` merged), required flags, types and enum values,
//! and success statuses. Operations only one side has are listed once; everything below a matched
//! operation is compared. Run it when the provider publishes a new file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::yaml;

/// One difference, where it is and what differs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub kind: Kind,
    /// `POST /charges request.metadata`, ...
    pub at: String,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    OperationOnlyUpstream,
    OperationOnlyOurs,
    Status,
    Parameter,
    FieldOnlyUpstream,
    FieldOnlyOurs,
    Required,
    Type,
    Enum,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::OperationOnlyUpstream => "operation only upstream",
            Kind::OperationOnlyOurs => "operation only in payspec",
            Kind::Status => "success status",
            Kind::Parameter => "parameter",
            Kind::FieldOnlyUpstream => "field only upstream",
            Kind::FieldOnlyOurs => "field only in payspec",
            Kind::Required => "required flag",
            Kind::Type => "type",
            Kind::Enum => "enum values",
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<26} {}  {}", self.kind.label(), self.at, self.detail)
    }
}

/// A YAML (or JSON) OpenAPI document as JSON: unquoted scalars that read as booleans, numbers or
/// null become those, everything else strings.
pub fn parse_document(text: &str) -> Result<Value, String> {
    let node = yaml::parse(text).map_err(|e| format!("{}:{}: {}", e.pos.line, e.pos.col, e.message))?;
    Ok(to_json(&node))
}

fn to_json(node: &yaml::Node) -> Value {
    match &node.value {
        yaml::Value::Null => Value::Null,
        yaml::Value::Scalar { text, quoted: true } => Value::String(text.clone()),
        yaml::Value::Scalar { text, quoted: false } => match text.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" | "~" => Value::Null,
            t => t
                .parse::<i64>()
                .map(Value::from)
                .ok()
                .or_else(|| t.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number))
                .unwrap_or_else(|| Value::String(t.to_owned())),
        },
        yaml::Value::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        yaml::Value::Map(entries) => Value::Object(
            entries.iter().map(|(k, v)| (k.as_scalar().unwrap_or_default().to_owned(), to_json(v))).collect(),
        ),
    }
}

/// The schema of the first JSON media type (`application/json`, `application/json;charset=utf-8`).
fn json_schema(content: &Value) -> Value {
    content
        .as_object()
        .into_iter()
        .flatten()
        .find(|(media, _)| media.starts_with("application/json"))
        .map_or(Value::Null, |(_, m)| m["schema"].clone())
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `/charges/{id}/refunds/{refundId}` -> `/charges/{}/refunds/{}`.
fn shape(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

fn operations(doc: &Value) -> BTreeMap<(String, String), (String, &Value)> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.insert((method.to_ascii_uppercase(), shape(path)), (path.clone(), op));
            }
        }
    }
    out
}

/// Compares `ours` with `upstream`; findings sorted by kind, then place.
pub fn compare(ours: &Value, upstream: &Value) -> Vec<Finding> {
    let mut d = Differ { ours, upstream, findings: Vec::new() };
    let (a, b) = (operations(ours), operations(upstream));
    for ((method, key), (path, op)) in &b {
        if !a.contains_key(&(method.clone(), key.clone())) {
            let id = op["operationId"].as_str().unwrap_or_default();
            d.push(Kind::OperationOnlyUpstream, &format!("{method} {path}"), id.to_owned());
        }
    }
    for ((method, key), (path, op)) in &a {
        let at = format!("{method} {path}");
        let Some((_, theirs)) = b.get(&(method.clone(), key.clone())) else {
            d.push(Kind::OperationOnlyOurs, &at, op["operationId"].as_str().unwrap_or_default().to_owned());
            continue;
        };
        d.operation(&at, op, theirs);
    }
    d.findings.sort();
    d.findings
}

struct Differ<'a> {
    ours: &'a Value,
    upstream: &'a Value,
    findings: Vec<Finding>,
}

#[derive(Clone, Copy)]
enum Side {
    Ours,
    Upstream,
}

impl Differ<'_> {
    fn push(&mut self, kind: Kind, at: &str, detail: String) {
        self.findings.push(Finding { kind, at: at.to_owned(), detail });
    }

    fn doc(&self, side: Side) -> &Value {
        match side {
            Side::Ours => self.ours,
            Side::Upstream => self.upstream,
        }
    }

    fn operation(&mut self, at: &str, ours: &Value, theirs: &Value) {
        // Parameters by (place, name); path parameters are matched by position through the path shape.
        let params = |op: &Value| -> BTreeMap<(String, String), Value> {
            let mut path_index = 0;
            op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] != "header")
                .map(|p| {
                    let place = p["in"].as_str().unwrap_or_default().to_owned();
                    let name = if place == "path" {
                        path_index += 1;
                        format!("#{path_index}")
                    } else {
                        p["name"].as_str().unwrap_or_default().to_owned()
                    };
                    ((place, name), p.clone())
                })
                .collect()
        };
        let (a, b) = (params(ours), params(theirs));
        for (key, p) in &b {
            if !a.contains_key(key) {
                self.push(
                    Kind::Parameter,
                    at,
                    format!("{} parameter `{}` only upstream", key.0, p["name"].as_str().unwrap_or("")),
                );
            }
        }
        for (key, p) in &a {
            let name = p["name"].as_str().unwrap_or_default();
            let Some(q) = b.get(key) else {
                self.push(Kind::Parameter, at, format!("{} parameter `{name}` only in payspec", key.0));
                continue;
            };
            let (ra, rb) = (p["required"].as_bool().unwrap_or(false), q["required"].as_bool().unwrap_or(false));
            if ra != rb {
                self.push(Kind::Required, &format!("{at} {} `{name}`", key.0), format!("payspec {ra}, upstream {rb}"));
            }
            let label = format!("{at} {} `{name}`", key.0);
            self.schema(&label, &p["schema"], &q["schema"], &mut BTreeSet::new());
        }

        let body = |op: &Value| json_schema(&op["requestBody"]["content"]);
        match (body(ours), body(theirs)) {
            (Value::Null, Value::Null) => {}
            (Value::Null, _) => self.push(Kind::FieldOnlyUpstream, &format!("{at} request"), "a request body".into()),
            (_, Value::Null) => self.push(Kind::FieldOnlyOurs, &format!("{at} request"), "a request body".into()),
            (x, y) => self.schema(&format!("{at} request"), &x, &y, &mut BTreeSet::new()),
        }

        let success = |op: &Value| -> BTreeMap<String, Value> {
            op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(status, _)| status.starts_with('2'))
                .map(|(status, r)| (status.clone(), json_schema(&r["content"])))
                .collect()
        };
        let (sa, sb) = (success(ours), success(theirs));
        if sa.keys().ne(sb.keys()) {
            let list = |m: &BTreeMap<String, Value>| m.keys().cloned().collect::<Vec<_>>().join(", ");
            self.push(Kind::Status, at, format!("payspec {}, upstream {}", list(&sa), list(&sb)));
        }
        if let (Some(x), Some(y)) = (sa.values().next(), sb.values().next()) {
            if !x.is_null() && !y.is_null() {
                self.schema(&format!("{at} response"), x, y, &mut BTreeSet::new());
            }
        }
    }

    /// The schema with `$ref`s followed and `allOf` merged, as (type, properties, required, enum, items).
    fn resolve(&self, side: Side, schema: &Value, depth: usize) -> Value {
        if depth > 32 {
            return Value::Null;
        }
        if let Some(r) = schema["$ref"].as_str() {
            let name = r.trim_start_matches("#/components/schemas/");
            let target = &self.doc(side)["components"]["schemas"][name];
            return self.resolve(side, target, depth + 1);
        }
        if let Some(parts) = schema["allOf"].as_array() {
            let mut merged = Map::new();
            let (mut properties, mut required) = (Map::new(), Vec::new());
            for part in parts {
                let part = self.resolve(side, part, depth + 1);
                if let Some(p) = part["properties"].as_object() {
                    properties.extend(p.clone());
                }
                required.extend(part["required"].as_array().cloned().unwrap_or_default());
                if let Some(t) = part.get("type") {
                    merged.insert("type".into(), t.clone());
                }
            }
            merged.insert("properties".into(), Value::Object(properties));
            merged.insert("required".into(), Value::Array(required));
            return Value::Object(merged);
        }
        schema.clone()
    }

    fn schema(&mut self, at: &str, ours: &Value, theirs: &Value, seen: &mut BTreeSet<(String, String)>) {
        let key = (ours.to_string(), theirs.to_string());
        if !seen.insert(key) || at.matches('.').count() > 8 {
            return;
        }
        let (a, b) = (self.resolve(Side::Ours, ours, 0), self.resolve(Side::Upstream, theirs, 0));
        let ty = |s: &Value| match s["type"].as_str() {
            Some(t) => t.to_owned(),
            None if s.get("properties").is_some() => "object".into(),
            None => String::new(),
        };
        let (ta, tb) = (ty(&a), ty(&b));
        if !ta.is_empty() && !tb.is_empty() && ta != tb {
            self.push(Kind::Type, at, format!("payspec {ta}, upstream {tb}"));
            return;
        }
        let values = |s: &Value| -> Option<BTreeSet<String>> {
            s["enum"].as_array().map(|v| v.iter().map(|x| x.as_str().map_or(x.to_string(), str::to_owned)).collect())
        };
        if let (Some(ea), Some(eb)) = (values(&a), values(&b)) {
            let only_up: Vec<_> = eb.difference(&ea).cloned().collect();
            let only_ours: Vec<_> = ea.difference(&eb).cloned().collect();
            if !only_up.is_empty() || !only_ours.is_empty() {
                self.push(
                    Kind::Enum,
                    at,
                    format!("only upstream: [{}]; only in payspec: [{}]", only_up.join(", "), only_ours.join(", ")),
                );
            }
        } else if let (Some(_), None) | (None, Some(_)) = (values(&a), values(&b)) {
            let x = values(&a).is_some();
            self.push(
                Kind::Enum,
                at,
                format!(
                    "an enum in {}, a free {} in {}",
                    if x { "payspec" } else { "upstream" },
                    if x { tb.as_str() } else { ta.as_str() },
                    if x { "upstream" } else { "payspec" }
                ),
            );
        }
        if ta == "array" || tb == "array" {
            self.schema(&format!("{at}[]"), &a["items"], &b["items"], seen);
            return;
        }
        let (pa, pb) = (a["properties"].as_object(), b["properties"].as_object());
        let (Some(pa), Some(pb)) = (pa, pb) else { return };
        let required = |s: &Value, name: &str| s["required"].as_array().is_some_and(|r| r.iter().any(|x| x == name));
        let names: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
        for name in names {
            let here = format!("{at}.{name}");
            match (pa.get(name), pb.get(name)) {
                (Some(_), None) => self.push(Kind::FieldOnlyOurs, &here, String::new()),
                (None, Some(_)) => self.push(Kind::FieldOnlyUpstream, &here, String::new()),
                (Some(x), Some(y)) => {
                    let (ra, rb) = (required(&a, name), required(&b, name));
                    if ra != rb {
                        self.push(Kind::Required, &here, format!("payspec {ra}, upstream {rb}"));
                    }
                    self.schema(&here, x, y, seen);
                }
                (None, None) => {}
            }
        }
    }
}

/// The report: a summary line with counts per kind, then one line per finding.
pub fn report(findings: &[Finding]) -> String {
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    for f in findings {
        *counts.entry(f.kind).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {}", k.label())).collect();
    let mut out = format!("{} difference(s): {}\n", findings.len(), summary.join(", "));
    for f in findings {
        out.push_str(&f.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn finds_every_kind_of_difference_on_what_both_describe() {
        let ours = doc(
            json!({
                "/charges/{id}": {"get": {"operationId": "retrieveCharge",
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Charge"}}}}}}},
                "/charges": {"post": {"operationId": "createCharge",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                        "required": ["amount"], "properties": {"amount": {"type": "integer"}, "memo": {"type": "string"}}}}}},
                    "responses": {"200": {}}}},
            }),
            json!({"Charge": {"type": "object", "properties": {
                "status": {"type": "string", "enum": ["captured", "refunded"]},
                "amount": {"type": "integer"}}}}),
        );
        let upstream = doc(
            json!({
                "/charges/{chargeId}": {"get": {"operationId": "retrieveCharge",
                    "parameters": [{"name": "chargeId", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChargeDto"}}}}}}},
                "/charges": {"post": {"operationId": "createCharge",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                        "required": ["amount", "currency"], "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}}}}},
                    "responses": {"201": {}}}},
                "/customers": {"get": {"operationId": "listCustomers", "responses": {"200": {}}}},
            }),
            json!({"ChargeDto": {"allOf": [{"type": "object", "properties": {
                "status": {"type": "string", "enum": ["captured", "revoked"]},
                "amount": {"type": "integer"}, "liveMode": {"type": "boolean"}}}]}}),
        );
        let found: Vec<(Kind, String, String)> =
            compare(&ours, &upstream).into_iter().map(|f| (f.kind, f.at, f.detail)).collect();
        assert_eq!(
            found,
            vec![
                (Kind::OperationOnlyUpstream, "GET /customers".into(), "listCustomers".into()),
                (Kind::Status, "POST /charges".into(), "payspec 200, upstream 201".into()),
                (Kind::FieldOnlyUpstream, "GET /charges/{id} response.liveMode".into(), String::new()),
                (Kind::FieldOnlyUpstream, "POST /charges request.currency".into(), String::new()),
                (Kind::FieldOnlyOurs, "POST /charges request.memo".into(), String::new()),
                (Kind::Type, "POST /charges request.amount".into(), "payspec integer, upstream number".into()),
                (
                    Kind::Enum,
                    "GET /charges/{id} response.status".into(),
                    "only upstream: [revoked]; only in payspec: [refunded]".into()
                ),
            ]
        );
        assert!(compare(&ours, &ours).is_empty(), "a document does not differ from itself");
    }

    #[test]
    fn reads_yaml_scalars_as_json() {
        let v = parse_document("a: 1\nb: \"1\"\nc: true\nd: x\ne: [1.5]\n").unwrap();
        assert_eq!(v, json!({"a": 1, "b": "1", "c": true, "d": "x", "e": [1.5]}));
    }
}
