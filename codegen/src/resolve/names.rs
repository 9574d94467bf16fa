//! Rust names. Every case conversion happens here (the only heck calls), and so does the symbol
//! table: a first pass declares, per generated module and enum, every name the crate will hold,
//! written or generated, so that two that coincide are a positioned error naming both instead of a
//! crate that does not compile. Later passes and stages take the generated names from here.

use std::collections::HashMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::{ProviderInput, ProviderResolver};
use crate::ast::*;
use crate::diag::Diagnostics;
use crate::model::NamedKind;
use crate::yaml::Pos;

/// Rust keywords a field may not be named after even as a raw identifier.
pub(super) const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];
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
pub(super) const ERROR_METHODS: &[&str] = &[
    "code",
    "description",
    "from_code",
    "is_retryable",
    "is_outcome_unknown",
    "http_status",
    "category",
    "result_status",
];

const ENVIRONMENT_ENUM: &str = "Environment";
const CATEGORY_ENUM: &str = "ErrorCategory";

pub(super) fn is_snake(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_"
}

pub(super) fn is_camel(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// The UpperCamelCase form of a spec value (a code, an enum value, an operation, an environment),
/// when it makes a Rust identifier.
pub(super) fn camel(text: &str) -> Option<String> {
    Some(text.to_upper_camel_case()).filter(|c| is_camel(c))
}

/// A wire name's Rust field name, without the `r#` of keywords (the emitter adds it).
pub(super) fn field_name(wire: &str) -> String {
    wire.to_snake_case()
}

/// Which Rust namespace a name takes: a type and a constant may share a name, two types may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Ns {
    /// Types, modules, enum variants, methods.
    Type,
    /// Constants, functions, and the constructors of tuple structs.
    Value,
}

/// Who declares a name, to name both sides of a collision.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    /// `type `PayOutcome``, `the outcome enum generated for operation `pay``.
    what: String,
    /// Where it is written, or what it is generated from; `None` for names every crate has.
    at: Option<(String, Pos)>,
}

impl Origin {
    pub(super) fn spec(what: impl Into<String>, file: &str, pos: Pos) -> Origin {
        Origin { what: what.into(), at: Some((file.to_owned(), pos)) }
    }

    pub(super) fn fixed(what: impl Into<String>) -> Origin {
        Origin { what: what.into(), at: None }
    }
}

/// The names one scope of the generated crate declares: a module, an enum's variants, a type's
/// methods.
pub(super) struct Names {
    scope: String,
    taken: HashMap<(Ns, String), Origin>,
}

impl Names {
    pub(super) fn new(scope: impl Into<String>) -> Names {
        Names { scope: scope.into(), taken: HashMap::new() }
    }

    /// Declares `name`. When the scope has it already, reports at the newcomer (fixed names are
    /// declared first, so it always has a position) naming the first; returns whether it was free.
    pub(super) fn declare(&mut self, diags: &mut Diagnostics, ns: Ns, name: &str, origin: Origin) -> bool {
        let Some(first) = self.taken.get(&(ns, name.to_owned())) else {
            self.taken.insert((ns, name.to_owned()), origin);
            return true;
        };
        if let Some((file, pos)) = &origin.at {
            let (first_at, fix) = match &first.at {
                Some((f, p)) => (format!(" ({f}:{})", p.line), "rename one of them"),
                None => (String::new(), "choose another name"),
            };
            diags.error(
                file,
                *pos,
                format!(
                    "{} takes the Rust name `{name}` in {}, which {}{first_at} already has; {fix}",
                    origin.what, self.scope, first.what
                ),
            );
        }
        false
    }
}

/// What a type name stands for, as far as references to it need to know.
#[derive(Debug, Clone)]
pub(super) struct TypeSymbol {
    /// `None` when the definition is broken (already reported).
    pub kind: Option<NamedKind>,
    /// Enum only: the wire values, which a field's `default` must be one of.
    pub values: Vec<String>,
    /// Enum only: some value gives its `minor_units` (a currency enum).
    pub minor_units: bool,
}

/// The generated names of one operation.
pub(super) struct OperationSymbols {
    pub error: String,
    pub query: Option<String>,
    pub outcome: Option<String>,
    /// The operation's own types.
    pub types: HashMap<String, TypeSymbol>,
}

