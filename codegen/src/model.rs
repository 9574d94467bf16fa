//! The resolved model: what the emitter (and the spec differ) work from. Every name here is resolved,
//! every Rust identifier is valid, and every code is known to be unique: building a `Model` is the
//! check, and code that receives one does not check again.

use std::collections::BTreeSet;
use std::fmt;

/// A spec file's name, shared by every location in it.
pub type File = std::sync::Arc<str>;

/// Where something was written, for messages and review reports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// Shared by every location in the file: one allocation per file, not per location.
    pub file: File,
    pub line: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Sorted by name.
    pub providers: Vec<Provider>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// Module and feature name.
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub sources: Vec<String>,
    pub loc: Loc,
    pub base_urls: Vec<BaseUrl>,
    /// `Environment`, when there are base URLs: their enum, with a variant each and `Custom`.
    pub environment_enum: Option<String>,
    pub auth: Auth,
    pub envelope: Envelope,
    /// Each is also the name of an error-enum method.
    pub classifications: Vec<Described>,
    pub categories: Vec<Category>,
    /// `ErrorCategory`, when there are categories.
    pub category_enum: Option<String>,
    /// Types shared by operations, in spec order.
    pub types: Vec<TypeDef>,
    /// Sorted by name.
    pub operations: Vec<Operation>,
    /// What of `payspec-runtime` the provider's code calls: its feature turns these on, so that a
    /// build with one provider compiles no other provider's protocol.
    pub runtime_features: BTreeSet<RuntimeFeature>,
    /// Inbound calls, sorted by name.
    pub notifications: Vec<Notification>,
}

/// A feature of `payspec-runtime` that generated code needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuntimeFeature {
    /// Alipay+ signing, its envelope and its notification verifier.
    AlipayPlus,
    /// `DateTime`, for `format: datetime` fields.
    DateTime,
    /// The elepay secret key.
    Elepay,
    /// LINE Pay signing, its envelope and `LinePayRecovery`.
    LinePay,
    /// The regex engine behind `pattern` limits.
    Pattern,
}

impl RuntimeFeature {
    /// The feature's name in `payspec-runtime`'s manifest.
    pub fn name(self) -> &'static str {
        match self {
            RuntimeFeature::AlipayPlus => "alipay_plus",
            RuntimeFeature::DateTime => "datetime",
            RuntimeFeature::Elepay => "elepay",
            RuntimeFeature::LinePay => "line_pay",
            RuntimeFeature::Pattern => "pattern",
        }
    }
}

/// A call the provider makes to the merchant: a notification, a webhook or a browser redirect.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// snake_case: the `Receiver` method that takes it.
    pub name: String,
    /// The generated type of what was received: `ConfirmRedirect`, or the body type.
    pub event_type: String,
    pub summary: String,
    pub description: Option<String>,
    pub loc: Loc,
    pub method: Method,
    pub auth: NotificationAuth,
    /// Operations whose request names the URL the provider calls.
    pub triggers: Vec<Trigger>,
    pub payload: Payload,
    pub acknowledgement: Acknowledgement,
    /// What identifies a delivery, so that a resend is recognised: at least one part.
    pub key: Vec<KeyPart>,
    pub events: Option<Events>,
    /// Query notifications only: the call the application makes next.
    pub follow_up: Option<FollowUp>,
}

/// How an inbound call proves where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationAuth {
    /// The Alipay+ `Signature` header, made with the wallet's private key.
    AlipayPlusRsa256,
    /// Nothing is signed: the content is a hint to check with the provider.
    None,
}

impl NotificationAuth {
    pub const ALL: &[(&str, NotificationAuth)] =
        &[("alipay_plus_rsa256", NotificationAuth::AlipayPlusRsa256), ("none", NotificationAuth::None)];

    pub fn spec_name(self) -> &'static str {
        NotificationAuth::ALL.iter().find(|(_, a)| *a == self).map_or("", |(n, _)| n)
    }
}

/// The answer the provider expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledgement {
    /// A response signed with the merchant's key whose `result` is SUCCESS / S.
    AlipayPlusResult,
    /// HTTP 200 with an empty body.
    HttpOk,
    /// The provider reads no answer (a browser redirect): the application answers as it likes.
    None,
}

