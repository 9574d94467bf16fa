//! Checks the AST as a whole and lowers it to the model: resolves type references, merges provider
//! codes into operations, derives Rust names, and rejects limits that make no sense. Every problem
//! is reported; the model is only returned when there were none.

use std::collections::{BTreeSet, HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::ast::*;
use crate::diag::{Diagnostics, did_you_mean};
use crate::model::*;
use crate::yaml::Pos;

/// Rust keywords a field may not be named after even as a raw identifier.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];
/// Names generated code relies on from the prelude; a spec type may not shadow them.
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "TryFrom",
    "AsRef",
    "ToString",
    "Iterator",
];
/// Methods every error enum has; a classification may not take their names.
const ERROR_METHODS: &[&str] =
    &["code", "description", "from_code", "is_retryable", "is_outcome_unknown", "http_status", "category"];

pub struct ProviderInput {
    pub provider: ProviderFile,
    pub operations: Vec<OperationFile>,
}

pub fn resolve(inputs: Vec<ProviderInput>, diags: &mut Diagnostics) -> Vec<Provider> {
    let mut providers = Vec::new();
    let mut names = HashMap::new();
    for input in inputs {
        if let Some(name) = &input.provider.provider {
            if let Some(first) = names.insert(name.value.clone(), input.provider.file.clone()) {
                diags.error(
                    &input.provider.file,
                    name.pos,
                    format!("provider `{}` is already defined in {first}", name.value),
                );
            }
        }
        if let Some(p) = ProviderResolver::new(&input.provider, diags).run(&input) {
            providers.push(p);
        }
    }
    providers.sort_by(|a, b| a.name.cmp(&b.name));
    providers
}

struct ProviderResolver<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
    /// Provider-level types by name.
    shared: HashMap<&'a str, &'a TypeAst>,
    classifications: Vec<String>,
    categories: Vec<String>,
    codes: HashMap<&'a str, &'a CodeAst>,
}

fn loc(file: &str, pos: Pos) -> Loc {
    Loc { file: file.to_owned(), line: pos.line }
}

impl<'a> ProviderResolver<'a> {
    fn new(p: &'a ProviderFile, diags: &'a mut Diagnostics) -> Self {
        ProviderResolver {
            file: &p.file,
            diags,
            shared: p.types.iter().map(|t| (t.name.value.as_str(), t)).collect(),
            classifications: p.classifications.iter().map(|(n, _)| n.value.clone()).collect(),
            categories: p.categories.iter().map(|(n, _)| n.value.clone()).collect(),
            codes: p.codes.iter().map(|c| (c.code.value.as_str(), c)).collect(),
        }
    }

    fn err(&mut self, file: &str, pos: Pos, message: impl Into<String>) {
        self.diags.error(file, pos, message);
    }