/// The symbol table of one provider, from the first pass.
pub(super) struct Symbols {
    /// The provider's shared types.
    pub shared: HashMap<String, TypeSymbol>,
    pub environment_enum: Option<String>,
    /// Per base URL: its `Environment` variant and its constant.
    pub environments: Vec<(String, String)>,
    pub category_enum: Option<String>,
    /// Per category: its `ErrorCategory` variant.
    pub categories: Vec<String>,
    /// Per operation file, in input order.
    pub operations: Vec<OperationSymbols>,
    /// Per notification, in input order.
    pub notifications: Vec<NotificationSymbols>,
}

/// The generated names of one notification, in the provider's `notifications` module.
pub(super) struct NotificationSymbols {
    /// The struct generated for a query or an evented body: the notification's UpperCamelCase name.
    pub event: Option<String>,
    /// Evented bodies: the enum of events and, when some event has a follow-up, of what it fetches.
    pub events_enum: Option<String>,
    pub fetched_enum: Option<String>,
    /// Per event value, in spec order: its variant.
    pub event_variants: Vec<String>,
}

fn type_symbols(types: &[TypeAst]) -> HashMap<String, TypeSymbol> {
    let symbol = |t: &TypeAst| match &t.body {
        TypeBody::Invalid => TypeSymbol { kind: None, values: Vec::new(), minor_units: false },
        TypeBody::String { .. } => TypeSymbol { kind: Some(NamedKind::String), values: Vec::new(), minor_units: false },
        TypeBody::Struct(_) => TypeSymbol { kind: Some(NamedKind::Struct), values: Vec::new(), minor_units: false },
        TypeBody::Enum(values) => TypeSymbol {
            kind: Some(NamedKind::Enum),
            values: values.iter().map(|v| v.value.value.clone()).collect(),
            minor_units: values.iter().any(|v| v.minor_units.is_some()),
        },
    };
    types.iter().map(|t| (t.name.value.clone(), symbol(t))).collect()
}

/// Declares the types of one spec file in its module. A constrained string is a tuple struct, so
/// its name is a constructor too.
fn declare_types(diags: &mut Diagnostics, module: &mut Names, file: &str, types: &[TypeAst]) {
    for t in types {
        let origin = Origin::spec(format!("type `{}`", t.name.value), file, t.name.pos);
        if module.declare(diags, Ns::Type, &t.name.value, origin.clone()) && matches!(t.body, TypeBody::String { .. }) {
            module.declare(diags, Ns::Value, &t.name.value, origin);
        }
    }
}

/// The UpperCamelCase form of `name`, or an error at it saying what it was for.
fn derived_camel(diags: &mut Diagnostics, file: &str, name: &Spanned<String>, what: &str) -> String {
    camel(&name.value).unwrap_or_else(|| {
        diags.error(
            file,
            name.pos,
            format!(
                "{what} `{}` does not make a Rust name (its UpperCamelCase form is `{}`)",
                name.value,
                name.value.to_upper_camel_case()
            ),
        );
        name.value.to_upper_camel_case()
    })
}