impl Acknowledgement {
    pub const ALL: &[(&str, Acknowledgement)] = &[
        ("alipay_plus_result", Acknowledgement::AlipayPlusResult),
        ("http_ok", Acknowledgement::HttpOk),
        ("none", Acknowledgement::None),
    ];

    pub fn spec_name(self) -> &'static str {
        Acknowledgement::ALL.iter().find(|(_, a)| *a == self).map_or("", |(n, _)| n)
    }
}

/// An operation request field that holds the URL the provider calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub operation: String,
    /// Wire names from the request down to the URL field: `redirectUrls.confirmUrl`.
    pub field: Vec<String>,
}

/// What a notification carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A JSON body of this struct type (a provider type).
    Body(TypeRef),
    /// Query parameters, all text.
    Query(Vec<Field>),
}

/// One required field of the payload on the path to a key value: wire and Rust names per step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    pub wire_path: Vec<String>,
    pub rust_path: Vec<String>,
}

/// The events a body can be, told apart by `discriminator`.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    /// The generated enum: `WebhookEvent`.
    pub enum_type: String,
    /// The generated enum of what follow-ups fetch: `WebhookFetched`, when any event has one.
    pub fetched_type: Option<String>,
    /// The body's string field naming the event.
    pub discriminator: Field,
    /// The body's JSON field holding the object the event is about.
    pub object: Field,
    pub values: Vec<EventValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventValue {
    pub value: String,
    pub variant: String,
    pub description: String,
    /// A provider type; `None` keeps the object as JSON.
    pub object: Option<TypeRef>,
    pub follow_up: Option<FollowUp>,
    pub loc: Loc,
}

/// A call the application makes next, with path parameters from the notification.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub operation: String,
    /// The variant of the fetched enum: the operation's UpperCamelCase name.
    pub variant: String,
    /// Per path parameter of the operation, in path order: the source field (of the object or the query).
    pub args: Vec<Field>,
    /// The request body the application supplies, when the operation has one.
    pub request: Option<TypeRef>,
    pub response: Option<TypeRef>,
    pub error_type: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BaseUrl {
    pub environment: String,
    pub url: String,
    /// Its variant of the `Environment` enum: `Sandbox`.
    pub variant: String,
    /// Its constant in the provider module: `SANDBOX_BASE_URL`.
    pub constant: String,
}

/// A name with what it means (a classification).
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub name: String,
    pub description: String,
}

/// Who a code blames, as the provider declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub name: String,
    /// Its variant of the `ErrorCategory` enum.
    pub variant: String,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    LinePayHmacSha256,
    AlipayPlusRsa256,
    ElepaySecretKey,
}

impl Auth {
    pub const ALL: &[(&str, Auth)] = &[
        ("line_pay_hmac_sha256", Auth::LinePayHmacSha256),
        ("alipay_plus_rsa256", Auth::AlipayPlusRsa256),
        ("elepay_secret_key", Auth::ElepaySecretKey),
    ];

    pub fn spec_name(self) -> &'static str {
        Auth::ALL.iter().find(|(_, a)| *a == self).map_or("", |(n, _)| n)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Envelope {
    LinePay { success_codes: Vec<String> },
    AlipayPlus,
    HttpStatus { error_body: String, code_field: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: &[(&str, Method)] = &[
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
    ];

    pub fn as_str(self) -> &'static str {
        Method::ALL.iter().find(|(_, m)| *m == self).map_or("", |(n, _)| n)
    }
}

/// The money effect of an operation's success: what a recovery handler looks for when the outcome
/// of a call is unknown (`payspec_runtime::client::Effect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Pay,
    Confirm,
    Capture,
    Refund,
    Void,
}

impl Effect {
    pub const ALL: &[(&str, Effect)] = &[
        ("pay", Effect::Pay),
        ("confirm", Effect::Confirm),
        ("capture", Effect::Capture),
        ("refund", Effect::Refund),
        ("void", Effect::Void),
    ];

