//! Spec files as written, after the loader checked their shape: every key known, every value of the
//! right YAML kind, with positions kept for the checks that follow. Names are not resolved yet.

use crate::yaml::Pos;

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProviderFile {
    pub file: std::sync::Arc<str>,
    /// The folder the file sits in; it must match `provider`.
    pub folder: String,
    pub provider: Option<Spanned<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub sources: Vec<String>,
    pub base_urls: Vec<(Spanned<String>, Spanned<String>)>,
    pub auth: Option<Spanned<String>>,
    pub envelope: Option<EnvelopeAst>,
    pub classifications: Vec<(Spanned<String>, String)>,
    pub categories: Vec<(Spanned<String>, String)>,
    pub codes: Vec<CodeAst>,
    pub types: Vec<TypeAst>,
    /// Calls the provider makes to the merchant.
    pub notifications: Vec<NotificationAst>,
}

/// An inbound call: a notification, webhook or redirect the provider sends to the merchant.
#[derive(Debug, Clone, PartialEq)]
pub struct NotificationAst {
    pub name: Spanned<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub method: Option<Spanned<String>>,
    pub auth: Option<Spanned<String>>,
    pub triggered_by: Vec<TriggerAst>,
    pub body: Option<Spanned<String>>,
    pub query: Vec<FieldAst>,
    /// Where `query` was written, to report it beside `body` or a POST.
    pub query_pos: Option<Pos>,
    pub acknowledgement: Option<Spanned<String>>,
    pub key: Vec<Spanned<String>>,
    /// Where `key` was written, to report an empty list.
    pub key_pos: Pos,
    pub events: Option<EventsAst>,
    pub follow_up: Option<FollowUpAst>,
}

/// An operation whose request carries the URL the provider calls: `{ operation: pay, field: paymentNotifyUrl }`.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerAst {
    pub pos: Pos,
    pub operation: Option<Spanned<String>>,
    /// A dotted path of wire names through the request: `redirectUrls.confirmUrl`.
    pub field: Option<Spanned<String>>,
}

/// A body that is one of several events, told apart by a field (elepay's `type`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventsAst {
    pub pos: Pos,
    pub discriminator: Option<Spanned<String>>,
    /// The body field that holds the object the event is about.
    pub object: Option<Spanned<String>>,
    pub values: Vec<EventValueAst>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventValueAst {
    pub value: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    /// The type of the object the event carries; without it the object stays JSON.
    pub object: Option<Spanned<String>>,
    pub follow_up: Option<FollowUpAst>,
}

/// The call an application makes next, with path parameters taken from the notification:
/// `{ operation: retrieve_refund, path: { id: chargeId, refundId: id } }`.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpAst {
    pub pos: Pos,
    pub operation: Option<Spanned<String>>,
    /// Path parameter name -> the wire name of the field that supplies it.
    pub path: Vec<(Spanned<String>, Spanned<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeAst {
    pub pos: Pos,
    pub kind: Option<Spanned<String>>,
    pub success_codes: Vec<Spanned<String>>,
    pub error_body: Option<Spanned<String>>,
    pub code_field: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationFile {
    pub file: std::sync::Arc<str>,
    /// The file name without `.yaml`: the operation's name.
    pub name: Spanned<String>,
    pub sources: Vec<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub timeout_seconds: Option<Spanned<u64>>,
    pub idempotent: Option<bool>,
    /// The wire name of the request field that keys repeats (Alipay+'s `captureRequestId`).
    pub idempotency_key: Option<Spanned<String>>,
    /// The money effect of a success (`capture`), one of `model::Effect::ALL`.
    pub effect: Option<Spanned<String>>,
    /// The 2xx status of a successful answer (http_status envelope only).
    pub success_status: Option<Spanned<u64>>,
    pub path_params: Vec<FieldAst>,
    pub query: Vec<FieldAst>,
    /// Rules across the query parameters.
    pub query_constraints: Vec<ConstraintAst>,
    pub request: Option<Spanned<String>>,
    pub response: Option<Spanned<String>>,
    pub success_codes: Vec<SuccessCodeAst>,
    pub codes: Vec<CodeEntry>,
    pub types: Vec<TypeAst>,
    /// Documented sample requests and responses.
    pub examples: Vec<ExampleAst>,
}

/// A documented example of an operation: a request, a response, or both, as the provider's page
/// shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleAst {
    pub pos: Pos,
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    pub sources: Vec<String>,
    /// Path parameters by wire name, as documented.
    pub path_params: Vec<(Spanned<String>, Spanned<String>)>,
    /// The query parameters as a JSON object (lists for repeated parameters).
    pub query: Option<JsonAst>,
    pub request: Option<JsonAst>,
    pub response: Option<JsonAst>,
    /// The HTTP status the response comes with (http_status envelope).
    pub status: Option<Spanned<u64>>,
    /// The provider code of an error answer.
    pub error: Option<Spanned<String>>,
    pub known_differences: Vec<KnownDifferenceAst>,
    pub expected_failure: Option<ExpectedFailureAst>,
}

/// JSON text written in a YAML string, with where its first line sits in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonAst {
    pub text: String,
    /// Where the scalar starts: a block scalar's first line of text, or a quoted string's quote.
    pub start: Pos,
    /// A block scalar: every line is indented by `start.col - 1`, so a column inside the JSON maps to
    /// the file.
    pub block: bool,
}