/// The first pass over a provider: derives every generated name and declares it, with every
/// written type name, in the module or enum it lands in.
pub(super) fn symbols(diags: &mut Diagnostics, input: &ProviderInput) -> Symbols {
    let p = &input.provider;
    let file = &*p.file;
    let provider = p.folder.as_str();
    let mut module = Names::new(format!("module `{provider}`"));
    module.declare(diags, Ns::Type, "Client", Origin::fixed("the generated client"));
    module.declare(diags, Ns::Type, "client", Origin::fixed("the generated `client` module"));
    module.declare(diags, Ns::Type, "Error", Origin::fixed("the generated `Error` of its operations"));
    module.declare(diags, Ns::Type, "Credentials", Origin::fixed("the re-exported `Credentials`"));
    if !p.types.is_empty() {
        module.declare(diags, Ns::Type, "types", Origin::fixed("the generated module of shared types"));
    }
    if input.operations.iter().any(|op| !op.examples.is_empty()) {
        let origin = Origin::fixed("the generated module of tests from the documented examples");
        module.declare(diags, Ns::Type, "example_tests", origin);
    }
    if p.envelope.as_ref().and_then(|e| e.kind.as_ref()).is_some_and(|k| k.value == "line_pay") {
        module.declare(diags, Ns::Value, "SUCCESS_CODES", Origin::fixed("the generated constant `SUCCESS_CODES`"));
    }

    let environment_enum = p.base_urls.first().map(|(first, _)| {
        let origin = Origin::spec("the enum generated for `base_urls`", file, first.pos);
        module.declare(diags, Ns::Type, ENVIRONMENT_ENUM, origin);
        ENVIRONMENT_ENUM.to_owned()
    });
    let mut variants = Names::new(format!("enum `{provider}::{ENVIRONMENT_ENUM}`"));
    variants.declare(diags, Ns::Type, "Custom", Origin::fixed("the variant for any other base URL"));
    let mut environments = Vec::new();
    for (env, _) in &p.base_urls {
        let variant = derived_camel(diags, file, env, "environment");
        variants.declare(
            diags,
            Ns::Type,
            &variant,
            Origin::spec(format!("environment `{}`", env.value), file, env.pos),
        );
        let constant = format!("{}_BASE_URL", env.value.to_uppercase());
        let origin = Origin::spec(format!("the base URL constant of environment `{}`", env.value), file, env.pos);
        module.declare(diags, Ns::Value, &constant, origin);
        environments.push((variant, constant));
    }

    let category_enum = p.categories.first().map(|(first, _)| {
        let origin = Origin::spec("the enum generated for `categories`", file, first.pos);
        module.declare(diags, Ns::Type, CATEGORY_ENUM, origin);
        CATEGORY_ENUM.to_owned()
    });
    let mut category_variants = Names::new(format!("enum `{provider}::{CATEGORY_ENUM}`"));
    let mut categories = Vec::new();
    for (name, _) in &p.categories {
        let variant = derived_camel(diags, file, name, "category");
        let origin = Origin::spec(format!("category `{}`", name.value), file, name.pos);
        category_variants.declare(diags, Ns::Type, &variant, origin);
        categories.push(variant);
    }

    declare_types(diags, &mut module, file, &p.types);
    let mut methods = Names::new(format!("`{provider}::Client`"));
    methods.declare(diags, Ns::Type, "new", Origin::fixed("`Client::new`"));
    let mut error_types = Names::new(format!("provider `{provider}`'s operations"));
    // Envelopes whose operations may name their own success codes, each generating `SUCCESS_CODES`.
    let own_success = p
        .envelope
        .as_ref()
        .and_then(|e| e.kind.as_ref())
        .is_some_and(|k| k.value == "line_pay" || k.value == "alipay_plus");
    let mut operations = Vec::new();
    for op in &input.operations {
        operations.push(operation_symbols(
            diags,
            op,
            provider,
            own_success,
            &mut module,
            &mut methods,
            &mut error_types,
        ));
    }
    let notifications = notification_symbols(diags, p, &mut module);
    Symbols {
        shared: type_symbols(&p.types),
        environment_enum,
        environments,
        category_enum,
        categories,
        operations,
        notifications,
    }
}