    pub fn as_str(self) -> &'static str {
        Effect::ALL.iter().find(|(_, e)| *e == self).map_or("", |(n, _)| n)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// snake_case: module and method name.
    pub name: String,
    /// `CaptureError`: the error enum.
    pub error_type: String,
    /// `PaymentDetailsQuery`, when there are query parameters: their struct.
    pub query_type: Option<String>,
    /// `CheckPaymentStatusOutcome`, when there are `success_codes`: which one came back.
    pub outcome_type: Option<String>,
    pub sources: Vec<String>,
    pub loc: Loc,
    pub summary: String,
    pub description: Option<String>,
    pub method: Method,
    /// As written: `/v3/payments/{transactionId}/refund`.
    pub path: String,
    pub path_segments: Vec<PathSegment>,
    pub timeout_seconds: Option<u64>,
    /// Repeating the call has no further effect: GET, or a provider request id (Alipay+).
    pub idempotent: bool,
    /// The wire name of the required string field of the request that keys repeats: sending the call
    /// again with the same value has no further effect. Implies `idempotent`.
    pub idempotency_key: Option<String>,
    /// The money effect of a success, when the spec names one.
    pub effect: Option<Effect>,
    /// The HTTP status of a successful answer: 200, or the operation's `success_status` (a 2xx of the
    /// http_status envelope, such as elepay's 201 for a created object).
    pub success_status: u16,
    /// In path order.
    pub path_params: Vec<Field>,
    pub query: Vec<Field>,
    /// Rules across the query parameters (indices into `query`).
    pub query_constraints: Vec<Constraint>,
    pub request: Option<TypeRef>,
    pub response: Option<TypeRef>,
    /// Operation-specific non-error codes, added to the envelope's.
    pub success_codes: Vec<SuccessCode>,
    /// The operation's codes and the provider's common codes, in spec order.
    pub codes: Vec<Code>,
    /// Types defined in the operation file, in spec order.
    pub types: Vec<TypeDef>,
    /// Documented examples, in spec order: each becomes tests of the generated code.
    pub examples: Vec<Example>,
}

/// A documented example of an operation, checked: its JSON parses, its parts fit the operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// snake_case, unique in the operation.
    pub name: String,
    pub description: Option<String>,
    pub sources: Vec<String>,
    pub loc: Loc,
    /// The path parameters' documented values, in path order, and the path they make.
    pub path: Option<(Vec<String>, String)>,
    /// The query parameters as a JSON object; only for an operation with a query.
    pub query: Option<ExampleJson>,
    /// The request body as documented; only for an operation with a `request`.
    pub request: Option<ExampleJson>,
    /// The whole response body as documented (envelope included).
    pub response: Option<ExampleJson>,
    /// The HTTP status of the response.
    pub status: u16,
    /// The provider code of an error answer, one of the operation's codes.
    pub error: Option<String>,
}

/// One documented JSON text of an example, and what its test expects of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleJson {
    /// Exactly as documented.
    pub text: String,
    pub expect: ExampleExpectation,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExampleExpectation {
    /// It decodes and re-encodes to the same JSON, except at these paths (each with its reason).
    RoundTrip { known_differences: Vec<(String, String)> },
    /// The spec knowingly does not accept it, for this reason.
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathSegment {
    Literal(String),
    /// Index into `path_params`.
    Param(usize),
}

/// A named non-error code of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessCode {
    pub code: String,
    pub variant: String,
    pub description: String,
    /// Alipay+: `Success` or `Accepted`; `None` for envelopes without a result status.
    pub result_status: Option<ResultStatus>,
    pub loc: Loc,
}

/// An Alipay+ `resultStatus`: what a result code says about the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResultStatus {
    /// `S`: the call succeeded.
    Success,
    /// `A`: accepted; the merchant must continue (Alipay+ pay's cashier redirect). Neither success nor
    /// failure.
    Accepted,
    /// `F`: a final failure.
    Failed,
    /// `U`: the outcome is unknown.
    Unknown,
}

impl ResultStatus {
    pub const ALL: &[(&str, ResultStatus)] = &[
        ("S", ResultStatus::Success),
        ("A", ResultStatus::Accepted),
        ("F", ResultStatus::Failed),
        ("U", ResultStatus::Unknown),
    ];

    pub fn spec_name(self) -> &'static str {
        ResultStatus::ALL.iter().find(|(_, s)| *s == self).map_or("", |(n, _)| n)
    }

    /// Whether a response with this status carries the operation's answer.
    pub fn answers(self) -> bool {
        matches!(self, ResultStatus::Success | ResultStatus::Accepted)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub code: String,
    pub variant: String,
    pub description: String,
    pub retryable: bool,
    pub outcome_unknown: bool,
    pub http_status: Option<u16>,
    pub category: Option<Category>,
    /// Alipay+: the `resultStatus` the code comes with (`Failed` or `Unknown`).
    pub result_status: Option<ResultStatus>,
    /// Names of the provider classifications this code carries, in the provider's order.
    pub classifications: Vec<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    pub description: String,
    pub loc: Loc,
    pub kind: TypeKind,
    /// Struct only: sums the validator checks.
    pub sums: Vec<SumRule>,
    /// Struct only: rules across its fields.
    pub constraints: Vec<Constraint>,
    pub usage: Usage,
}

