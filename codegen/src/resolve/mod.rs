//! Checks the AST as a whole and lowers it to the model, like typify's `TypeSpace`: a first pass
//! builds the symbol table (every type and every generated Rust name, per module; [`names`]),
//! then codes and envelopes ([`codes`]), paths ([`paths`]), types ([`types`]) and limits
//! ([`limits`]) resolve against it. Every problem is reported; the model is only returned when
//! there were none, and it holds everything later stages need, so they never read the AST or
//! derive a name, bound or usage again.

mod codes;
mod examples;
mod limits;
mod names;
mod notifications;
mod paths;
mod types;

use std::collections::{BTreeSet, HashMap};

use crate::ast::*;
use crate::diag::{Diagnostics, did_you_mean};
use crate::model::*;
use crate::yaml::Pos;
use codes::{CODE_KEYS_RESERVED, ProviderCode};
use names::{ERROR_METHODS, Names, Ns, OperationSymbols, Origin, TypeSymbol};
use types::{FieldPlace, TypeScope, mark_usage};

pub struct ProviderInput {
    pub provider: ProviderFile,
    pub operations: Vec<OperationFile>,
    /// The base of a spec diff: keys made required since are derived when missing.
    pub base: bool,
}

pub fn resolve(inputs: Vec<ProviderInput>, diags: &mut Diagnostics) -> Vec<Provider> {
    let mut providers = Vec::new();
    let mut files = HashMap::new();
    let mut root = Names::new("the crate root");
    root.declare(diags, Ns::Type, "runtime", Origin::fixed("the re-export of payspec-runtime"));
    for input in inputs {
        if let Some(name) = &input.provider.provider {
            let file = &input.provider.file;
            if let Some(first) = files.insert(name.value.clone(), file.clone()) {
                diags.error(file, name.pos, format!("provider `{}` is already defined in {first}", name.value));
            } else {
                root.declare(
                    diags,
                    Ns::Type,
                    &name.value,
                    Origin::spec(format!("provider `{}`", name.value), file, name.pos),
                );
            }
        }
        if let Some(p) = ProviderResolver::new(&input.provider, input.base, diags).run(&input) {
            providers.push(p);
        }
    }
    providers.sort_by(|a, b| a.name.cmp(&b.name));
    providers
}

struct ProviderResolver<'a> {
    file: &'a File,
    diags: &'a mut Diagnostics,
    classifications: Vec<String>,
    categories: Vec<Category>,
    /// provider.yaml's codes, each resolved once.
    codes: HashMap<&'a str, ProviderCode<'a>>,
    /// The envelope kind as written (`alipay_plus`), which decides whether codes carry a result status.
    envelope_kind: Option<&'a str>,
    /// Derive keys the format made required later, for the base of a spec diff.
    base: bool,
    /// Whether a limit of this provider has a `pattern`.
    patterns: bool,
    /// Whether a field of this provider is a `DateTime`.
    datetimes: bool,
}

/// What every operation of a provider sees of it.
struct Shared<'s> {
    symbols: &'s HashMap<String, TypeSymbol>,
    types: &'s [TypeDef],
    envelope: Option<&'s Envelope>,
}

fn loc(file: &File, pos: Pos) -> Loc {
    Loc { file: file.clone(), line: pos.line }
}