/// The `notifications` module: `Receiver`, whose methods are the notifications, and the types
/// generated for queries and events.
fn notification_symbols(
    diags: &mut Diagnostics,
    p: &ProviderFile,
    provider_module: &mut Names,
) -> Vec<NotificationSymbols> {
    let (file, provider) = (&*p.file, p.folder.as_str());
    if let Some(first) = p.notifications.first() {
        let origin = Origin::spec("the module generated for `notifications`", file, first.name.pos);
        provider_module.declare(diags, Ns::Type, "notifications", origin);
    }
    let mut module = Names::new(format!("module `{provider}::notifications`"));
    module.declare(diags, Ns::Type, "Receiver", Origin::fixed("the generated `Receiver`"));
    let mut methods = Names::new(format!("`{provider}::notifications::Receiver`"));
    for fixed in ["new", "with_verifier"] {
        methods.declare(diags, Ns::Type, fixed, Origin::fixed(format!("`Receiver::{fixed}`")));
    }
    let mut out = Vec::new();
    for n in &p.notifications {
        let what = format!("notification `{}`", n.name.value);
        methods.declare(
            diags,
            Ns::Type,
            &n.name.value,
            Origin::spec(format!("the receiver method of {what}"), file, n.name.pos),
        );
        let camel_name = derived_camel(diags, file, &n.name, "notification");
        let mut declare = |diags: &mut Diagnostics, name: String, generated: &str| {
            let origin = Origin::spec(format!("the {generated} generated for {what}"), file, n.name.pos);
            module.declare(diags, Ns::Type, &name, origin);
            name
        };
        let event = (n.query_pos.is_some() || n.events.is_some()).then(|| declare(diags, camel_name.clone(), "struct"));
        let events_enum = n.events.as_ref().map(|_| declare(diags, format!("{camel_name}Event"), "event enum"));
        let fetched_enum = n
            .events
            .as_ref()
            .filter(|e| e.values.iter().any(|v| v.follow_up.is_some()))
            .map(|_| declare(diags, format!("{camel_name}Fetched"), "enum of fetched objects"));
        let mut variants = Names::new(format!("enum `{provider}::notifications::{camel_name}Event`"));
        variants.declare(diags, Ns::Type, "Unknown", Origin::fixed("the variant for events the spec does not list"));
        let mut event_variants = Vec::new();
        for v in n.events.iter().flat_map(|e| &e.values) {
            let Some(name) = &v.name else {
                event_variants.push(String::new());
                continue;
            };
            let variant = name.value.clone();
            let origin = Origin::spec(format!("event `{}`", v.value.value), file, name.pos);
            variants.declare(diags, Ns::Type, &variant, origin);
            event_variants.push(variant);
        }
        out.push(NotificationSymbols { event, events_enum, fetched_enum, event_variants });
    }
    out
}

/// An operation's module, client method and generated types. Its error enum's name must also
/// differ from every other operation's: callers import several.
fn operation_symbols(
    diags: &mut Diagnostics,
    op: &OperationFile,
    provider: &str,
    own_success: bool,
    provider_module: &mut Names,
    methods: &mut Names,
    error_types: &mut Names,
) -> OperationSymbols {
    let (file, name) = (&*op.file, &op.name.value);
    let start = Pos { line: 1, col: 1 };
    let what = format!("operation `{name}`");
    if provider_module.declare(diags, Ns::Type, name, Origin::spec(what.clone(), file, start)) {
        methods.declare(diags, Ns::Type, name, Origin::spec(format!("the client method of {what}"), file, start));
    }
    let prefix = derived_camel(diags, file, &op.name, "operation");
    let mut module = Names::new(format!("module `{provider}::{name}`"));
    for constant in ["NAME", "METHOD", "PATH_TEMPLATE", "TIMEOUT", "IDEMPOTENT", "OPERATION", "path"] {
        module.declare(diags, Ns::Value, constant, Origin::fixed(format!("the generated `{constant}`")));
    }
    if own_success && !op.success_codes.is_empty() {
        module.declare(diags, Ns::Value, "SUCCESS_CODES", Origin::fixed("the generated `SUCCESS_CODES`"));
    }
    let error = format!("{prefix}Error");
    let error_origin = Origin::spec(format!("the error enum generated for {what}"), file, start);
    module.declare(diags, Ns::Type, &error, error_origin.clone());
    error_types.declare(diags, Ns::Type, &error, error_origin);
    let query = op.query.first().map(|first| {
        let query = format!("{prefix}Query");
        let origin = Origin::spec(format!("the query struct generated for {what}"), file, first.name.pos);
        module.declare(diags, Ns::Type, &query, origin);
        query
    });
    let outcome = op.success_codes.first().map(|first| {
        let outcome = format!("{prefix}Outcome");
        let origin = Origin::spec(format!("the outcome enum generated for {what}'s success codes"), file, first.pos);
        module.declare(diags, Ns::Type, &outcome, origin);
        outcome
    });
    declare_types(diags, &mut module, file, &op.types);
    OperationSymbols { error, query, outcome, types: type_symbols(&op.types) }
}

impl ProviderResolver<'_> {
    pub(super) fn snake_ident(&mut self, file: &str, name: &Spanned<String>, what: &str) -> bool {
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

    pub(super) fn camel_ident(&mut self, file: &str, name: &str, pos: Pos, what: &str) -> bool {
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
}