/// Which operations reach a type, and whether through requests (path, query, body) or responses
/// (body, error body). The checker computes it once; the emitter gives `Validate` to structs that
/// requests reach, and the spec differ judges who a change affects.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Usage {
    pub operations: BTreeSet<String>,
    /// Notifications whose body reaches the type (decoded like a response).
    pub notifications: BTreeSet<String>,
    pub requests: bool,
    pub responses: bool,
}

/// A rule across the optional fields of one struct (or query); fields are indices into its fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// At least one of these (two or more) must be given.
    AtLeastOne { fields: Vec<usize>, loc: Loc },
    /// `field` must be given when `when` (an enum or string field) has the value `equals`.
    RequiredWhen { field: usize, when: usize, equals: String, loc: Loc },
}

impl Constraint {
    /// The rule in words, with wire names: `at least one of paymentId, paymentRequestId`.
    pub fn describe(&self, fields: &[Field]) -> String {
        match self {
            Constraint::AtLeastOne { fields: any, .. } => {
                let names: Vec<&str> = any.iter().map(|i| fields[*i].wire_name.as_str()).collect();
                format!("at least one of {}", names.join(", "))
            }
            Constraint::RequiredWhen { field, when, equals, .. } => {
                format!("{} required when {} is {equals}", fields[*field].wire_name, fields[*when].wire_name)
            }
        }
    }
}

/// `equals` must be the sum of the terms (`amount == Σ packages[].amount + Σ packages[].userFee`).
#[derive(Debug, Clone, PartialEq)]
pub struct SumRule {
    /// At least one.
    pub terms: Vec<SumTerm>,
    pub equals: Field,
    pub loc: Loc,
}

/// The sum over the list `over` of `of` (or the product of its two fields).
#[derive(Debug, Clone, PartialEq)]
pub struct SumTerm {
    pub over: Field,
    /// Fields of the list's element struct: integers or decimals; two are multiplied and must be
    /// required, one alone may be optional (absent counts as zero).
    pub of: Vec<Field>,
}

impl SumRule {
    /// The rule as the validator and reports show it: `packages[].amount + packages[].userFee`.
    pub fn describe(&self) -> String {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                let names: Vec<&str> = t.of.iter().map(|f| f.wire_name.as_str()).collect();
                format!("{}[].{}", t.over.wire_name, names.join(" × "))
            })
            .collect();
        terms.join(" + ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A validated newtype around `String`.
    String {
        limits: Limits,
        wire_number: bool,
    },
    Enum(Vec<EnumValue>),
    Struct(Vec<Field>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    pub value: String,
    pub variant: String,
    pub description: String,
    /// A currency's fractional digits, when the spec gives them.
    pub minor_units: Option<u32>,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    /// snake_case, without the `r#` of keywords (the emitter adds it).
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub default: Option<String>,
    pub description: Option<String>,
    pub deprecated: Option<String>,
    pub limits: Limits,
    /// A decimal amount limited to the minor units of the currency in the sibling field at this
    /// index of the same struct (an enum whose values give `minor_units`).
    pub minor_units_from: Option<usize>,
    /// A path parameter that is a credential: redacted wherever the path is logged.
    pub secret: bool,
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    Primitive(Primitive),
    Named(Named),
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
}

impl TypeRef {
    /// The innermost type of lists and maps.
    pub fn element(&self) -> &TypeRef {
        match self {
            TypeRef::List(inner) | TypeRef::Map(inner) => inner.element(),
            other => other,
        }
    }

    pub fn is_container(&self) -> bool {
        matches!(self, TypeRef::List(_) | TypeRef::Map(_))
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::Primitive(p) => f.write_str(p.spec_name()),
            TypeRef::Named(n) => f.write_str(&n.name),
            TypeRef::List(inner) => write!(f, "list<{inner}>"),
            TypeRef::Map(inner) => write!(f, "map<{inner}>"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    String,
    Integer,
    Decimal,
    Boolean,
    Json,
    /// A string with `format: datetime`: an RFC 3339 date and time with its offset, read into the
    /// runtime's `DateTime` (not a type name of its own in the spec).
    DateTime,
}

impl Primitive {
    pub const ALL: &[(&str, Primitive)] = &[
        ("string", Primitive::String),
        ("integer", Primitive::Integer),
        ("decimal", Primitive::Decimal),
        ("boolean", Primitive::Boolean),
        ("json", Primitive::Json),
    ];

    pub fn spec_name(self) -> &'static str {
        match self {
            Primitive::DateTime => "datetime",
            _ => Primitive::ALL.iter().find(|(_, p)| *p == self).map_or("", |(n, _)| n),
        }
    }
}

/// A reference to a defined type, with what the emitter needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub kind: NamedKind,
    pub scope: Scope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    String,
    Enum,
    Struct,
}

/// Where a type is defined: the provider's shared types or the operation's own module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Provider,
    Operation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Digits,
    Alphanumeric,
    UpperAlpha,
}

