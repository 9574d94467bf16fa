//! Reads spec files into the AST. This pass checks shape only (known keys, YAML kinds, scalar
//! syntax); names and references are checked by `resolve`. Every problem goes to the collector and
//! reading carries on with what is usable.

use std::collections::HashMap;

use crate::ast::*;
use crate::diag::{Diagnostics, did_you_mean};
use crate::yaml::{self, Node, Pos, Value};

pub const PROVIDER_KEYS: &[&str] = &[
    "provider",
    "title",
    "description",
    "source",
    "base_urls",
    "auth",
    "envelope",
    "classifications",
    "categories",
    "codes",
    "types",
    "notifications",
];
pub const NOTIFICATION_KEYS: &[&str] = &[
    "summary",
    "description",
    "method",
    "auth",
    "triggered_by",
    "body",
    "query",
    "acknowledgement",
    "key",
    "events",
    "follow_up",
];
pub const TRIGGER_KEYS: &[&str] = &["operation", "field"];
pub const EVENTS_KEYS: &[&str] = &["discriminator", "object", "values"];
pub const EVENT_VALUE_KEYS: &[&str] = &["name", "description", "object", "follow_up"];
pub const FOLLOW_UP_KEYS: &[&str] = &["operation", "path"];
pub const ENVELOPE_KEYS: &[&str] = &["kind", "success_codes", "error_body", "code_field"];
pub const OPERATION_KEYS: &[&str] = &[
    "source",
    "summary",
    "description",
    "method",
    "path",
    "timeout_seconds",
    "idempotent",
    "idempotency_key",
    "effect",
    "success_status",
    "path_params",
    "query",
    "query_constraints",
    "request",
    "response",
    "success_codes",
    "codes",
    "types",
    "examples",
];
pub const EXAMPLE_KEYS: &[&str] = &[
    "name",
    "description",
    "source",
    "path_params",
    "query",
    "request",
    "response",
    "status",
    "error",
    "known_differences",
    "expected_failure",
];
pub const KNOWN_DIFFERENCE_KEYS: &[&str] = &["part", "path", "reason"];
pub const EXPECTED_FAILURE_KEYS: &[&str] = &["part", "reason"];
/// Fixed code keys; any other boolean key is a provider classification.
pub const CODE_KEYS: &[&str] = &[
    "code",
    "name",
    "description",
    "retryable",
    "outcome_unknown",
    "common",
    "http_status",
    "category",
    "result_status",
];
pub const LIMIT_KEYS: &[&str] = &[
    "max_bytes",
    "min_bytes",
    "max_chars",
    "min_chars",
    "charset",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusive_minimum",
    "min_items",
    "max_items",
];
pub const STRING_LIMIT_KEYS: &[&str] =
    &["max_bytes", "min_bytes", "max_chars", "min_chars", "charset", "format", "pattern"];
pub const FIELD_KEYS: &[&str] = &["type", "required", "default", "description", "deprecated", "minor_units_from"];
/// Path parameters are always required and take string or number limits only.
pub const PATH_PARAM_KEYS: &[&str] = &[
    "type",
    "description",
    "secret",
    "max_bytes",
    "min_bytes",
    "max_chars",
    "min_chars",
    "charset",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusive_minimum",
];
pub const TYPE_KEYS: &[&str] = &["kind", "description"];
pub const STRING_TYPE_KEYS: &[&str] = &["wire"];
pub const ENUM_TYPE_KEYS: &[&str] = &["values"];
pub const STRUCT_TYPE_KEYS: &[&str] = &["fields", "sums", "constraints"];
pub const CONSTRAINT_KEYS: &[&str] = &["at_least_one_of", "require", "when", "equals"];
pub const SUM_KEYS: &[&str] = &["over", "of", "terms", "equals"];
pub const SUM_TERM_KEYS: &[&str] = &["over", "of"];
pub const ENUM_VALUE_KEYS: &[&str] = &["name", "description", "minor_units"];
pub const SUCCESS_CODE_KEYS: &[&str] = &["code", "name", "description", "result_status"];

/// Reads one YAML file's text; `None` after a syntax error (already reported).
fn parse(diags: &mut Diagnostics, file: &str, text: &str) -> Option<Node> {
    match yaml::parse(text) {
        Ok(node) => Some(node),
        Err(e) => {
            diags.error(file, e.pos, e.message);
            None
        }
    }
}