impl<'a> ProviderResolver<'a> {
    fn new(p: &'a ProviderFile, base: bool, diags: &'a mut Diagnostics) -> Self {
        ProviderResolver {
            file: &p.file,
            diags,
            classifications: p.classifications.iter().map(|(n, _)| n.value.clone()).collect(),
            categories: Vec::new(),
            codes: HashMap::new(),
            envelope_kind: p.envelope.as_ref().and_then(|e| e.kind.as_ref()).map(|k| k.value.as_str()),
            base,
            patterns: false,
            datetimes: false,
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

        let symbols = names::symbols(self.diags, input);
        self.categories = p
            .categories
            .iter()
            .zip(&symbols.categories)
            .map(|((n, d), variant)| Category {
                name: n.value.clone(),
                variant: variant.clone(),
                description: d.clone(),
            })
            .collect();
        self.provider_codes(&p.codes);
        let shared_scope = TypeScope { shared: &symbols.shared, own: None };
        let mut shared_types = self.types(file, &p.types, &shared_scope, &[]);
        let envelope = p.envelope.as_ref().and_then(|e| self.envelope(e, &symbols.shared, &shared_types));

        let shared = Shared { symbols: &symbols.shared, types: &shared_types, envelope: envelope.as_ref() };
        let mut operations = Vec::new();
        for (op, names) in input.operations.iter().zip(&symbols.operations) {
            if let Some(o) = self.operation(op, names, &shared) {
                operations.push(o);
            }
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        let error_body = match &envelope {
            Some(Envelope::HttpStatus { error_body, .. }) => Some(error_body.as_str()),
            _ => None,
        };
        mark_usage(&mut shared_types, &mut operations, error_body);
        let cx = notifications::Context { scope: &shared_scope, types: &shared_types, operations: &operations, auth };
        let mut notifications = Vec::new();
        for (n, names) in p.notifications.iter().zip(&symbols.notifications) {
            notifications.extend(self.notification(n, names, &cx));
        }
        notifications.sort_by(|a, b| a.name.cmp(&b.name));
        notifications::mark_usage(&mut shared_types, &notifications);
        let all_resolved = operations.len() == input.operations.len() && notifications.len() == p.notifications.len();
        self.unused_types(input, &shared_types, &operations, all_resolved);

        if self.diags.len() > before {
            return None;
        }
        let (auth, envelope) = (auth?, envelope?);
        let runtime_features = runtime_features(auth, &envelope, &notifications, self.patterns, self.datetimes);
        Some(Provider {
            name: p.provider.clone()?.value,
            title: p.title.clone()?,
            description: p.description.clone(),
            sources: p.sources.clone(),
            loc: loc(file, Pos { line: 1, col: 1 }),
            base_urls: p
                .base_urls
                .iter()
                .zip(symbols.environments)
                .map(|((e, u), (variant, constant))| BaseUrl {
                    environment: e.value.clone(),
                    url: u.value.clone(),
                    variant,
                    constant,
                })
                .collect(),
            environment_enum: symbols.environment_enum,
            auth,
            envelope,
            classifications: p
                .classifications
                .iter()
                .map(|(n, d)| Described { name: n.value.clone(), description: d.clone() })
                .collect(),
            categories: self.categories,
            category_enum: symbols.category_enum,
            types: shared_types,
            operations,
            runtime_features,
            notifications,
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

    fn operation(&mut self, op: &'a OperationFile, names: &OperationSymbols, shared: &Shared<'_>) -> Option<Operation> {
        let file = &op.file;
        let before = self.diags.len();
        self.snake_ident(file, &op.name, "operation file name (the operation's name)");
        let method = op.method.as_ref().and_then(|m| self.one_of(file, m, "method", Method::ALL));
        let effect = op.effect.as_ref().and_then(|e| {
            let effect = self.one_of(file, e, "effect", Effect::ALL)?;
            // A GET only reads: the effect would send a recovery handler looking for money that moved.
            if method == Some(Method::Get) {
                self.err(file, e.pos, format!("`effect: {}` on a GET operation, which moves no money", e.value));
            }
            Some(effect)
        });
        if let Some(t) = op.timeout_seconds.as_ref().filter(|t| !(1..=600).contains(&t.value)) {
            self.err(file, t.pos, format!("timeout_seconds {} must be between 1 and 600", t.value));
        }

        // Types of this operation, then everything that refers to them.
        for t in &op.types {
            if shared.symbols.contains_key(&t.name.value) {
                self.err(
                    file,
                    t.name.pos,
                    format!("type `{}` is also defined in provider.yaml; remove one of them", t.name.value),
                );
            }
        }
        let scope = TypeScope { shared: shared.symbols, own: Some(&names.types) };
        let types = self.types(file, &op.types, &scope, shared.types);

        let (path_segments, path_params) = match &op.path {
            Some(path) => self.path(file, path, &op.path_params, &scope),
            None => (Vec::new(), Vec::new()),
        };
        let query = self.fields(file, &op.query, &scope, FieldPlace::Query);
        let query_constraints = self.constraints(file, &op.query_constraints, &query, &scope);
        let request = op.request.as_ref().and_then(|r| {
            let t = self.type_ref(file, r, &scope)?;
            if !matches!(&t, TypeRef::Named(n) if n.kind == NamedKind::Struct) {
                self.err(file, r.pos, format!("`request` must name a struct type, found `{}`", r.value));
            }
            Some(t)
        });
        let idempotency_key = op.idempotency_key.as_ref().and_then(|key| {
            if op.idempotent == Some(false) {
                self.err(
                    file,
                    key.pos,
                    "`idempotency_key` makes the operation idempotent, but it says `idempotent: false`; remove one",
                );
            }
            let Some(TypeRef::Named(n)) = &request else {
                if op.request.is_none() {
                    self.err(
                        file,
                        key.pos,
                        "`idempotency_key` names a request field, but the operation has no `request`",
                    );
                }
                return None;
            };
            let defs = if n.scope == Scope::Operation { &types[..] } else { shared.types };
            // A request type that did not resolve was reported already.
            let TypeKind::Struct(fields) = &defs.iter().find(|t| t.name == n.name)?.kind else { return None };
            let Some(field) = fields.iter().find(|f| f.wire_name == key.value) else {
                let hint = did_you_mean(&key.value, fields.iter().map(|f| f.wire_name.as_str()));
                self.err(file, key.pos, format!("`idempotency_key`: `{}` has no field `{}`{hint}", n.name, key.value));
                return None;
            };
            let string = matches!(&field.ty, TypeRef::Primitive(Primitive::String))
                || matches!(&field.ty, TypeRef::Named(t) if t.kind == NamedKind::String);
            if !string || !field.required {
                self.err(
                    file,
                    key.pos,
                    format!(
                        "`idempotency_key`: `{}.{}` must be a required string, found {}{}",
                        n.name,
                        key.value,
                        if field.required { "" } else { "optional " },
                        field.ty
                    ),
                );
                return None;
            }
            Some(key.value.clone())
        });
        let line_pay = matches!(shared.envelope, Some(Envelope::LinePay { .. }));
        let response = op.response.as_ref().and_then(|r| {
            let t = self.type_ref(file, r, &scope)?;
            let ok = match &t {
                TypeRef::Named(n) => n.kind == NamedKind::Struct,
                TypeRef::List(inner) => {
                    line_pay && matches!(inner.as_ref(), TypeRef::Named(n) if n.kind == NamedKind::Struct)
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
        let http_status = matches!(shared.envelope, Some(Envelope::HttpStatus { .. }));
        let success_status = match &op.success_status {
            None => 200,
            Some(s) if !http_status => {
                self.err(file, s.pos, "`success_status` applies only to the http_status envelope");
                200
            }
            Some(s) => match u16::try_from(s.value).ok().filter(|v| (200..300).contains(v)) {
                Some(v) => v,
                None => {
                    self.err(file, s.pos, format!("success_status {} must be a 2xx status", s.value));
                    200
                }
            },
        };
        let alipay_plus = matches!(shared.envelope, Some(Envelope::AlipayPlus));
        if !op.success_codes.is_empty() && !line_pay && !alipay_plus {
            self.err(
                file,
                op.success_codes[0].pos,
                "`success_codes` applies only to the line_pay and alipay_plus envelopes",
            );
        }
        let success_codes = self.success_codes(file, &op.success_codes, shared.envelope);
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
        let target = examples::ExampleTarget {
            path_segments: &path_segments,
            path_params: &path_params,
            has_query: !query.is_empty(),
            request: request.as_ref(),
            codes: &codes,
            envelope: shared.envelope,
            success_status,
        };
        let examples = self.examples(file, &op.examples, &target);

        if self.diags.len() > before {
            return None;
        }
        Some(Operation {
            name: op.name.value.clone(),
            error_type: names.error.clone(),
            query_type: names.query.clone(),
            outcome_type: names.outcome.clone(),
            sources: op.sources.clone(),
            loc: loc(file, Pos { line: 1, col: 1 }),
            summary: op.summary.clone()?,
            description: op.description.clone(),
            method: method?,
            path: op.path.clone()?.value,
            path_segments,
            timeout_seconds: op.timeout_seconds.as_ref().map(|t| t.value),
            idempotent: op.idempotent.unwrap_or(method == Some(Method::Get) || idempotency_key.is_some()),
            idempotency_key,
            effect,
            success_status,
            path_params,
            query,
            query_constraints,
            request,
            response,
            success_codes,
            codes,
            types,
            examples,
        })
    }
}

/// The runtime features a provider's generated code calls into: its protocols (request signing, the
/// envelope, notification verification and acknowledgement), the regex engine for `pattern`, and
/// `DateTime` for `format: datetime` fields.
fn runtime_features(
    auth: Auth,
    envelope: &Envelope,
    notifications: &[Notification],
    patterns: bool,
    datetimes: bool,
) -> BTreeSet<RuntimeFeature> {
    let mut features = BTreeSet::new();
    features.insert(match auth {
        Auth::LinePayHmacSha256 => RuntimeFeature::LinePay,
        Auth::AlipayPlusRsa256 => RuntimeFeature::AlipayPlus,
        Auth::ElepaySecretKey => RuntimeFeature::Elepay,
    });
    match envelope {
        Envelope::LinePay { .. } => _ = features.insert(RuntimeFeature::LinePay),
        Envelope::AlipayPlus => _ = features.insert(RuntimeFeature::AlipayPlus),
        Envelope::HttpStatus { .. } => {}
    }
    for n in notifications {
        if n.auth == NotificationAuth::AlipayPlusRsa256 || n.acknowledgement == Acknowledgement::AlipayPlusResult {
            features.insert(RuntimeFeature::AlipayPlus);
        }
    }
    if patterns {
        features.insert(RuntimeFeature::Pattern);
    }
    if datetimes {
        features.insert(RuntimeFeature::DateTime);
    }
    features
}