impl Charset {
    pub const ALL: &[(&str, Charset)] =
        &[("digits", Charset::Digits), ("alphanumeric", Charset::Alphanumeric), ("upper_alpha", Charset::UpperAlpha)];

    pub fn spec_name(self) -> &'static str {
        Charset::ALL.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Limits {
    pub max_bytes: Option<u64>,
    pub min_bytes: Option<u64>,
    pub max_chars: Option<u64>,
    pub min_chars: Option<u64>,
    pub charset: Option<Charset>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub numeral: Option<Numeral>,
    /// `format: url`: an absolute http(s) URL.
    pub url: bool,
    /// A regular expression (regex-lite syntax, checked to compile) the string must match somewhere.
    pub pattern: Option<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

/// An integer written as text (a string's `format`, or implied by `wire: number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeral {
    /// Digits without a leading zero: what a JSON number can spell.
    Canonical,
    /// `format: positive_integer`: canonical and above zero.
    Positive,
}

/// A string's `format`: what the checker reads it into (`Limits::numeral`, `Limits::url`, or for
/// `datetime` the field's type, `Primitive::DateTime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Numeral(Numeral),
    /// An absolute http(s) URL.
    Url,
    /// An RFC 3339 date and time with its offset.
    DateTime,
}

impl Format {
    /// The `format` values; `Numeral::Canonical` has none of its own (`wire: number` implies it).
    pub const ALL: &[(&str, Format)] = &[
        ("datetime", Format::DateTime),
        ("positive_integer", Format::Numeral(Numeral::Positive)),
        ("url", Format::Url),
    ];
}

/// An exact bound, `mantissa × 10^-scale`: what the runtime's `Decimal` holds. Parsed once by the
/// checker, so nothing downstream handles the literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    pub mantissa: i64,
    /// Fractional digits, at most 18.
    pub scale: u32,
}

impl Number {
    /// The value in units of 10^-18, so that bounds of different scales compare exactly.
    pub fn exact(self) -> i128 {
        i128::from(self.mantissa) * 10_i128.pow(18 - self.scale)
    }
}

/// The literal as the spec writes it (without leading zeros): `0.01`, `-5`.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let scale = self.scale as usize;
        let digits = format!("{:0>width$}", self.mantissa.unsigned_abs(), width = scale + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        if fraction.is_empty() { write!(f, "{sign}{whole}") } else { write!(f, "{sign}{whole}.{fraction}") }
    }
}

impl Limits {
    pub fn has_text_rules(&self) -> bool {
        self.max_bytes.is_some()
            || self.min_bytes.is_some()
            || self.max_chars.is_some()
            || self.min_chars.is_some()
            || self.charset.is_some()
            || self.numeral.is_some()
            || self.url
            || self.pattern.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn numbers_print_as_written_and_compare_exactly() {
        let n = |mantissa, scale| Number { mantissa, scale };
        assert_eq!(n(1, 2).to_string(), "0.01");
        assert_eq!(n(-5, 1).to_string(), "-0.5");
        assert_eq!(n(100, 0).to_string(), "100");
        assert_eq!(n(1050, 2).to_string(), "10.50");
        assert!(n(10, 1).exact() == n(1, 0).exact() && n(1, 2).exact() < n(1, 1).exact());
    }
}