    fn run(mut self, input: &'a ProviderInput) -> Option<Provider> {
        let p = &input.provider;
        let before = self.diags.len();
        let file = self.file;
        if let Some(name) = &p.provider {
            self.snake_ident(file, name, "provider name");
            if name.value != p.folder {
                self.err(
                    file,
                    name.pos,
                    format!("provider `{}` lives in the folder `{}`; rename one so they match", name.value, p.folder),
                );
            }
        }
        for (env, url) in &p.base_urls {
            self.snake_ident(file, env, "environment name");
            let scheme_ok = url.value.starts_with("https://") || url.value.starts_with("http://");
            if !scheme_ok || url.value.ends_with('/') || url.value.contains(char::is_whitespace) {
                self.err(
                    file,
                    url.pos,
                    format!("base URL `{}` must start with https:// (or http://) and must not end with `/`", url.value),
                );
            }
        }
        let auth = p.auth.as_ref().and_then(|a| self.one_of(file, a, "auth", Auth::ALL));
        for (name, _) in &p.classifications {
            self.snake_ident(file, name, "classification");
            if CODE_KEYS_RESERVED.contains(&name.value.as_str()) || ERROR_METHODS.contains(&name.value.as_str()) {
                self.err(
                    file,
                    name.pos,
                    format!(
                        "classification `{}` clashes with a built-in code key or error method; choose another name",
                        name.value
                    ),
                );
            }
        }
        for (name, _) in &p.categories {
            self.snake_ident(file, name, "category");
        }
        let mut seen_variants: HashMap<String, Pos> = HashMap::new();
        for code in &p.codes {
            if let Some(c) = self.code(file, code, None, false) {
                if let Some(first) = seen_variants.insert(c.variant.clone(), code.pos) {
                    self.err(
                        file,
                        code.pos,
                        format!(
                            "code `{}` takes the name `{}`, already used by the code at line {}",
                            code.code.value, c.variant, first.line
                        ),
                    );
                }
            }
        }
        let envelope = p.envelope.as_ref().and_then(|e| self.envelope(e));
        let mut shared_types = self.types(file, &p.types, Scope::Provider, &[]);

        let mut operations = Vec::new();
        for op in &input.operations {
            if let Some(o) = self.operation(op, &envelope) {
                operations.push(o);
            }
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        let error_body = match &envelope {
            Some(Envelope::HttpStatus { error_body, .. }) => Some(error_body.as_str()),
            _ => None,
        };
        mark_usage(&mut shared_types, &mut operations, error_body);
        let all_resolved = operations.len() == input.operations.len();
        self.unused_types(input, &shared_types, &operations, all_resolved);

        if self.diags.len() > before {
            return None;
        }
        Some(Provider {
            name: p.provider.clone()?.value,
            title: p.title.clone()?,
            description: p.description.clone(),
            sources: p.sources.clone(),
            loc: loc(file, Pos { line: 1, col: 1 }),
            base_urls: p
                .base_urls
                .iter()
                .map(|(e, u)| BaseUrl { environment: e.value.clone(), url: u.value.clone() })
                .collect(),
            auth: auth?,
            envelope: envelope?,
            classifications: p
                .classifications
                .iter()
                .map(|(n, d)| Described { name: n.value.clone(), description: d.clone() })
                .collect(),
            categories: p
                .categories
                .iter()
                .map(|(n, d)| Described { name: n.value.clone(), description: d.clone() })
                .collect(),
            types: shared_types,
            operations,
        })
    }

    fn one_of<T: Copy>(&mut self, file: &str, value: &Spanned<String>, what: &str, all: &[(&str, T)]) -> Option<T> {
        let found = all.iter().find(|(n, _)| *n == value.value).map(|(_, v)| *v);
        if found.is_none() {
            let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
            let hint = did_you_mean(&value.value, names.iter().copied());
            self.err(
                file,
                value.pos,
                format!("unknown {what} `{}`{hint}; expected one of: {}", value.value, names.join(", ")),
            );
        }
        found
    }

    fn snake_ident(&mut self, file: &str, name: &Spanned<String>, what: &str) -> bool {
        let ok = is_snake(&name.value) && !KEYWORDS.contains(&name.value.as_str());
        if !ok {
            self.err(
                file,
                name.pos,
                format!(
                    "{what} `{}` must be a snake_case Rust identifier (lowercase letters, digits, `_`; not a keyword)",
                    name.value
                ),
            );
        }
        ok
    }

    fn camel_ident(&mut self, file: &str, name: &str, pos: Pos, what: &str) -> bool {
        if !is_camel(name) {
            self.err(
                file,
                pos,
                format!("{what} `{name}` must be an UpperCamelCase Rust identifier such as `OrderInfo`"),
            );
            return false;
        }
        if PRELUDE.contains(&name) || name == "Self" {
            self.err(file, pos, format!("{what} `{name}` would shadow Rust's own `{name}`; choose another name"));
            return false;
        }
        true
    }

    fn envelope(&mut self, e: &EnvelopeAst) -> Option<Envelope> {
        let file = self.file;
        let kind = e.kind.as_ref()?;
        let misplaced = |key: &str, present: bool| {
            present.then(|| format!("`{key}` does not apply to envelope kind `{}`", kind.value))
        };
        let problems: Vec<String> = match kind.value.as_str() {
            "line_pay" => {
                [misplaced("error_body", e.error_body.is_some()), misplaced("code_field", e.code_field.is_some())]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            "alipay_plus" => [
                misplaced("success_codes", !e.success_codes.is_empty()),
                misplaced("error_body", e.error_body.is_some()),
                misplaced("code_field", e.code_field.is_some()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            "http_status" => misplaced("success_codes", !e.success_codes.is_empty()).into_iter().collect(),
            other => {
                let hint = did_you_mean(other, ["line_pay", "alipay_plus", "http_status"]);
                self.err(
                    file,
                    kind.pos,
                    format!("unknown envelope kind `{other}`{hint}; expected line_pay, alipay_plus or http_status"),
                );
                return None;
            }
        };
        let had_problems = !problems.is_empty();
        for p in problems {
            self.err(file, e.pos, p);
        }
        match kind.value.as_str() {
            "line_pay" => {
                if e.success_codes.is_empty() {
                    self.err(file, e.pos, "envelope kind `line_pay` needs `success_codes` (LINE Pay uses [\"0000\"])");
                    return None;
                }
                for c in &e.success_codes {
                    if self.codes.contains_key(c.value.as_str()) {
                        self.err(file, c.pos, format!("`{}` is both a success code and an error code", c.value));
                    }
                }
                (!had_problems).then(|| Envelope::LinePay {
                    success_codes: e.success_codes.iter().map(|c| c.value.clone()).collect(),
                })
            }
            "alipay_plus" => (!had_problems).then_some(Envelope::AlipayPlus),
            _ => {
                let (Some(body), Some(field)) = (&e.error_body, &e.code_field) else {
                    self.err(file, e.pos, "envelope kind `http_status` needs `error_body` (a struct type) and `code_field` (its field holding the code)");
                    return None;
                };
                let Some(ty) = self.shared.get(body.value.as_str()).copied() else {
                    let hint = did_you_mean(&body.value, self.shared.keys().copied());
                    self.err(
                        file,
                        body.pos,
                        format!("`error_body` names `{}`, which is not a type in provider.yaml{hint}", body.value),
                    );
                    return None;
                };
                let TypeBody::Struct(fields) = &ty.body else {
                    self.err(file, body.pos, format!("`error_body` type `{}` must be a struct", body.value));
                    return None;
                };
                let Some(code) = fields.iter().find(|f| f.name.value == field.value) else {
                    let hint = did_you_mean(&field.value, fields.iter().map(|f| f.name.value.as_str()));
                    self.err(
                        file,
                        field.pos,
                        format!("`code_field` `{}` is not a field of `{}`{hint}", field.value, body.value),
                    );
                    return None;
                };
                if code.ty.as_ref().is_some_and(|t| t.value != "string") {
                    self.err(file, field.pos, format!("`code_field` `{}` must be of type string", field.value));
                }
                (!had_problems)
                    .then(|| Envelope::HttpStatus { error_body: body.value.clone(), code_field: field.value.clone() })
            }
        }
    }

    /// A code definition, merged over `base` (the provider's definition) when there is one.
    fn code(&mut self, file: &str, c: &CodeAst, base: Option<&CodeAst>, in_operation: bool) -> Option<Code> {
        let code = &c.code;
        if code.value.is_empty() || code.value.contains(char::is_whitespace) {
            self.err(file, code.pos, format!("code {:?} must be non-empty and without spaces", code.value));
        }
        if let Some(b) = base {
            if let Some(name) = &c.name {
                if b.name.as_ref().is_none_or(|n| n.value != name.value) {
                    self.err(
                        file,
                        name.pos,
                        format!(
                            "code `{}` is named in provider.yaml; an operation may add facts to it but not rename it",
                            code.value
                        ),
                    );
                }
            }
            if let Some(common) = &c.common {
                self.err(file, common.pos, "`common` belongs in provider.yaml, not in an operation");
            }
        } else if let Some(common) = c.common.as_ref().filter(|_| in_operation) {
            self.err(file, common.pos, "`common` belongs in provider.yaml, not in an operation");
        }
        let named = c.name.as_ref().or(base.and_then(|b| b.name.as_ref()));
        let variant = match named {
            Some(n) => self.camel_ident(file, &n.value, n.pos, "code name").then(|| n.value.clone()),
            None => {
                let derived = code.value.to_upper_camel_case();
                if is_camel(&derived) {
                    Some(derived)
                } else {
                    self.err(
                        file,
                        code.pos,
                        format!("code `{}` needs a `name`: the code itself does not make a Rust name", code.value),
                    );
                    None
                }
            }
        };
        if variant.as_deref() == Some("Unknown") {
            self.err(file, c.pos, "the name `Unknown` is reserved for codes the spec does not list; choose another");
        }
        let description = c.description.clone().or(base.and_then(|b| b.description.clone()));
        if description.is_none() {
            self.err(file, c.pos, format!("code `{}` needs a `description` saying what it means", code.value));
        }
        if let Some(s) = c.http_status.as_ref().filter(|s| !(100..=599).contains(&s.value)) {
            self.err(file, s.pos, format!("http_status {} is not an HTTP status (100 to 599)", s.value));
        }
        let category = c.category.as_ref().or(base.and_then(|b| b.category.as_ref()));
        if let Some(cat) = category {
            if !self.categories.contains(&cat.value) {
                let hint = did_you_mean(&cat.value, self.categories.iter().map(String::as_str));
                self.err(
                    file,
                    cat.pos,
                    format!("category `{}` is not declared under `categories` in provider.yaml{hint}", cat.value),
                );
            }
        }
        let mut flags: BTreeSet<&str> = BTreeSet::new();
        for (name, on) in base.iter().flat_map(|b| &b.flags).chain(&c.flags) {
            if !self.classifications.contains(&name.value) {
                let known: Vec<&str> =
                    CODE_KEYS_RESERVED.iter().copied().chain(self.classifications.iter().map(String::as_str)).collect();
                let hint = did_you_mean(&name.value, known.iter().copied());
                self.err(
                    file,
                    name.pos,
                    format!("`{}` is not a code key or a classification declared in provider.yaml{hint}", name.value),
                );
            } else if *on {
                flags.insert(&name.value);
            }
        }
        let pick = |own: Option<bool>, inherited: Option<bool>| own.or(inherited).unwrap_or(false);
        Some(Code {
            code: code.value.clone(),
            variant: variant?,
            description: description?,
            retryable: pick(c.retryable, base.and_then(|b| b.retryable)),
            outcome_unknown: pick(c.outcome_unknown, base.and_then(|b| b.outcome_unknown)),
            http_status: c.http_status.as_ref().or(base.and_then(|b| b.http_status.as_ref())).map(|s| s.value as u16),
            category: category.map(|c| c.value.clone()),
            classifications: self.classifications.iter().filter(|n| flags.contains(n.as_str())).cloned().collect(),
            loc: loc(file, c.pos),
        })
    }

    fn operation(&mut self, op: &'a OperationFile, envelope: &Option<Envelope>) -> Option<Operation> {
        let file = op.file.as_str();
        let before = self.diags.len();
        self.snake_ident(file, &op.name, "operation file name (the operation's name)");
        let type_name = op.name.value.to_upper_camel_case();
        let method = op.method.as_ref().and_then(|m| self.one_of(file, m, "method", Method::ALL));
        if let Some(t) = op.timeout_seconds.as_ref().filter(|t| !(1..=600).contains(&t.value)) {
            self.err(file, t.pos, format!("timeout_seconds {} must be between 1 and 600", t.value));
        }

        // Types of this operation, then everything that refers to them.
        let generated = [format!("{type_name}Error"), format!("{type_name}Query")];
        for t in &op.types {
            if self.shared.contains_key(t.name.value.as_str()) {
                self.err(
                    file,
                    t.name.pos,
                    format!("type `{}` is also defined in provider.yaml; remove one of them", t.name.value),
                );
            }
        }
        let own: HashMap<&str, &TypeAst> = op.types.iter().map(|t| (t.name.value.as_str(), t)).collect();
        let types = self.types(file, &op.types, Scope::Operation, &generated);
        let shared = self.shared.clone();
        let scope = TypeScope { shared: &shared, own: &own };

        let (path_segments, path_params) = match &op.path {
            Some(path) => self.path(file, path, &op.path_params, &scope),
            None => (Vec::new(), Vec::new()),
        };
        let query = self.fields(file, &op.query, &scope, FieldPlace::Query);
        let request = op.request.as_ref().and_then(|r| {
            let t = self.type_ref(file, r, &scope)?;
            if !matches!(&t, TypeRef::Named(n) if n.kind == NamedKind::Struct) {
                self.err(file, r.pos, format!("`request` must name a struct type, found `{}`", r.value));
            }
            Some(t)
        });
        let response = op.response.as_ref().and_then(|r| {
            let t = self.type_ref(file, r, &scope)?;
            let ok = match &t {
                TypeRef::Named(n) => n.kind == NamedKind::Struct,
                TypeRef::List(inner) => {
                    matches!(envelope, Some(Envelope::LinePay { .. }))
                        && matches!(inner.as_ref(), TypeRef::Named(n) if n.kind == NamedKind::Struct)
                }
                _ => false,
            };
            if !ok {
                self.err(
                    file,
                    r.pos,
                    format!(
                        "`response` must name a struct type (or, for LINE Pay's `info`, a list of one), found `{}`",
                        r.value
                    ),
                );
            }
            Some(t)
        });
        if !op.success_codes.is_empty() && !matches!(envelope, Some(Envelope::LinePay { .. })) {
            self.err(file, op.success_codes[0].pos, "`success_codes` applies only to the line_pay envelope");
        }
        let success_codes = self.success_codes(file, &op.success_codes, envelope);
        let codes = self.operation_codes(op);
        if op.codes.is_empty() && codes.is_empty() {
            self.err(
                file,
                Pos { line: 1, col: 1 },
                "the operation lists no return codes; list every code its page documents",
            );
        }
        for s in &op.success_codes {
            if codes.iter().any(|c| c.code == s.code.value) {
                self.err(file, s.code.pos, format!("`{}` is both a success code and an error code", s.code.value));
            }
        }

        if self.diags.len() > before {
            return None;
        }
        Some(Operation {
            name: op.name.value.clone(),
            type_name,
            sources: op.sources.clone(),
            loc: loc(file, Pos { line: 1, col: 1 }),
            summary: op.summary.clone()?,
            description: op.description.clone(),
            method: method?,
            path: op.path.clone()?.value,
            path_segments,
            timeout_seconds: op.timeout_seconds.as_ref().map(|t| t.value),
            idempotent: op.idempotent.unwrap_or(method == Some(Method::Get)),
            path_params,
            query,
            request,
            response,
            success_codes,
            codes,
            types,
        })
    }

    fn success_codes(&mut self, file: &str, list: &[SuccessCodeAst], envelope: &Option<Envelope>) -> Vec<SuccessCode> {
        let provider_codes = match envelope {
            Some(Envelope::LinePay { success_codes }) => success_codes.clone(),
            _ => Vec::new(),
        };
        let mut seen: HashMap<String, Pos> = HashMap::new();
        let mut out = Vec::new();
        for s in list {
            if provider_codes.contains(&s.code.value) {
                self.err(file, s.code.pos, format!("`{}` is already a success code of the provider", s.code.value));
            }
            let Some(name) = &s.name else { continue };
            if !self.camel_ident(file, &name.value, name.pos, "success code name") {
                continue;
            }
            if name.value == "Other" {
                self.err(file, name.pos, "the name `Other` is reserved for the provider's own success codes");
                continue;
            }
            for (key, pos) in
                [(format!("name {}", name.value), name.pos), (format!("code {}", s.code.value), s.code.pos)]
            {
                if let Some(first) = seen.insert(key.clone(), pos) {
                    self.err(file, pos, format!("success code {key} is listed twice (first at line {})", first.line));
                }
            }
            out.push(SuccessCode {
                code: s.code.value.clone(),
                variant: name.value.clone(),
                description: s.description.clone().unwrap_or_default(),
                loc: loc(file, s.pos),
            });
        }
        out
    }

    fn operation_codes(&mut self, op: &OperationFile) -> Vec<Code> {
        let file = op.file.as_str();
        let mut out: Vec<Code> = Vec::new();
        let mut seen: HashMap<String, Pos> = HashMap::new();
        for entry in &op.codes {
            let (code, pos) = match entry {
                CodeEntry::Ref(c) => (&c.value, c.pos),
                CodeEntry::Def(c) => (&c.code.value, c.code.pos),
            };
            if let Some(first) = seen.insert(code.clone(), pos) {
                self.err(file, pos, format!("code `{code}` is listed twice (first at line {})", first.line));
                continue;
            }
            let base = self.codes.get(code.as_str()).copied();
            if base.is_some_and(|b| b.common.as_ref().is_some_and(|c| c.value)) {
                self.err(
                    file,
                    pos,
                    format!("code `{code}` is common to every operation of the provider; remove it from this list"),
                );
                continue;
            }
            let resolved = match entry {
                CodeEntry::Ref(c) => match base {
                    Some(b) => self.code(self.file, b, None, false),
                    None => {
                        let hint = did_you_mean(code, self.codes.keys().copied());
                        self.err(file, c.pos, format!(
                            "code `{code}` is not defined in provider.yaml{hint}; define it there or give it a name and description here"
                        ));
                        None
                    }
                },
                CodeEntry::Def(c) => self.code(file, c, base, true),
            };
            out.extend(resolved);
        }
        let mut common: Vec<&CodeAst> =
            self.codes.values().copied().filter(|c| c.common.as_ref().is_some_and(|c| c.value)).collect();
        common.sort_by_key(|c| c.pos);
        for c in common {
            out.extend(self.code(self.file, c, None, false));
        }
        let mut variants: HashMap<&str, &Code> = HashMap::new();
        for c in &out {
            if let Some(first) = variants.insert(&c.variant, c) {
                self.diags.error(
                    file,
                    Pos { line: c.loc.line, col: 1 },
                    format!(
                        "codes `{}` and `{}` both take the name `{}` in this operation's error enum",
                        first.code, c.code, c.variant
                    ),
                );
            }
        }
        out
    }

    fn path(
        &mut self,
        file: &str,
        path: &Spanned<String>,
        params: &[FieldAst],
        scope: &TypeScope<'_>,
    ) -> (Vec<PathSegment>, Vec<Field>) {
        if !path.value.starts_with('/') || path.value.contains(['?', '#', ' ']) {
            self.err(
                file,
                path.pos,
                format!("path `{}` must start with `/` and hold no query, fragment or spaces", path.value),
            );
        }
        let mut segments = Vec::new();
        let mut order: Vec<&str> = Vec::new();
        let mut rest = path.value.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.err(file, path.pos, "path has a `{` without its `}`");
                break;
            };
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params.iter().position(|p| p.name.value == name) {
                Some(i) => {
                    if order.contains(&name) {
                        self.err(file, path.pos, format!("path parameter `{name}` appears twice in the path"));
                    }
                    order.push(name);
                    segments.push(PathSegment::Param(i));
                }
                None => {
                    self.err(file, path.pos, format!("path parameter `{{{name}}}` is not declared under `path_params`"))
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        for p in params {
            if !order.contains(&p.name.value.as_str()) {
                self.err(file, p.name.pos, format!("path parameter `{}` does not appear in the path", p.name.value));
            }
        }
        // Keep params in path order; segments index into that order.
        let fields = self.fields(file, params, scope, FieldPlace::Path);
        let reorder: Vec<usize> = order.iter().filter_map(|n| fields.iter().position(|f| f.wire_name == *n)).collect();
        let fields_in_order: Vec<Field> = reorder.iter().map(|&i| fields[i].clone()).collect();
        let segments = segments
            .into_iter()
            .map(|s| match s {
                PathSegment::Param(i) => {
                    let name = &params[i].name.value;
                    PathSegment::Param(fields_in_order.iter().position(|f| &f.wire_name == name).unwrap_or(i))
                }
                lit => lit,
            })
            .collect();
        (segments, fields_in_order)
    }

    fn types(&mut self, file: &str, defs: &[TypeAst], scope: Scope, generated: &[String]) -> Vec<TypeDef> {
        let mut out = Vec::new();
        for t in defs {
            let name = &t.name;
            if self.camel_ident(file, &name.value, name.pos, "type name") && generated.contains(&name.value) {
                self.err(
                    file,
                    name.pos,
                    format!("type name `{}` is taken by generated code; choose another", name.value),
                );
            }
            let description = t.description.clone().unwrap_or_default();
            let mut sums = Vec::new();
            if !t.sums.is_empty() && !matches!(t.body, TypeBody::Struct(_)) {
                self.err(file, t.sums[0].pos, format!("`sums` applies to structs; `{}` is not one", name.value));
            }
            let kind = match &t.body {
                TypeBody::Invalid => None,
                TypeBody::String { limits, wire } => self.string_type(file, t, limits, wire.as_ref()),
                TypeBody::Enum(values) => self.enum_type(file, t, values),
                TypeBody::Struct(fields) => {
                    let own: HashMap<&str, &TypeAst> = HashMap::new();
                    let own = if scope == Scope::Operation {
                        defs.iter().map(|d| (d.name.value.as_str(), d)).collect()
                    } else {
                        own
                    };
                    let shared = self.shared.clone();
                    let ts = TypeScope { shared: &shared, own: &own };
                    if fields.is_empty() {
                        self.err(file, name.pos, format!("struct `{}` has no fields", name.value));
                    }
                    let resolved = self.fields(file, fields, &ts, FieldPlace::Struct);
                    sums = t.sums.iter().filter_map(|rule| self.sum_rule(file, rule, &resolved, &ts)).collect();
                    Some(TypeKind::Struct(resolved))
                }
            };
            if let Some(kind) = kind {
                out.push(TypeDef {
                    name: name.value.clone(),
                    description,
                    loc: loc(file, name.pos),
                    kind,
                    sums,
                    usage: Usage::default(),
                });
            }
        }
        out
    }

    /// A sum rule: `over` names a list of structs here, `of` one or two required numbers of its
    /// elements, `equals` a number here.
    fn sum_rule(&mut self, file: &str, rule: &SumAst, fields: &[Field], scope: &TypeScope<'_>) -> Option<SumRule> {
        let numeric = |t: &TypeRef| matches!(t, TypeRef::Primitive(Primitive::Integer | Primitive::Decimal));
        let (over_name, equals_name) = (rule.over.as_ref()?, rule.equals.as_ref()?);
        let field = |name: &Spanned<String>| fields.iter().find(|f| f.wire_name == name.value);
        let over = field(over_name);
        let element = over.and_then(|f| match &f.ty {
            TypeRef::List(inner) => match inner.as_ref() {
                TypeRef::Named(n) if n.kind == NamedKind::Struct => scope.get(&n.name),
                _ => None,
            },
            _ => None,
        });
        let element_fields = match element.map(|e| &e.body) {
            Some(TypeBody::Struct(element_fields)) => Some(element_fields),
            _ => {
                let hint = if over.is_none() {
                    did_you_mean(&over_name.value, fields.iter().map(|f| f.wire_name.as_str()))
                } else {
                    String::new()
                };
                self.err(
                    file,
                    over_name.pos,
                    format!("`over: {}` must be a list of structs in this struct{hint}", over_name.value),
                );
                None
            }
        };
        if !(1..=2).contains(&rule.of.len()) {
            self.err(file, rule.pos, "`of` names one field, or two whose product is summed");
        }
        let mut of = Vec::new();
        for name in rule.of.iter().filter(|_| element_fields.is_some()) {
            let found = element_fields.into_iter().flatten().find(|f| f.name.value == name.value);
            let ty = found.and_then(|f| f.ty.as_ref()).and_then(|t| Primitive::ALL.iter().find(|(n, _)| *n == t.value));
            match (found, ty) {
                (Some(f), Some((_, p))) if f.required && numeric(&TypeRef::Primitive(*p)) => of.push(Field {
                    wire_name: name.value.clone(),
                    rust_name: name.value.to_snake_case(),
                    ty: TypeRef::Primitive(*p),
                    required: true,
                    default: None,
                    description: None,
                    deprecated: None,
                    limits: Limits::default(),
                    loc: loc(file, name.pos),
                }),
                _ => self.err(
                    file,
                    name.pos,
                    format!(
                        "`of: {}` must name a required integer or decimal field of the elements of `{}`",
                        name.value, over_name.value
                    ),
                ),
            }
        }
        let equals = field(equals_name).filter(|f| numeric(&f.ty));
        if equals.is_none() {
            let hint = did_you_mean(&equals_name.value, fields.iter().map(|f| f.wire_name.as_str()));
            self.err(
                file,
                equals_name.pos,
                format!("`equals: {}` must name an integer or decimal field of this struct{hint}", equals_name.value),
            );
        }
        let complete = element_fields.is_some() && of.len() == rule.of.len() && (1..=2).contains(&of.len());
        match (over, equals) {
            (Some(over), Some(equals)) if complete => {
                Some(SumRule { over: over.clone(), of, equals: equals.clone(), loc: loc(file, rule.pos) })
            }
            _ => None,
        }
    }

    fn string_type(
        &mut self,
        file: &str,
        t: &TypeAst,
        limits: &LimitsAst,
        wire: Option<&Spanned<String>>,
    ) -> Option<TypeKind> {
        let limits = self.limits(file, limits, &LimitTarget::Text)?;
        let wire_number = match wire {
            None => false,
            Some(w) if w.value == "string" => false,
            Some(w) if w.value == "number" => {
                let fits = limits.charset == Some(Charset::Digits)
                    && limits.max_chars.or(limits.max_bytes).is_some_and(|m| m <= 19);
                if !fits {
                    self.err(file, w.pos, format!(
                        "`wire: number` on `{}` needs `charset: digits` and at most 19 characters, so every value fits a JSON integer",
                        t.name.value
                    ));
                }
                true
            }
            Some(w) => {
                self.err(file, w.pos, format!("`wire` must be `string` or `number`, found `{}`", w.value));
                false
            }
        };
        Some(TypeKind::String { limits, wire_number })
    }

    fn enum_type(&mut self, file: &str, t: &TypeAst, values: &[EnumValueAst]) -> Option<TypeKind> {
        if values.is_empty() {
            self.err(file, t.name.pos, format!("enum `{}` has no values", t.name.value));
        }
        let mut seen: HashMap<String, Pos> = HashMap::new();
        let mut out = Vec::new();
        for v in values {
            let variant = match &v.name {
                Some(n) => self.camel_ident(file, &n.value, n.pos, "enum value name").then(|| n.value.clone()),
                None => {
                    let derived = v.value.value.to_upper_camel_case();
                    if is_camel(&derived) {
                        Some(derived)
                    } else {
                        self.err(file, v.value.pos, format!(
                            "enum value `{}` needs the long form `{{ name: ..., description: ... }}`: it does not make a Rust name",
                            v.value.value
                        ));
                        None
                    }
                }
            };
            let Some(variant) = variant else { continue };
            if variant == "Unknown" {
                self.err(file, v.value.pos, format!(
                    "enum value `{}` would take the name `Unknown`, which holds values the spec does not list; give it another `name`",
                    v.value.value
                ));
                continue;
            }
            if let Some(first) = seen.insert(variant.clone(), v.value.pos) {
                self.err(
                    file,
                    v.value.pos,
                    format!(
                        "enum value `{}` takes the name `{variant}`, already used by the value at line {}",
                        v.value.value, first.line
                    ),
                );
            }
            out.push(EnumValue {
                value: v.value.value.clone(),
                variant,
                description: v.description.clone().unwrap_or_default(),
                loc: loc(file, v.value.pos),
            });
        }
        Some(TypeKind::Enum(out))
    }

    fn fields(&mut self, file: &str, fields: &[FieldAst], scope: &TypeScope<'_>, place: FieldPlace) -> Vec<Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, Pos> = HashMap::new();
        for f in fields {
            let name = &f.name;
            let rust_name = name.value.to_snake_case();
            let ident_ok = is_snake(&rust_name) && !NOT_RAW.contains(&rust_name.as_str());
            if !ident_ok || name.value.is_empty() {
                self.err(
                    file,
                    name.pos,
                    format!(
                        "field `{}` does not make a Rust field name (its snake_case form is `{rust_name}`)",
                        name.value
                    ),
                );
                continue;
            }
            if let Some(first) = rust_names.insert(rust_name.clone(), name.pos) {
                self.err(
                    file,
                    name.pos,
                    format!(
                        "field `{}` becomes `{rust_name}` in Rust, like the field at line {}",
                        name.value, first.line
                    ),
                );
            }
            let Some(ty_text) = &f.ty else { continue };
            let Some(ty) = self.type_ref(file, ty_text, scope) else { continue };
            if !self.field_type_fits(file, f, &ty, place) {
                continue;
            }
            let target = LimitTarget::of(&ty);
            let Some(limits) = self.limits(file, &f.limits, &target) else { continue };
            if f.required && f.default.is_some() {
                self.err(file, name.pos, format!("field `{}` is required and has a default; keep one", name.value));
            }
            if let Some(d) = &f.default {
                self.default_fits(file, d, &ty, scope);
            }
            out.push(Field {
                wire_name: name.value.clone(),
                rust_name,
                ty,
                required: f.required || place == FieldPlace::Path,
                default: f.default.as_ref().map(|d| d.value.clone()),
                description: f.description.clone(),
                deprecated: f.deprecated.clone(),
                limits,
                loc: loc(file, name.pos),
            });
        }
        out
    }

    fn field_type_fits(&mut self, file: &str, f: &FieldAst, ty: &TypeRef, place: FieldPlace) -> bool {
        let scalar = |t: &TypeRef| match t {
            TypeRef::Primitive(p) => !matches!(p, Primitive::Json),
            TypeRef::Named(n) => n.kind != NamedKind::Struct,
            _ => false,
        };
        let ok = match place {
            FieldPlace::Struct => true,
            FieldPlace::Path => scalar(ty),
            FieldPlace::Query => scalar(ty) || matches!(ty, TypeRef::List(inner) if scalar(inner)),
        };
        if !ok {
            let what = if place == FieldPlace::Path { "a path parameter" } else { "a query parameter" };
            self.err(
                file,
                f.name.pos,
                format!(
                    "{what} must be a string, number, boolean, enum or constrained string{}; `{}` is `{ty}`",
                    if place == FieldPlace::Query { " (or a list of one)" } else { "" },
                    f.name.value
                ),
            );
        }
        ok
    }

    fn default_fits(&mut self, file: &str, d: &Spanned<String>, ty: &TypeRef, scope: &TypeScope<'_>) {
        let ok = match ty {
            TypeRef::Primitive(Primitive::Boolean) => d.value == "true" || d.value == "false",
            TypeRef::Primitive(Primitive::Integer) => d.value.parse::<i64>().is_ok(),
            TypeRef::Primitive(Primitive::Decimal) => number(&d.value).is_some(),
            TypeRef::Primitive(Primitive::String) => true,
            TypeRef::Named(n) if n.kind == NamedKind::Enum => match scope.get(&n.name).map(|t| &t.body) {
                Some(TypeBody::Enum(values)) => values.iter().any(|v| v.value.value == d.value),
                _ => true,
            },
            TypeRef::Named(n) => n.kind == NamedKind::String,
            _ => false,
        };
        if !ok {
            self.err(file, d.pos, format!("default `{}` is not a value of type `{ty}`", d.value));
        }
    }

    fn type_ref(&mut self, file: &str, text: &Spanned<String>, scope: &TypeScope<'_>) -> Option<TypeRef> {
        let t = text.value.trim();
        for (prefix, wrap) in [("list<", TypeRef::List as fn(Box<TypeRef>) -> TypeRef), ("map<", TypeRef::Map)] {
            if let Some(inner) = t.strip_prefix(prefix) {
                let Some(inner) = inner.strip_suffix('>') else {
                    self.err(file, text.pos, format!("type `{t}` is missing its closing `>`"));
                    return None;
                };
                let inner = Spanned { value: inner.to_owned(), pos: text.pos };
                return self.type_ref(file, &inner, scope).map(|i| wrap(Box::new(i)));
            }
        }
        if let Some((_, p)) = Primitive::ALL.iter().find(|(n, _)| *n == t) {
            return Some(TypeRef::Primitive(*p));
        }
        let (def, scope_kind) = match (scope.own.get(t), scope.shared.get(t)) {
            (Some(d), _) => (*d, Scope::Operation),
            (None, Some(d)) => (*d, Scope::Provider),
            (None, None) => {
                let names = Primitive::ALL
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(scope.own.keys().copied())
                    .chain(scope.shared.keys().copied());
                let hint = did_you_mean(t, names);
                self.err(file, text.pos, format!(
                    "unknown type `{t}`{hint}; use a primitive (string, integer, decimal, boolean, json), list<T>, map<T>, or a type defined in this file or provider.yaml"
                ));
                return None;
            }
        };
        let kind = match &def.body {
            TypeBody::String { .. } => NamedKind::String,
            TypeBody::Enum(_) => NamedKind::Enum,
            TypeBody::Struct(_) => NamedKind::Struct,
            TypeBody::Invalid => return None,
        };
        Some(TypeRef::Named(Named { name: t.to_owned(), kind, scope: scope_kind }))
    }

    fn limits(&mut self, file: &str, l: &LimitsAst, target: &LimitTarget) -> Option<Limits> {
        let before = self.diags.len();
        let text_keys = [
            ("max_bytes", &l.max_bytes),
            ("min_bytes", &l.min_bytes),
            ("max_chars", &l.max_chars),
            ("min_chars", &l.min_chars),
        ];
        let element = target.element();
        let text_ok = matches!(element, LimitTarget::Text);
        for (key, v) in text_keys {
            if let (Some(v), false) = (v, text_ok) {
                self.err(file, v.pos, format!("`{key}` applies to strings, not to {}", target.describe()));
            }
        }
        if let (Some(c), false) = (&l.charset, text_ok) {
            self.err(file, c.pos, format!("`charset` applies to strings, not to {}", target.describe()));
        }
        let mut bound = |key: &str, v: &Option<Spanned<String>>| {
            let v = v.as_ref()?;
            let LimitTarget::Number { integer } = element else {
                self.err(
                    file,
                    v.pos,
                    format!("`{key}` applies to integers and decimals, not to {}", target.describe()),
                );
                return None;
            };
            let Some(n) = number(&v.value) else {
                self.err(file, v.pos, format!("`{key}` `{}` has too many digits for an exact amount", v.value));
                return None;
            };
            if *integer && n.scale > 0 {
                self.err(file, v.pos, format!("`{key}` of an integer must be a whole number, found `{}`", v.value));
            }
            Some(n)
        };
        let (minimum, maximum) = (bound("minimum", &l.minimum), bound("maximum", &l.maximum));
        if !matches!(target, LimitTarget::Container(_)) {
            for (key, v) in [("min_items", &l.min_items), ("max_items", &l.max_items)] {
                if let Some(v) = v {
                    self.err(file, v.pos, format!("`{key}` applies to lists and maps, not to {}", target.describe()));
                }
            }
        }
        for (key, v) in [("max_bytes", &l.max_bytes), ("max_chars", &l.max_chars), ("max_items", &l.max_items)] {
            if let Some(v) = v.as_ref().filter(|v| v.value == 0) {
                self.err(file, v.pos, format!("`{key}: 0` allows nothing; remove the field or fix the limit"));
            }
        }
        let pairs = [
            ("min_bytes", &l.min_bytes, "max_bytes", &l.max_bytes),
            ("min_chars", &l.min_chars, "max_chars", &l.max_chars),
            ("min_items", &l.min_items, "max_items", &l.max_items),
            ("min_chars", &l.min_chars, "max_bytes", &l.max_bytes),
        ];
        for (lo_key, lo, hi_key, hi) in pairs {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo.value > hi.value {
                    self.err(
                        file,
                        lo.pos,
                        format!(
                            "`{lo_key}: {}` is larger than `{hi_key}: {}`; no value can satisfy both",
                            lo.value, hi.value
                        ),
                    );
                }
            }
        }
        if let (Some(lo), Some(a), Some(hi), Some(b)) = (&l.minimum, minimum, &l.maximum, maximum) {
            if a.exact() > b.exact() {
                self.err(file, lo.pos, format!("`minimum: {}` is larger than `maximum: {}`", lo.value, hi.value));
            }
        }
        let charset = l.charset.as_ref().and_then(|c| self.one_of(file, c, "charset", Charset::ALL));
        if self.diags.len() > before {
            return None;
        }
        let v = |x: &Option<Spanned<u64>>| x.as_ref().map(|s| s.value);
        Some(Limits {
            max_bytes: v(&l.max_bytes),
            min_bytes: v(&l.min_bytes),
            max_chars: v(&l.max_chars),
            min_chars: v(&l.min_chars),
            charset,
            minimum,
            maximum,
            min_items: v(&l.min_items),
            max_items: v(&l.max_items),
        })
    }

    /// Types that nothing refers to are almost always a typo or a leftover. An operation's own types
    /// are judged when it resolved; the provider's only when every operation did, since a failed
    /// operation's uses are unknown.
    fn unused_types(&mut self, input: &ProviderInput, shared: &[TypeDef], ops: &[Operation], all_resolved: bool) {
        let unused =
            |defs: &[TypeDef], name: &str| defs.iter().any(|d| d.name == name && d.usage.operations.is_empty());
        for op_file in &input.operations {
            let Some(op) = ops.iter().find(|o| o.name == op_file.name.value) else { continue };
            for t in op_file.types.iter().filter(|t| unused(&op.types, &t.name.value)) {
                self.err(
                    &op_file.file,
                    t.name.pos,
                    format!("type `{}` is defined but nothing in this operation refers to it", t.name.value),
                );
            }
        }
        if !all_resolved || ops.is_empty() {
            return;
        }
        for t in input.provider.types.iter().filter(|t| unused(shared, &t.name.value)) {
            self.err(
                &input.provider.file,
                t.name.pos,
                format!("type `{}` is defined but no operation uses it", t.name.value),
            );
        }
    }
}

/// Code keys a classification may not be named after.
const CODE_KEYS_RESERVED: &[&str] = crate::load::CODE_KEYS;

/// Fills in every type's [`Usage`]: the one walk from each operation's path, query, request,
/// response and error body through struct fields.
fn mark_usage(shared: &mut [TypeDef], ops: &mut [Operation], error_body: Option<&str>) {
    let index = |defs: &[TypeDef]| -> HashMap<String, usize> {
        defs.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect()
    };
    let shared_index = index(shared);
    let mut shared_usage = vec![Usage::default(); shared.len()];
    for op in ops.iter_mut() {
        let own_index = index(&op.types);
        let mut own_usage = vec![Usage::default(); op.types.len()];
        let mut todo: Vec<(Scope, &str, bool)> = Vec::new();
        let requests = op.path_params.iter().chain(&op.query).map(|f| &f.ty).chain(&op.request);
        todo.extend(requests.filter_map(|t| named(t, true)));
        todo.extend(op.response.iter().filter_map(|t| named(t, false)));
        todo.extend(error_body.map(|name| (Scope::Provider, name, false)));
        let mut seen = HashSet::new();
        while let Some((scope, name, request)) = todo.pop() {
            let (defs, index, usage) = match scope {
                Scope::Provider => (&*shared, &shared_index, &mut shared_usage),
                Scope::Operation => (&op.types[..], &own_index, &mut own_usage),
            };
            let Some(&i) = index.get(name) else { continue };
            if !seen.insert((scope, i, request)) {
                continue;
            }
            let u = &mut usage[i];
            u.operations.insert(op.name.clone());
            if request {
                u.requests = true;
            } else {
                u.responses = true;
            }
            if let TypeKind::Struct(fields) = &defs[i].kind {
                todo.extend(fields.iter().filter_map(|f| named(&f.ty, request)));
            }
        }
        for (t, u) in op.types.iter_mut().zip(own_usage) {
            t.usage = u;
        }
    }
    for (t, u) in shared.iter_mut().zip(shared_usage) {
        t.usage = u;
    }
}

/// The defined type a reference reaches, through lists and maps.
fn named(t: &TypeRef, request: bool) -> Option<(Scope, &str, bool)> {
    match t.element() {
        TypeRef::Named(n) => Some((n.scope, n.name.as_str(), request)),
        _ => None,
    }
}

/// The types visible from an operation: its own, then the provider's.
struct TypeScope<'s> {
    shared: &'s HashMap<&'s str, &'s TypeAst>,
    own: &'s HashMap<&'s str, &'s TypeAst>,
}

impl TypeScope<'_> {
    fn get(&self, name: &str) -> Option<&TypeAst> {
        self.own.get(name).or_else(|| self.shared.get(name)).copied()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldPlace {
    Struct,
    Path,
    Query,
}

/// What kind of value a set of limits constrains.
enum LimitTarget {
    Text,
    Number { integer: bool },
    Container(Box<LimitTarget>),
    None,
}

impl LimitTarget {
    fn of(ty: &TypeRef) -> LimitTarget {
        match ty {
            TypeRef::Primitive(Primitive::String) => LimitTarget::Text,
            TypeRef::Named(n) if n.kind == NamedKind::Enum => LimitTarget::Text,
            TypeRef::Primitive(Primitive::Integer) => LimitTarget::Number { integer: true },
            TypeRef::Primitive(Primitive::Decimal) => LimitTarget::Number { integer: false },
            TypeRef::List(inner) | TypeRef::Map(inner) => LimitTarget::Container(Box::new(LimitTarget::of(inner))),
            _ => LimitTarget::None,
        }
    }

    /// What the limits of a container's elements constrain; the target itself otherwise.
    fn element(&self) -> &LimitTarget {
        match self {
            LimitTarget::Container(inner) => inner.element(),
            other => other,
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            LimitTarget::Text => "strings",
            LimitTarget::Number { .. } => "numbers",
            LimitTarget::Container(inner) => match inner.element() {
                LimitTarget::Text => "lists and maps of strings",
                LimitTarget::Number { .. } => "lists and maps of numbers",
                _ => "lists and maps of this type",
            },
            LimitTarget::None => "booleans, JSON values, structs and constrained strings",
        }
    }
}

fn is_snake(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_"
}

fn is_camel(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// A decimal literal as an exact value, if it fits the runtime's `Decimal` (an `i64` mantissa and at
/// most 18 fractional digits); the loader already checked its syntax.
fn number(text: &str) -> Option<Number> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let scale = u32::try_from(fraction.len()).ok().filter(|s| *s <= 18)?;
    let mantissa = format!("{whole}{fraction}").parse().ok()?;
    Some(Number { mantissa, scale })
}