/// `None` when the file is not YAML or not a mapping: nothing else in it can be checked.
pub fn provider_file(diags: &mut Diagnostics, file: &str, folder: &str, text: &str) -> Option<ProviderFile> {
    let mut out = ProviderFile {
        file: file.into(),
        folder: folder.to_owned(),
        provider: None,
        title: None,
        description: None,
        sources: Vec::new(),
        base_urls: Vec::new(),
        auth: None,
        envelope: None,
        classifications: Vec::new(),
        categories: Vec::new(),
        codes: Vec::new(),
        types: Vec::new(),
        notifications: Vec::new(),
    };
    let mut r = Reader { file, diags };
    let root = parse(r.diags, file, text)?;
    let m = r.map(&root, "provider.yaml", PROVIDER_KEYS)?;
    out.provider = m.required(&mut r, "provider").and_then(|n| r.string(n, "`provider`"));
    out.title = m.required(&mut r, "title").and_then(|n| r.text(n, "`title`"));
    out.description = m.get("description").and_then(|n| r.text(n, "`description`"));
    out.sources = r.sources(&m);
    if let Some(n) = m.get("base_urls") {
        out.base_urls = r.string_map(n, "`base_urls`");
    }
    out.auth = m.required(&mut r, "auth").and_then(|n| r.string(n, "`auth`"));
    out.envelope = m.required(&mut r, "envelope").and_then(|n| r.envelope(n));
    if let Some(n) = m.get("classifications") {
        out.classifications = r.described_names(n, "`classifications`");
    }
    if let Some(n) = m.get("categories") {
        out.categories = r.described_names(n, "`categories`");
    }
    if let Some(n) = m.get("codes") {
        out.codes = r.code_map(n);
    }
    if let Some(n) = m.get("types") {
        out.types = r.types(n);
    }
    if let Some(n) = m.get("notifications") {
        out.notifications = r.notifications(n);
    }
    Some(out)
}

/// `None` when the file is not YAML or not a mapping.
pub fn operation_file(diags: &mut Diagnostics, file: &str, name: &str, text: &str) -> Option<OperationFile> {
    let mut out = OperationFile {
        file: file.into(),
        name: Spanned { value: name.to_owned(), pos: Pos { line: 1, col: 1 } },
        sources: Vec::new(),
        summary: None,
        description: None,
        method: None,
        path: None,
        timeout_seconds: None,
        idempotent: None,
        idempotency_key: None,
        effect: None,
        success_status: None,
        path_params: Vec::new(),
        query: Vec::new(),
        query_constraints: Vec::new(),
        request: None,
        response: None,
        success_codes: Vec::new(),
        codes: Vec::new(),
        types: Vec::new(),
        examples: Vec::new(),
    };
    let mut r = Reader { file, diags };
    let root = parse(r.diags, file, text)?;
    let m = r.map(&root, "an operation file", OPERATION_KEYS)?;
    out.sources = r.sources(&m);
    out.summary = m.required(&mut r, "summary").and_then(|n| r.text(n, "`summary`"));
    out.description = m.get("description").and_then(|n| r.text(n, "`description`"));
    out.method = m.required(&mut r, "method").and_then(|n| r.string(n, "`method`"));
    out.path = m.required(&mut r, "path").and_then(|n| r.string(n, "`path`"));
    out.timeout_seconds = m.get("timeout_seconds").and_then(|n| r.uint(n, "`timeout_seconds`"));
    out.idempotent = m.get("idempotent").and_then(|n| r.bool(n, "`idempotent`"));
    out.idempotency_key = m.get("idempotency_key").and_then(|n| r.string(n, "`idempotency_key`"));
    out.effect = m.get("effect").and_then(|n| r.string(n, "`effect`"));
    out.success_status = m.get("success_status").and_then(|n| r.uint(n, "`success_status`"));
    if let Some(n) = m.get("path_params") {
        out.path_params = r.fields(n, "`path_params`", PATH_PARAM_KEYS);
    }
    if let Some(n) = m.get("query") {
        out.query = r.fields(n, "`query`", &field_keys());
    }
    if let Some(n) = m.get("query_constraints") {
        out.query_constraints = r.constraints(n, "`query`");
    }
    out.request = m.get("request").and_then(|n| r.string(n, "`request`"));
    out.response = m.get("response").and_then(|n| r.string(n, "`response`"));
    if let Some(n) = m.get("success_codes") {
        out.success_codes = r.success_codes(n);
    }
    if let Some(n) = m.get("codes") {
        out.codes = r.code_list(n);
    }
    if let Some(n) = m.get("types") {
        out.types = r.types(n);
    }
    if let Some(n) = m.get("examples") {
        out.examples = r.examples(n);
    }
    Some(out)
}