/// A place where re-encoding an example's JSON knowingly differs from the documented text.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownDifferenceAst {
    pub pos: Pos,
    pub part: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub reason: Option<String>,
}

/// A documented part that the spec knowingly does not accept.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedFailureAst {
    pub pos: Pos,
    pub part: Option<Spanned<String>>,
    pub reason: Option<String>,
}

/// A non-error code of one operation (LINE Pay Check Payment Status: `0110` authorized, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessCodeAst {
    pub pos: Pos,
    pub code: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    /// Alipay+: the `resultStatus` the code comes with (`S` or `A`).
    pub result_status: Option<Spanned<String>>,
}

/// An entry of an operation's `codes` list.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeEntry {
    /// A bare reference to a provider code.
    Ref(Spanned<String>),
    /// A code with facts: new, or adding to a provider code.
    Def(CodeAst),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeAst {
    pub pos: Pos,
    pub code: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    pub retryable: Option<bool>,
    pub outcome_unknown: Option<bool>,
    pub common: Option<Spanned<bool>>,
    pub http_status: Option<Spanned<u64>>,
    pub category: Option<Spanned<String>>,
    /// Alipay+: the `resultStatus` the page documents for the code (`F` or `U`).
    pub result_status: Option<Spanned<String>>,
    /// Keys that are not fixed code keys: the provider's classifications, checked when resolving.
    pub flags: Vec<(Spanned<String>, bool)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeAst {
    pub name: Spanned<String>,
    pub kind: Option<Spanned<String>>,
    pub description: Option<String>,
    pub body: TypeBody,
    /// Struct only: documented sum rules.
    pub sums: Vec<SumAst>,
    /// Struct only: rules across fields.
    pub constraints: Vec<ConstraintAst>,
}

/// A rule across fields: `at_least_one_of: [a, b]`, or `require: a, when: b, equals: VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintAst {
    pub pos: Pos,
    pub at_least_one_of: Vec<Spanned<String>>,
    pub require: Option<Spanned<String>>,
    pub when: Option<Spanned<String>>,
    pub equals: Option<Spanned<String>>,
}

/// `equals` is the sum of its terms; a rule of one term may write it inline (`over`, `of`).
#[derive(Debug, Clone, PartialEq)]
pub struct SumAst {
    pub pos: Pos,
    pub terms: Vec<SumTermAst>,
    pub equals: Option<Spanned<String>>,
}

/// `sum over a list field of (one field, or the product of two)`.
#[derive(Debug, Clone, PartialEq)]
pub struct SumTermAst {
    pub pos: Pos,
    pub over: Option<Spanned<String>>,
    pub of: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeBody {
    /// The kind was missing or wrong; the error is already reported.
    Invalid,
    String {
        limits: Box<LimitsAst>,
        wire: Option<Spanned<String>>,
    },
    Enum(Vec<EnumValueAst>),
    Struct(Vec<FieldAst>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValueAst {
    pub value: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    /// A currency's fractional digits (ISO 4217 minor units): `JPY` 0, `USD` 2.
    pub minor_units: Option<Spanned<u64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldAst {
    pub name: Spanned<String>,
    pub ty: Option<Spanned<String>>,
    pub required: bool,
    pub default: Option<Spanned<String>>,
    pub description: Option<String>,
    pub deprecated: Option<String>,
    pub limits: LimitsAst,
    /// A decimal amount whose fractional digits are limited by the currency in this sibling field.
    pub minor_units_from: Option<Spanned<String>>,
    /// A path parameter that is a bearer credential (a LINE Pay regKey): never logged.
    pub secret: Option<Spanned<bool>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LimitsAst {
    pub max_bytes: Option<Spanned<u64>>,
    pub min_bytes: Option<Spanned<u64>>,
    pub max_chars: Option<Spanned<u64>>,
    pub min_chars: Option<Spanned<u64>>,
    pub charset: Option<Spanned<String>>,
    pub minimum: Option<Spanned<String>>,
    pub maximum: Option<Spanned<String>>,
    pub exclusive_minimum: Option<Spanned<String>>,
    /// A string's form beyond its characters: `positive_integer`.
    pub format: Option<Spanned<String>>,
    /// A regular expression the string must match somewhere (JSON Schema's `pattern`).
    pub pattern: Option<Spanned<String>>,
    pub min_items: Option<Spanned<u64>>,
    pub max_items: Option<Spanned<u64>>,
}