/// A mapping whose keys were checked: no duplicates, no unknown keys.
struct Entries<'n> {
    pos: Pos,
    what: String,
    items: Vec<(Spanned<String>, &'n Node)>,
}

impl<'n> Entries<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.items.iter().find(|(k, _)| k.value == key).map(|(_, v)| *v)
    }

    fn required(&self, r: &mut Reader<'_>, key: &str) -> Option<&'n Node> {
        let found = self.get(key);
        if found.is_none() {
            r.err(self.pos, format!("{} is missing the required key `{key}`", self.what));
        }
        found
    }
}

struct Reader<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn err(&mut self, pos: Pos, message: impl Into<String>) {
        self.diags.error(self.file, pos, message);
    }

    /// The entries of a mapping. With `known` non-empty, other keys are reported as unknown.
    fn map<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Entries<'n>> {
        let Value::Map(pairs) = &node.value else {
            self.err(node.pos, format!("{what} must be a mapping, found {}", node.kind()));
            return None;
        };
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        let mut items = Vec::new();
        for (key, value) in pairs {
            let Some(name) = key.as_scalar() else {
                self.err(key.pos, format!("keys in {what} must be plain names, found {}", key.kind()));
                continue;
            };
            if let Some(first) = seen.insert(name, key.pos) {
                self.err(key.pos, format!("duplicate key `{name}` in {what} (first at line {})", first.line));
                continue;
            }
            if !known.is_empty() && !known.contains(&name) {
                let hint = did_you_mean(name, known.iter().copied());
                self.err(
                    key.pos,
                    format!("unknown key `{name}` in {what}{hint}; expected one of: {}", known.join(", ")),
                );
                continue;
            }
            items.push((Spanned { value: name.to_owned(), pos: key.pos }, value));
        }
        Some(Entries { pos: node.pos, what: what.to_owned(), items })
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match &node.value {
            Value::Scalar { text, .. } => Some(Spanned { value: text.clone(), pos: node.pos }),
            _ => {
                self.err(node.pos, format!("{what} must be a string, found {}", node.kind()));
                None
            }
        }
    }

    /// Prose: a non-empty string with surrounding white space removed.
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        let s = self.string(node, what)?;
        let trimmed = s.value.trim();
        if trimmed.is_empty() {
            self.err(node.pos, format!("{what} is empty; write a sentence or remove the key"));
            return None;
        }
        Some(trimmed.to_owned())
    }

    fn bool(&mut self, node: &Node, what: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar { text, quoted: false } if text == "true" => Some(true),
            Value::Scalar { text, quoted: false } if text == "false" => Some(false),
            _ => {
                self.err(node.pos, format!("{what} must be `true` or `false`, found {}", describe(node)));
                None
            }
        }
    }

    fn uint(&mut self, node: &Node, what: &str) -> Option<Spanned<u64>> {
        if let Value::Scalar { text, quoted: false } = &node.value {
            if let Ok(n) = text.parse::<u64>() {
                return Some(Spanned { value: n, pos: node.pos });
            }
        }
        self.err(node.pos, format!("{what} must be a whole number, found {}", describe(node)));
        None
    }

    /// A decimal literal such as `0`, `-5` or `0.01`, kept as text so nothing is rounded.
    fn decimal(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        if let Value::Scalar { text, quoted: false } = &node.value {
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            let unsigned = text.strip_prefix('-').unwrap_or(text);
            let ok = match unsigned.split_once('.') {
                Some((whole, fraction)) => digits(whole) && digits(fraction),
                None => digits(unsigned),
            };
            if ok {
                return Some(Spanned { value: text.clone(), pos: node.pos });
            }
        }
        self.err(node.pos, format!("{what} must be a number such as `0` or `0.01`, found {}", describe(node)));
        None
    }

    fn sources(&mut self, m: &Entries<'_>) -> Vec<String> {
        let Some(node) = m.required(self, "source") else { return Vec::new() };
        match &node.value {
            Value::Seq(items) if !items.is_empty() => {
                items.iter().filter_map(|n| self.text(n, "each `source` entry")).collect()
            }
            Value::Seq(_) => {
                self.err(node.pos, "`source` is an empty list; name the page this file was transcribed from");
                Vec::new()
            }
            _ => self.text(node, "`source`").into_iter().collect(),
        }
    }

    fn string_list(&mut self, node: &Node, what: &str) -> Vec<Spanned<String>> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("{what} must be a list, found {}", node.kind()));
            return Vec::new();
        };
        items.iter().filter_map(|n| self.string(n, &format!("each entry of {what}"))).collect()
    }

    fn string_map(&mut self, node: &Node, what: &str) -> Vec<(Spanned<String>, Spanned<String>)> {
        let Some(m) = self.map(node, what, &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (key, value) in &m.items {
            if let Some(v) = self.string(value, &format!("`{}` in {what}", key.value)) {
                out.push((key.clone(), v));
            }
        }
        out
    }

    /// `name: what it means` pairs (classifications, categories).
    fn described_names(&mut self, node: &Node, what: &str) -> Vec<(Spanned<String>, String)> {
        let Some(m) = self.map(node, what, &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (key, value) in &m.items {
            if let Some(text) = self.text(value, &format!("`{}` in {what}", key.value)) {
                out.push((key.clone(), text));
            }
        }
        out
    }

    fn envelope(&mut self, node: &Node) -> Option<EnvelopeAst> {
        let m = self.map(node, "`envelope`", ENVELOPE_KEYS)?;
        Some(EnvelopeAst {
            pos: node.pos,
            kind: m.required(self, "kind").and_then(|n| self.string(n, "`envelope.kind`")),
            success_codes: m.get("success_codes").map(|n| self.string_list(n, "`success_codes`")).unwrap_or_default(),
            error_body: m.get("error_body").and_then(|n| self.string(n, "`error_body`")),
            code_field: m.get("code_field").and_then(|n| self.string(n, "`code_field`")),
        })
    }

    fn notifications(&mut self, node: &Node) -> Vec<NotificationAst> {
        let Some(m) = self.map(node, "`notifications`", &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (name, value) in &m.items {
            let what = format!("notification `{}`", name.value);
            let Some(n) = self.map(value, &what, NOTIFICATION_KEYS) else { continue };
            let here = |key: &str| format!("`{key}` of {what}");
            out.push(NotificationAst {
                name: name.clone(),
                summary: n.required(self, "summary").and_then(|v| self.text(v, &here("summary"))),
                description: n.get("description").and_then(|v| self.text(v, &here("description"))),
                method: n.required(self, "method").and_then(|v| self.string(v, &here("method"))),
                auth: n.required(self, "auth").and_then(|v| self.string(v, &here("auth"))),
                triggered_by: n.get("triggered_by").map(|v| self.triggers(v, &what)).unwrap_or_default(),
                body: n.get("body").and_then(|v| self.string(v, &here("body"))),
                query: n.get("query").map(|v| self.fields(v, &here("query"), &field_keys())).unwrap_or_default(),
                query_pos: n.get("query").map(|v| v.pos),
                acknowledgement: n
                    .required(self, "acknowledgement")
                    .and_then(|v| self.string(v, &here("acknowledgement"))),
                key: n.required(self, "key").map(|v| self.string_list(v, &here("key"))).unwrap_or_default(),
                key_pos: n.get("key").map_or(value.pos, |v| v.pos),
                events: n.get("events").and_then(|v| self.events(v, &what)),
                follow_up: n.get("follow_up").and_then(|v| self.follow_up(v, &what)),
            });
        }
        out
    }

    fn triggers(&mut self, node: &Node, what: &str) -> Vec<TriggerAst> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("`triggered_by` of {what} must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let here = format!("an entry of `triggered_by` of {what}");
            let Some(m) = self.map(item, &here, TRIGGER_KEYS) else { continue };
            out.push(TriggerAst {
                pos: item.pos,
                operation: m
                    .required(self, "operation")
                    .and_then(|n| self.string(n, &format!("`operation` of {here}"))),
                field: m.required(self, "field").and_then(|n| self.string(n, &format!("`field` of {here}"))),
            });
        }
        out
    }

    fn events(&mut self, node: &Node, what: &str) -> Option<EventsAst> {
        let here = format!("`events` of {what}");
        let m = self.map(node, &here, EVENTS_KEYS)?;
        let mut values = Vec::new();
        if let Some(v) = m.required(self, "values") {
            if let Some(entries) = self.map(v, &format!("`values` of {here}"), &[]) {
                for (value, body) in &entries.items {
                    let at = format!("event `{}` of {what}", value.value);
                    let Some(e) = self.map(body, &at, EVENT_VALUE_KEYS) else { continue };
                    values.push(EventValueAst {
                        value: value.clone(),
                        name: e.required(self, "name").and_then(|n| self.string(n, &format!("`name` of {at}"))),
                        description: e
                            .required(self, "description")
                            .and_then(|n| self.text(n, &format!("`description` of {at}"))),
                        object: e.get("object").and_then(|n| self.string(n, &format!("`object` of {at}"))),
                        follow_up: e.get("follow_up").and_then(|n| self.follow_up(n, &at)),
                    });
                }
            }
        }
        Some(EventsAst {
            pos: node.pos,
            discriminator: m
                .required(self, "discriminator")
                .and_then(|n| self.string(n, &format!("`discriminator` of {here}"))),
            object: m.required(self, "object").and_then(|n| self.string(n, &format!("`object` of {here}"))),
            values,
        })
    }

    fn follow_up(&mut self, node: &Node, what: &str) -> Option<FollowUpAst> {
        let here = format!("`follow_up` of {what}");
        let m = self.map(node, &here, FOLLOW_UP_KEYS)?;
        Some(FollowUpAst {
            pos: node.pos,
            operation: m.required(self, "operation").and_then(|n| self.string(n, &format!("`operation` of {here}"))),
            path: m.get("path").map(|n| self.string_map(n, &format!("`path` of {here}"))).unwrap_or_default(),
        })
    }

    /// An operation's own non-error codes, each with a name and a meaning.
    fn success_codes(&mut self, node: &Node) -> Vec<SuccessCodeAst> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("`success_codes` must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            if item.as_scalar().is_some() {
                self.err(item.pos, "write an operation's success code as `{ code: \"0110\", name: ..., description: ... }`: callers need its meaning");
                continue;
            }
            let Some(m) = self.map(item, "a success code", SUCCESS_CODE_KEYS) else { continue };
            let Some(code) = m.required(self, "code").and_then(|n| self.string(n, "`code`")) else { continue };
            out.push(SuccessCodeAst {
                pos: item.pos,
                code,
                name: m.required(self, "name").and_then(|n| self.string(n, "`name`")),
                description: m.required(self, "description").and_then(|n| self.text(n, "`description`")),
                result_status: m.get("result_status").and_then(|n| self.string(n, "`result_status`")),
            });
        }
        out
    }

    /// provider.yaml `codes`: a mapping from code to its definition.
    fn code_map(&mut self, node: &Node) -> Vec<CodeAst> {
        let Some(m) = self.map(node, "`codes`", &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (key, value) in &m.items {
            let what = format!("code `{}`", key.value);
            if let Some(entries) = self.map(value, &what, &[]) {
                if entries.get("code").is_some() {
                    self.err(value.pos, format!("{what} is already named by its key; remove `code`"));
                }
                out.push(self.code(key.clone(), &entries, &what));
            }
        }
        out
    }

    /// An operation's `codes`: plain references or mappings with `code`.
    fn code_list(&mut self, node: &Node) -> Vec<CodeEntry> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("`codes` in an operation file must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                Value::Map(_) => {
                    let Some(entries) = self.map(item, "a code entry", &[]) else { continue };
                    let Some(code) = entries.required(self, "code").and_then(|n| self.string(n, "`code`")) else {
                        continue;
                    };
                    let what = format!("code `{}`", code.value);
                    out.push(CodeEntry::Def(self.code(code, &entries, &what)));
                }
                _ => {
                    if let Some(code) = self.string(item, "each entry of `codes`") {
                        out.push(CodeEntry::Ref(code));
                    }
                }
            }
        }
        out
    }

    fn code(&mut self, code: Spanned<String>, m: &Entries<'_>, what: &str) -> CodeAst {
        let mut out = CodeAst {
            pos: m.pos,
            code,
            name: None,
            description: None,
            retryable: None,
            outcome_unknown: None,
            common: None,
            http_status: None,
            category: None,
            result_status: None,
            flags: Vec::new(),
        };
        for (key, value) in &m.items {
            let here = format!("`{}` of {what}", key.value);
            match key.value.as_str() {
                "code" => {}
                "name" => out.name = self.string(value, &here),
                "description" => out.description = self.text(value, &here),
                "retryable" => out.retryable = self.bool(value, &here),
                "outcome_unknown" => out.outcome_unknown = self.bool(value, &here),
                "common" => out.common = self.bool(value, &here).map(|b| Spanned { value: b, pos: key.pos }),
                "http_status" => out.http_status = self.uint(value, &here),
                "category" => out.category = self.string(value, &here),
                "result_status" => out.result_status = self.string(value, &here),
                _ => {
                    if let Some(flag) = self.bool(value, &here) {
                        out.flags.push((key.clone(), flag));
                    }
                }
            }
        }
        out
    }

    fn types(&mut self, node: &Node) -> Vec<TypeAst> {
        let Some(m) = self.map(node, "`types`", &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (name, value) in &m.items {
            out.push(self.type_def(name.clone(), value));
        }
        out
    }

    fn type_def(&mut self, name: Spanned<String>, node: &Node) -> TypeAst {
        let what = format!("type `{}`", name.value);
        let mut out = TypeAst {
            name,
            kind: None,
            description: None,
            body: TypeBody::Invalid,
            sums: Vec::new(),
            constraints: Vec::new(),
        };
        // Read `kind` first: it decides which other keys are allowed.
        let Some(all) = self.map_quiet(node, &what) else { return out };
        out.kind = match all.get("kind") {
            Some(n) => self.string(n, &format!("`kind` of {what}")),
            None => {
                self.err(node.pos, format!("{what} is missing the required key `kind` (string, enum or struct)"));
                return out;
            }
        };
        let Some(kind) = out.kind.clone() else { return out };
        let extra: &[&str] = match kind.value.as_str() {
            "string" => STRING_TYPE_KEYS,
            "enum" => ENUM_TYPE_KEYS,
            "struct" => STRUCT_TYPE_KEYS,
            other => {
                let hint = did_you_mean(other, ["string", "enum", "struct"]);
                self.err(kind.pos, format!("unknown kind `{other}` for {what}{hint}; expected string, enum or struct"));
                return out;
            }
        };
        let string_limits: &[&str] = if kind.value == "string" { STRING_LIMIT_KEYS } else { &[] };
        let known: Vec<&str> = TYPE_KEYS.iter().chain(extra).chain(string_limits).copied().collect();
        let Some(m) = self.map(node, &format!("{what} (kind {})", kind.value), &known) else { return out };
        out.description =
            m.required(self, "description").and_then(|n| self.text(n, &format!("`description` of {what}")));
        out.body = match kind.value.as_str() {
            "string" => TypeBody::String {
                limits: Box::new(self.limits(&m, &what)),
                wire: m.get("wire").and_then(|n| self.string(n, &format!("`wire` of {what}"))),
            },
            "enum" => TypeBody::Enum(match m.required(self, "values") {
                Some(n) => self.enum_values(n, &what),
                None => Vec::new(),
            }),
            _ => TypeBody::Struct(match m.required(self, "fields") {
                Some(n) => self.fields(n, &format!("`fields` of {what}"), &field_keys()),
                None => Vec::new(),
            }),
        };
        if let Some(n) = m.get("sums") {
            out.sums = self.sums(n, &what);
        }
        if let Some(n) = m.get("constraints") {
            out.constraints = self.constraints(n, &what);
        }
        out
    }

    fn constraints(&mut self, node: &Node, what: &str) -> Vec<ConstraintAst> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("the constraints of {what} must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let here = format!("a constraint of {what}");
            let Some(m) = self.map(item, &here, CONSTRAINT_KEYS) else { continue };
            let field = |r: &mut Self, key: &str| m.get(key).and_then(|n| r.string(n, &format!("`{key}` of {here}")));
            let c = ConstraintAst {
                pos: item.pos,
                at_least_one_of: m
                    .get("at_least_one_of")
                    .map(|n| self.string_list(n, &format!("`at_least_one_of` of {here}")))
                    .unwrap_or_default(),
                require: field(self, "require"),
                when: field(self, "when"),
                equals: field(self, "equals"),
            };
            let one_of = m.get("at_least_one_of").is_some();
            let when = c.require.is_some() || c.when.is_some() || c.equals.is_some();
            let complete_when = c.require.is_some() && c.when.is_some() && c.equals.is_some();
            if one_of == when || (when && !complete_when) {
                self.err(
                    item.pos,
                    format!("{here} is either `at_least_one_of: [a, b]` or `require: a, when: b, equals: VALUE`"),
                );
                continue;
            }
            out.push(c);
        }
        out
    }

    fn sums(&mut self, node: &Node, what: &str) -> Vec<SumAst> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("`sums` of {what} must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let here = format!("a sum rule of {what}");
            let Some(m) = self.map(item, &here, SUM_KEYS) else { continue };
            let inline = m.get("over").is_some() || m.get("of").is_some();
            let terms = match (m.get("terms"), inline) {
                (Some(n), false) => self.sum_terms(n, &here),
                (None, true) => vec![self.sum_term(&m, item.pos, &here)],
                (Some(n), true) => {
                    self.err(n.pos, format!("{here} has `terms` and also `over`/`of`; write the terms in one place"));
                    Vec::new()
                }
                (None, false) => {
                    self.err(item.pos, format!("{here} needs `over` and `of`, or `terms`"));
                    Vec::new()
                }
            };
            out.push(SumAst {
                pos: item.pos,
                terms,
                equals: m.required(self, "equals").and_then(|n| self.string(n, &format!("`equals` of {here}"))),
            });
        }
        out
    }

    fn sum_terms(&mut self, node: &Node, what: &str) -> Vec<SumTermAst> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("`terms` of {what} must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let here = format!("a term of {what}");
            if let Some(m) = self.map(item, &here, SUM_TERM_KEYS) {
                out.push(self.sum_term(&m, item.pos, &here));
            }
        }
        out
    }

    fn sum_term(&mut self, m: &Entries<'_>, pos: Pos, here: &str) -> SumTermAst {
        SumTermAst {
            pos,
            over: m.required(self, "over").and_then(|n| self.string(n, &format!("`over` of {here}"))),
            of: m.required(self, "of").map(|n| self.string_list(n, &format!("`of` of {here}"))).unwrap_or_default(),
        }
    }

    /// A mapping's entries without key checks (used to peek at `kind` before checking the rest).
    fn map_quiet<'n>(&mut self, node: &'n Node, what: &str) -> Option<Entries<'n>> {
        let Value::Map(pairs) = &node.value else {
            self.err(node.pos, format!("{what} must be a mapping, found {}", node.kind()));
            return None;
        };
        let items = pairs
            .iter()
            .filter_map(|(k, v)| k.as_scalar().map(|s| (Spanned { value: s.to_owned(), pos: k.pos }, v)))
            .collect();
        Some(Entries { pos: node.pos, what: what.to_owned(), items })
    }

    fn enum_values(&mut self, node: &Node, what: &str) -> Vec<EnumValueAst> {
        let Some(m) = self.map(node, &format!("`values` of {what}"), &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (value, desc) in &m.items {
            let here = format!("enum value `{}` of {what}", value.value);
            let mut entry = EnumValueAst { value: value.clone(), name: None, description: None, minor_units: None };
            if let Value::Map(_) = desc.value {
                if let Some(e) = self.map(desc, &here, ENUM_VALUE_KEYS) {
                    entry.name = e.get("name").and_then(|n| self.string(n, &format!("`name` of {here}")));
                    entry.minor_units =
                        e.get("minor_units").and_then(|n| self.uint(n, &format!("`minor_units` of {here}")));
                    entry.description =
                        e.required(self, "description").and_then(|n| self.text(n, &format!("`description` of {here}")));
                }
            } else {
                entry.description = self.text(desc, &format!("the description of {here}"));
            }
            out.push(entry);
        }
        out
    }

    fn fields(&mut self, node: &Node, what: &str, known: &[&str]) -> Vec<FieldAst> {
        let Some(m) = self.map(node, what, &[]) else { return Vec::new() };
        let mut out = Vec::new();
        for (name, value) in &m.items {
            let here = format!("field `{}`", name.value);
            let Some(f) = self.map(value, &here, known) else { continue };
            out.push(FieldAst {
                name: name.clone(),
                ty: f.required(self, "type").and_then(|n| self.string(n, &format!("`type` of {here}"))),
                required: f
                    .get("required")
                    .and_then(|n| self.bool(n, &format!("`required` of {here}")))
                    .unwrap_or(false),
                default: f.get("default").and_then(|n| self.string(n, &format!("`default` of {here}"))),
                description: f
                    .required(self, "description")
                    .and_then(|n| self.text(n, &format!("`description` of {here}"))),
                deprecated: f.get("deprecated").and_then(|n| self.text(n, &format!("`deprecated` of {here}"))),
                limits: self.limits(&f, &here),
                minor_units_from: f
                    .get("minor_units_from")
                    .and_then(|n| self.string(n, &format!("`minor_units_from` of {here}"))),
                secret: f.get("secret").and_then(|n| {
                    let value = self.bool(n, &format!("`secret` of {here}"))?;
                    Some(Spanned { value, pos: n.pos })
                }),
            });
        }
        out
    }

    fn limits(&mut self, m: &Entries<'_>, what: &str) -> LimitsAst {
        let uint = |r: &mut Self, key: &str| m.get(key).and_then(|n| r.uint(n, &format!("`{key}` of {what}")));
        LimitsAst {
            max_bytes: uint(self, "max_bytes"),
            min_bytes: uint(self, "min_bytes"),
            max_chars: uint(self, "max_chars"),
            min_chars: uint(self, "min_chars"),
            min_items: uint(self, "min_items"),
            max_items: uint(self, "max_items"),
            charset: m.get("charset").and_then(|n| self.string(n, &format!("`charset` of {what}"))),
            minimum: m.get("minimum").and_then(|n| self.decimal(n, &format!("`minimum` of {what}"))),
            maximum: m.get("maximum").and_then(|n| self.decimal(n, &format!("`maximum` of {what}"))),
            exclusive_minimum: m
                .get("exclusive_minimum")
                .and_then(|n| self.decimal(n, &format!("`exclusive_minimum` of {what}"))),
            format: m.get("format").and_then(|n| self.string(n, &format!("`format` of {what}"))),
            pattern: m.get("pattern").and_then(|n| self.string(n, &format!("`pattern` of {what}"))),
        }
    }
}

/// Keys of a struct field or query parameter.
pub fn field_keys() -> Vec<&'static str> {
    FIELD_KEYS.iter().chain(LIMIT_KEYS).copied().collect()
}

/// A node as an error message quotes it.
fn describe(node: &Node) -> String {
    match &node.value {
        Value::Scalar { text, quoted: true } => format!("the quoted string {text:?}"),
        Value::Scalar { text, .. } => format!("`{text}`"),
        _ => node.kind().to_owned(),
    }
}

/// Documented examples: only their shape here; the JSON is read when resolving.
impl Reader<'_> {
    fn examples(&mut self, node: &Node) -> Vec<ExampleAst> {
        let Value::Seq(items) = &node.value else {
            self.err(node.pos, format!("`examples` must be a list, found {}", node.kind()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Some(m) = self.map(item, "an example", EXAMPLE_KEYS) else { continue };
            let known_differences = match m.get("known_differences") {
                Some(Node { value: Value::Seq(items), .. }) => items
                    .iter()
                    .filter_map(|d| {
                        let e = self.map(d, "a known difference", KNOWN_DIFFERENCE_KEYS)?;
                        Some(KnownDifferenceAst {
                            pos: d.pos,
                            part: e.required(self, "part").and_then(|n| self.string(n, "`part`")),
                            path: e.required(self, "path").and_then(|n| self.string(n, "`path`")),
                            reason: e.required(self, "reason").and_then(|n| self.text(n, "`reason`")),
                        })
                    })
                    .collect(),
                Some(other) => {
                    self.err(other.pos, format!("`known_differences` must be a list, found {}", other.kind()));
                    Vec::new()
                }
                None => Vec::new(),
            };
            let expected_failure = m.get("expected_failure").and_then(|n| {
                let e = self.map(n, "`expected_failure`", EXPECTED_FAILURE_KEYS)?;
                Some(ExpectedFailureAst {
                    pos: n.pos,
                    part: e.required(self, "part").and_then(|n| self.string(n, "`part`")),
                    reason: e.required(self, "reason").and_then(|n| self.text(n, "`reason`")),
                })
            });
            out.push(ExampleAst {
                pos: item.pos,
                name: m.required(self, "name").and_then(|n| self.string(n, "`name`")),
                description: m.get("description").and_then(|n| self.text(n, "`description`")),
                sources: self.sources(&m),
                path_params: match m.get("path_params") {
                    Some(n) => self.map(n, "`path_params`", &[]).map_or_else(Vec::new, |e| {
                        e.items
                            .iter()
                            .filter_map(|(k, v)| Some((k.clone(), self.string(v, "a path parameter")?)))
                            .collect()
                    }),
                    None => Vec::new(),
                },
                query: m.get("query").and_then(|n| self.json(n, "`query`")),
                request: m.get("request").and_then(|n| self.json(n, "`request`")),
                response: m.get("response").and_then(|n| self.json(n, "`response`")),
                status: m.get("status").and_then(|n| self.uint(n, "`status`")),
                error: m.get("error").and_then(|n| self.string(n, "`error`")),
                known_differences,
                expected_failure,
            });
        }
        out
    }

    /// JSON text: a string, best a block scalar (`|`) holding the documented JSON verbatim.
    fn json(&mut self, node: &Node, what: &str) -> Option<JsonAst> {
        let Value::Scalar { text, quoted } = &node.value else {
            self.err(
                node.pos,
                format!("{what} must be the documented JSON as text (a `|` block), found {}", node.kind()),
            );
            return None;
        };
        // A block scalar keeps its final line break; its position is that of its first line's text.
        let block = *quoted && text.ends_with('\n');
        Some(JsonAst { text: text.clone(), start: node.pos, block })
    }
}
