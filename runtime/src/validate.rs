//! Request validation. Generated `Validate` impls walk a request and report every violation at once,
//! each with the JSON path of the offending value, so a caller can fix a whole form in one go.
//! Nothing is allocated unless something is wrong: paths live on the stack until a violation needs one.

use std::fmt;

/// Implemented by every generated request type.
pub trait Validate {
    /// Appends every violation below `at` to `out`.
    fn validate_at(&self, at: &Path<'_>, out: &mut Violations);

    /// Checks the whole value; `Err` lists every violation.
    fn validate(&self) -> Result<(), ValidationError> {
        let mut out = Violations::default();
        self.validate_at(&Path::Root, &mut out);
        out.into_result()
    }
}

/// Where a value sits in a request, as a chain of borrowed segments.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// The request itself.
    Root,
    /// A field of the value at the parent path, by wire name.
    Field(&'a Path<'a>, &'static str),
    /// An element of the list at the parent path.
    Index(&'a Path<'a>, usize),
    /// An entry of the map at the parent path.
    Key(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    /// The path of field `name` below this one.
    pub fn field(&'a self, name: &'static str) -> Path<'a> {
        Path::Field(self, name)
    }

    /// The path of element `index` below this one.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// The path of map entry `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The path as written in JSON terms: `packages[0].products[1].name`, `metadata["k"]`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Field(parent, name) => {
                parent.render_into(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Path::Index(parent, index) => {
                parent.render_into(out);
                out.push_str(&format!("[{index}]"));
            }
            Path::Key(parent, key) => {
                parent.render_into(out);
                out.push_str(&format!("[{key:?}]"));
            }
        }
    }
}

/// Characters a constrained string may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Charset {
    /// ASCII `0-9`.
    Digits,
    /// ASCII letters and digits.
    Alphanumeric,
    /// ASCII `A-Z`.
    UpperAlpha,
}

impl Charset {
    /// Whether `c` belongs to the set.
    pub fn allows(self, c: char) -> bool {
        match self {
            Charset::Digits => c.is_ascii_digit(),
            Charset::Alphanumeric => c.is_ascii_alphanumeric(),
            Charset::UpperAlpha => c.is_ascii_uppercase(),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Charset::Digits => "ASCII digits",
            Charset::Alphanumeric => "ASCII letters and digits",
            Charset::UpperAlpha => "ASCII capital letters",
        }
    }
}

/// One broken rule, with the limit and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A required value is absent or empty.
    Required,
    /// Too long, counted in UTF-8 bytes.
    MaxBytes {
        /// The limit the spec states.
        limit: usize,
        /// What the value has.
        actual: usize,
    },
    /// Too short, counted in UTF-8 bytes.
    MinBytes {
        /// The limit the spec states.
        limit: usize,
        /// What the value has.
        actual: usize,
    },
    /// Too long, counted in characters.
    MaxChars {
        /// The limit the spec states.
        limit: usize,
        /// What the value has.
        actual: usize,
    },
    /// Too short, counted in characters.
    MinChars {
        /// The limit the spec states.
        limit: usize,
        /// What the value has.
        actual: usize,
    },
    /// A character outside the allowed set, at the given character index.
    Charset {
        /// The characters allowed.
        expected: Charset,
        /// The first character outside them.
        found: char,
        /// Its index, in characters.
        index: usize,
    },
    /// Below the inclusive minimum.
    Minimum {
        /// The limit the spec states.
        limit: String,
        /// What the value has.
        actual: String,
    },
    /// Not above the exclusive minimum (an amount that must be positive is zero or less).
    ExclusiveMinimum {
        /// The limit the spec states.
        limit: String,
        /// What the value has.
        actual: String,
    },
    /// More fractional digits than the currency has minor units (JPY has none).
    MinorUnits {
        /// The currency, as sent.
        currency: String,
        /// The fractional digits the currency allows.
        allowed: u32,
        /// The amount as sent.
        actual: String,
    },
    /// Not an integer as the provider writes it: digits with no leading zero (and above zero when
    /// it must be positive).
    Numeral {
        /// What the value must look like.
        expected: Numeral,
    },
    /// Not an absolute `http` or `https` URL with a host (or with spaces or control characters).
    Url,
    /// No match for the regular expression the spec gives (anywhere in the value, as in JSON Schema).
    Pattern {
        /// The regular expression.
        pattern: &'static str,
    },
    /// Above the inclusive maximum.
    Maximum {
        /// The limit the spec states.
        limit: String,
        /// What the value has.
        actual: String,
    },
    /// Too many elements.
    MaxItems {
        /// The limit the spec states.
        limit: usize,
        /// What the value has.
        actual: usize,
    },
    /// Too few elements.
    MinItems {
        /// The limit the spec states.
        limit: usize,
        /// What the value has.
        actual: usize,
    },
    /// A value the provider does not document for this field.
    NotAllowed {
        /// The value as sent.
        value: String,
        /// The values the spec documents.
        allowed: &'static [&'static str],
    },
    /// A path parameter that is empty, `.` or `..`: the request would reach another endpoint.
    PathSegment {
        /// The segment as given.
        segment: String,
    },
    /// None of these fields was given, and at least one must be (reported at the first).
    AtLeastOne {
        /// The fields, by wire name.
        fields: &'static [&'static str],
    },
    /// The field must be given because another field has a certain value.
    RequiredWhen {
        /// The other field, by wire name.
        when: &'static str,
        /// The value it has.
        equals: &'static str,
    },
    /// The field must equal a sum (`of`, e.g. `products[].quantity × price`), which comes to `sum`
    /// (or overflows).
    Sum {
        /// What must add up, such as `products[].quantity × price`.
        of: &'static str,
        /// What they add up to; `None` when the sum overflows.
        sum: Option<String>,
        /// What the value has.
        actual: String,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::MaxBytes { limit, actual } => write!(f, "is {actual} bytes long; at most {limit} bytes allowed"),
            Rule::MinBytes { limit, actual } => write!(f, "is {actual} bytes long; at least {limit} bytes required"),
            Rule::MaxChars { limit, actual } => {
                write!(f, "is {actual} characters long; at most {limit} characters allowed")
            }
            Rule::MinChars { limit, actual } => {
                write!(f, "is {actual} characters long; at least {limit} characters required")
            }
            Rule::Charset { expected, found, index } => {
                write!(f, "has {found:?} at character {index}; only {} allowed", expected.describe())
            }
            Rule::Minimum { limit, actual } => write!(f, "is {actual}; the minimum is {limit}"),
            Rule::ExclusiveMinimum { limit, actual } => write!(f, "is {actual}; it must be greater than {limit}"),
            Rule::MinorUnits { currency, allowed: 0, actual } => {
                write!(f, "is {actual}; {currency} amounts have no fractional part")
            }
            Rule::MinorUnits { currency, allowed, actual } => {
                write!(f, "is {actual}; {currency} amounts have at most {allowed} fractional digits")
            }
            Rule::Numeral { expected: Numeral::Canonical } => {
                f.write_str("must be an integer written as digits without a leading zero")
            }
            Rule::Numeral { expected: Numeral::Positive } => {
                f.write_str("must be a positive integer written as digits without a leading zero")
            }
            Rule::Url => f.write_str("must be an absolute http or https URL"),
            Rule::Pattern { pattern } => write!(f, "does not match the pattern `{pattern}`"),
            Rule::Maximum { limit, actual } => write!(f, "is {actual}; the maximum is {limit}"),
            Rule::MaxItems { limit, actual } => write!(f, "has {actual} items; at most {limit} allowed"),
            Rule::MinItems { limit, actual } => write!(f, "has {actual} items; at least {limit} required"),
            Rule::NotAllowed { value, allowed } => write!(f, "is {value:?}; expected one of {}", allowed.join(", ")),
            Rule::PathSegment { segment } => {
                write!(f, "has the segment {segment:?}: a path parameter may not be empty, `.` or `..`")
            }
            Rule::AtLeastOne { fields } => write!(f, "is missing: give at least one of {}", fields.join(", ")),
            Rule::RequiredWhen { when, equals } => write!(f, "is required when `{when}` is {equals}"),
            Rule::Sum { of, sum: Some(sum), actual } => write!(f, "is {actual}, but {of} add up to {sum}"),
            Rule::Sum { of, sum: None, actual } => {
                write!(f, "is {actual}, but {of} add up to more than an amount can hold")
            }
        }
    }
}

/// A rule broken at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: `packages[0].products[1].name`; empty for the request itself.
    pub path: String,
    /// What is wrong there.
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "value" } else { &self.path };
        write!(f, "`{path}` {}", self.rule)
    }
}

/// Every violation found in one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Every violation, in the order of the request's fields.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request ({} problem{})", self.violations.len(), plural(self.violations.len()))?;
        for v in &self.violations {
            write!(f, "; {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// An integer written as text: the form a JSON number (or a provider's amount string) requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeral {
    /// Digits with no leading zero (`0` itself is allowed): an id a JSON number can spell exactly.
    Canonical,
    /// Canonical and above zero: an Alipay+ amount in minor units.
    Positive,
}

impl Numeral {
    fn allows(self, value: &str) -> bool {
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        let canonical = digits && (value == "0" || !value.starts_with('0'));
        match self {
            Numeral::Canonical => canonical,
            Numeral::Positive => canonical && value != "0",
        }
    }
}

/// Limits on one string, as the spec states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRules {
    /// An empty string is missing.
    pub required: bool,
    /// At least this many UTF-8 bytes.
    pub min_bytes: Option<usize>,
    /// At most this many UTF-8 bytes.
    pub max_bytes: Option<usize>,
    /// At least this many characters.
    pub min_chars: Option<usize>,
    /// At most this many characters.
    pub max_chars: Option<usize>,
    /// Only characters of this set.
    pub charset: Option<Charset>,
    /// Digits written as the provider writes an integer.
    pub numeral: Option<Numeral>,
    /// An absolute `http` or `https` URL with a host.
    pub url: bool,
    /// A regular expression the value must match (feature `pattern`).
    #[cfg(feature = "pattern")]
    pub pattern: Option<Pattern>,
}

impl TextRules {
    /// No limits; generated code starts from this with `..TextRules::NONE`.
    pub const NONE: TextRules = TextRules {
        required: false,
        min_bytes: None,
        max_bytes: None,
        min_chars: None,
        max_chars: None,
        charset: None,
        numeral: None,
        url: false,
        #[cfg(feature = "pattern")]
        pattern: None,
    };

    /// Calls `report` for every rule `value` breaks.
    pub fn check(&self, value: &str, mut report: impl FnMut(Rule)) {
        if self.required && value.is_empty() {
            report(Rule::Required);
        }
        let bytes = value.len();
        if let Some(limit) = self.max_bytes.filter(|l| bytes > *l) {
            report(Rule::MaxBytes { limit, actual: bytes });
        }
        // An empty value breaks a minimum too, unless `Required` already said so.
        let reported_empty = self.required && value.is_empty();
        if let Some(limit) = self.min_bytes.filter(|l| bytes < *l && !reported_empty) {
            report(Rule::MinBytes { limit, actual: bytes });
        }
        // In ASCII text (ids, codes, most amounts and names) a character is a byte.
        let ascii = value.is_ascii();
        if self.max_chars.is_some() || self.min_chars.is_some() {
            let chars = if ascii { bytes } else { value.chars().count() };
            if let Some(limit) = self.max_chars.filter(|l| chars > *l) {
                report(Rule::MaxChars { limit, actual: chars });
            }
            if let Some(limit) = self.min_chars.filter(|l| chars < *l && !reported_empty) {
                report(Rule::MinChars { limit, actual: chars });
            }
        }
        if let Some(expected) = self.charset {
            let found = if ascii {
                value.bytes().map(char::from).enumerate().find(|(_, c)| !expected.allows(*c))
            } else {
                value.chars().enumerate().find(|(_, c)| !expected.allows(*c))
            };
            if let Some((index, found)) = found {
                report(Rule::Charset { expected, found, index });
            }
        }
        if let Some(expected) = self.numeral.filter(|n| !n.allows(value) && !reported_empty) {
            report(Rule::Numeral { expected });
        }
        if self.url && !reported_empty && !is_web_url(value) {
            report(Rule::Url);
        }
        #[cfg(feature = "pattern")]
        if let Some(pattern) = self.pattern.filter(|p| !reported_empty && !p.is_match(value)) {
            report(Rule::Pattern { pattern: pattern.source });
        }
    }
}

/// A spec's `pattern`: a regular expression (regex-lite syntax) that must match somewhere in the
/// value, as JSON Schema's `pattern` does; `^` and `$` anchor it to the whole value. Compiled on first
/// use and then shared by every check, through the `static` that [`pattern!`](crate::pattern) creates.
#[cfg(feature = "pattern")]
#[derive(Clone, Copy)]
pub struct Pattern {
    source: &'static str,
    compiled: fn() -> &'static CompiledPattern,
}

/// Where [`pattern!`](crate::pattern) keeps one pattern's compiled form.
#[cfg(feature = "pattern")]
#[doc(hidden)]
pub type CompiledPattern = std::sync::OnceLock<Option<regex_lite::Regex>>;

#[cfg(feature = "pattern")]
impl Pattern {
    /// Use [`pattern!`](crate::pattern), which gives each pattern the one `static` it compiles into.
    #[doc(hidden)]
    pub const fn new(source: &'static str, compiled: fn() -> &'static CompiledPattern) -> Pattern {
        Pattern { source, compiled }
    }

    /// The regular expression as the spec writes it.
    pub fn as_str(&self) -> &'static str {
        self.source
    }

    /// Whether the pattern matches somewhere in `value`. A pattern that does not compile matches
    /// nothing (the generator refuses such specs, so this cannot happen in generated code).
    pub fn is_match(&self, value: &str) -> bool {
        let regex = (self.compiled)().get_or_init(|| regex_lite::Regex::new(self.source).ok());
        regex.as_ref().is_some_and(|r| r.is_match(value))
    }
}

/// Patterns are the same when their text is.
#[cfg(feature = "pattern")]
impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.source == other.source
    }
}

#[cfg(feature = "pattern")]
impl Eq for Pattern {}

#[cfg(feature = "pattern")]
impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// A [`validate::Pattern`](crate::validate::Pattern) for a literal regular expression, compiled once,
/// on first use, into a `static` of its own: what generated code writes for a spec's `pattern`.
///
/// ```
/// let currency = payspec_runtime::pattern!("^[A-Z]{3}$");
/// assert!(currency.is_match("JPY") && !currency.is_match("jpy") && !currency.is_match("JPYX"));
/// ```
#[cfg(feature = "pattern")]
#[macro_export]
macro_rules! pattern {
    ($source:literal) => {
        $crate::validate::Pattern::new($source, || {
            static COMPILED: $crate::validate::CompiledPattern = $crate::validate::CompiledPattern::new();
            &COMPILED
        })
    };
}

/// An absolute `http`/`https` URL with a host, as `url` (already compiled for `reqwest`) parses it;
/// the parser trims surrounding spaces and drops tabs and newlines, so those are refused first.
fn is_web_url(value: &str) -> bool {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    reqwest::Url::parse(value)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
}

/// An open enum: generated enums keep values the spec does not know instead of failing to decode.
pub trait OpenEnum {
    /// Every documented value.
    const VALUES: &'static [&'static str];
    /// The value exactly as the provider writes it.
    fn as_str(&self) -> &str;
    /// Whether the spec lists the value (it is not `Unknown`).
    fn is_known(&self) -> bool;
}

/// The violations found so far. Generated `Validate` impls call one method per spec rule.
#[derive(Debug, Default)]
pub struct Violations {
    list: Vec<Violation>,
}

impl Violations {
    fn push(&mut self, at: &Path<'_>, rule: Rule) {
        self.list.push(Violation { path: at.render(), rule });
    }

    /// Whether nothing was found so far.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// `Ok` when nothing was found, otherwise every violation.
    pub fn into_result(self) -> Result<(), ValidationError> {
        if self.list.is_empty() { Ok(()) } else { Err(ValidationError { violations: self.list }) }
    }

    /// A string against its limits.
    pub fn text(&mut self, at: &Path<'_>, value: &str, rules: &TextRules) {
        rules.check(value, |rule| self.push(at, rule));
    }

    /// A number against its inclusive bounds.
    pub fn range<T: PartialOrd + fmt::Display>(&mut self, at: &Path<'_>, value: &T, min: Option<T>, max: Option<T>) {
        if let Some(limit) = min.filter(|m| value < m) {
            self.push(at, Rule::Minimum { limit: limit.to_string(), actual: value.to_string() });
        }
        if let Some(limit) = max.filter(|m| value > m) {
            self.push(at, Rule::Maximum { limit: limit.to_string(), actual: value.to_string() });
        }
    }

    /// A number that must be greater than `limit` (`None`: no limit).
    pub fn above<T: PartialOrd + fmt::Display>(&mut self, at: &Path<'_>, value: &T, limit: Option<T>) {
        if let Some(limit) = limit.filter(|l| value <= l) {
            self.push(at, Rule::ExclusiveMinimum { limit: limit.to_string(), actual: value.to_string() });
        }
    }

    /// An amount against its currency's minor units (`units` is `None` for a currency the spec
    /// gives none: nothing is checked).
    pub fn minor_units(&mut self, at: &Path<'_>, value: &crate::Decimal, currency: &str, units: Option<u32>) {
        if let Some(allowed) = units.filter(|u| value.fraction_digits() > *u) {
            self.push(at, Rule::MinorUnits { currency: currency.to_owned(), allowed, actual: value.to_string() });
        }
    }

    /// The element count of a list or map. A required container must not be empty.
    pub fn items(&mut self, at: &Path<'_>, len: usize, required: bool, min: Option<usize>, max: Option<usize>) {
        if required && len == 0 {
            self.push(at, Rule::Required);
        }
        if let Some(limit) = min.filter(|m| len < *m && len > 0) {
            self.push(at, Rule::MinItems { limit, actual: len });
        }
        if let Some(limit) = max.filter(|m| len > *m) {
            self.push(at, Rule::MaxItems { limit, actual: len });
        }
    }

    /// A documented sum rule: `value` must equal `sum` (`None` when the sum overflowed).
    pub fn sum(&mut self, at: &Path<'_>, of: &'static str, sum: Option<crate::Decimal>, value: crate::Decimal) {
        if sum != Some(value) {
            self.push(at, Rule::Sum { of, sum: sum.map(|s| s.to_string()), actual: value.to_string() });
        }
    }

    /// At least one of `fields` must be given (`given`: whether one is); reported at the first's path.
    pub fn at_least_one(&mut self, at: &Path<'_>, fields: &'static [&'static str], given: bool) {
        if !given {
            self.push(at, Rule::AtLeastOne { fields });
        }
    }

    /// The field at `at` must be given (`given`) when `when` has the value `equals` (`applies`).
    pub fn required_when(
        &mut self,
        at: &Path<'_>,
        when: &'static str,
        equals: &'static str,
        applies: bool,
        given: bool,
    ) {
        if applies && !given {
            self.push(at, Rule::RequiredWhen { when, equals });
        }
    }

    /// An open enum value must be one the provider documents before it is sent.
    pub fn known<E: OpenEnum>(&mut self, at: &Path<'_>, value: &E) {
        if !value.is_known() {
            self.push(at, Rule::NotAllowed { value: value.as_str().to_owned(), allowed: E::VALUES });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_json_paths() {
        let root = Path::Root;
        let packages = root.field("packages");
        let first = packages.index(0);
        let products = first.field("products");
        let second = products.index(1);
        assert_eq!(second.field("name").render(), "packages[0].products[1].name");
        assert_eq!(root.field("metadata").key("a\"b").render(), r#"metadata["a\"b"]"#);
        assert_eq!(root.index(3).render(), "[3]");
    }

    #[test]
    fn text_rules_count_bytes_and_chars_separately() {
        let rules = TextRules { max_bytes: Some(6), max_chars: Some(2), ..TextRules::NONE };
        let mut found = Vec::new();
        rules.check("日本語", |r| found.push(r));
        assert_eq!(found, vec![Rule::MaxBytes { limit: 6, actual: 9 }, Rule::MaxChars { limit: 2, actual: 3 }]);
    }

    #[test]
    fn urls_are_absolute_http_or_https_with_a_host() {
        let check = |value: &str| {
            let mut found = Vec::new();
            TextRules { url: true, ..TextRules::NONE }.check(value, |r| found.push(r));
            found
        };
        for ok in ["https://shop.example/pay/confirm?order=1", "http://localhost:8080/cb", "HTTPS://Shop.Example"] {
            assert_eq!(check(ok), vec![], "{ok:?}");
        }
        for bad in [
            "",
            "/pay/confirm",
            "shop.example/confirm",
            "ftp://shop.example/x",
            "https://",
            "https://[::1",
            " https://shop.example",
            "https://shop.example/a b",
            "https://shop.example/\n",
            "javascript:alert(1)",
        ] {
            assert_eq!(check(bad), vec![Rule::Url], "{bad:?}");
        }
        let mut found = Vec::new();
        TextRules { required: true, url: true, ..TextRules::NONE }.check("", |r| found.push(r));
        assert_eq!(found, vec![Rule::Required], "an empty required value is missing, not a bad URL");
        assert_eq!(Rule::Url.to_string(), "must be an absolute http or https URL");
    }

    #[cfg(feature = "pattern")]
    #[test]
    fn patterns_match_anywhere_unless_anchored_and_compile_once() {
        const CURRENCY: TextRules = TextRules { pattern: Some(crate::pattern!("^[A-Z]{3}$")), ..TextRules::NONE };
        let check = |rules: &TextRules, value: &str| {
            let mut found = Vec::new();
            rules.check(value, |r| found.push(r));
            found
        };
        assert_eq!(check(&CURRENCY, "JPY"), vec![]);
        for bad in ["jpy", "JPYX", " JPY", "JP", "ＪＰＹ", "JPY\n"] {
            assert_eq!(check(&CURRENCY, bad), vec![Rule::Pattern { pattern: "^[A-Z]{3}$" }], "{bad:?}");
        }
        // Unanchored, as in JSON Schema: a match anywhere will do.
        let digit = TextRules { pattern: Some(crate::pattern!("[0-9]")), ..TextRules::NONE };
        assert_eq!(check(&digit, "order-7"), vec![]);
        assert_eq!(check(&digit, "order"), vec![Rule::Pattern { pattern: "[0-9]" }]);
        // Missing is reported once; the pattern joins the other rules.
        let both = TextRules { required: true, max_chars: Some(2), ..CURRENCY };
        assert_eq!(check(&both, ""), vec![Rule::Required]);
        assert_eq!(
            check(&both, "abc"),
            vec![Rule::MaxChars { limit: 2, actual: 3 }, Rule::Pattern { pattern: "^[A-Z]{3}$" }]
        );
        // The constant's copies share one compiled regex.
        let (a, b) = (CURRENCY.pattern.unwrap(), CURRENCY.pattern.unwrap());
        assert!(std::ptr::eq((a.compiled)(), (b.compiled)()));
        assert!((a.compiled)().get().is_some(), "compiled by the checks above");
        assert_eq!(a, crate::pattern!("^[A-Z]{3}$"), "patterns compare by their text");
        // A pattern that does not compile (the generator refuses those) matches nothing.
        assert!(!crate::pattern!("[").is_match("["));
        assert_eq!(Rule::Pattern { pattern: "^[A-Z]{3}$" }.to_string(), "does not match the pattern `^[A-Z]{3}$`");
    }

    #[test]
    fn numerals_have_no_leading_zero() {
        let check = |numeral, value: &str| {
            let mut found = Vec::new();
            TextRules { numeral: Some(numeral), ..TextRules::NONE }.check(value, |r| found.push(r));
            found.is_empty()
        };
        for (value, canonical, positive) in [
            ("2021121300698360310", true, true),
            ("0", true, false),
            ("007", false, false),
            ("", false, false),
            ("1e3", false, false),
            ("10", true, true),
        ] {
            assert_eq!(check(Numeral::Canonical, value), canonical, "{value:?}");
            assert_eq!(check(Numeral::Positive, value), positive, "{value:?}");
        }
    }

    #[test]
    fn amounts_are_checked_against_exclusive_minimum_and_minor_units() {
        let d = |s: &str| s.parse::<crate::Decimal>().unwrap();
        let mut v = Violations::default();
        v.above(&Path::Root.field("amount"), &d("0"), Some(d("0")));
        v.above(&Path::Root.field("ok"), &d("0.01"), Some(d("0")));
        v.minor_units(&Path::Root.field("amount"), &d("100.5"), "JPY", Some(0));
        v.minor_units(&Path::Root.field("ok"), &d("100.50"), "USD", Some(2));
        v.minor_units(&Path::Root.field("ok"), &d("100.00"), "JPY", Some(0));
        v.minor_units(&Path::Root.field("amount"), &d("1.001"), "USD", Some(2));
        v.minor_units(&Path::Root.field("ok"), &d("1.001"), "XXX", None);
        let err = v.into_result().unwrap_err();
        let texts: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "`amount` is 0; it must be greater than 0",
                "`amount` is 100.5; JPY amounts have no fractional part",
                "`amount` is 1.001; USD amounts have at most 2 fractional digits",
            ]
        );
    }

    #[test]
    fn rules_across_fields_report_at_the_field_and_name_the_others() {
        let mut v = Violations::default();
        v.at_least_one(&Path::Root.field("paymentId"), &["paymentId", "paymentRequestId"], false);
        v.at_least_one(&Path::Root.field("refundId"), &["refundId", "refundRequestId"], true);
        v.required_when(&Path::Root.field("authCode"), "grantType", "AUTHORIZATION_CODE", true, false);
        v.required_when(&Path::Root.field("refreshToken"), "grantType", "REFRESH_TOKEN", false, false);
        v.required_when(&Path::Root.field("x"), "y", "Z", true, true);
        let texts: Vec<String> = v.into_result().unwrap_err().violations.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "`paymentId` is missing: give at least one of paymentId, paymentRequestId",
                "`authCode` is required when `grantType` is AUTHORIZATION_CODE",
            ]
        );
    }

    #[test]
    fn reports_first_bad_character() {
        let rules = TextRules { charset: Some(Charset::Digits), ..TextRules::NONE };
        let mut found = Vec::new();
        rules.check("12a4b", |r| found.push(r));
        assert_eq!(found, vec![Rule::Charset { expected: Charset::Digits, found: 'a', index: 2 }]);
    }

    #[test]
    fn required_means_non_empty() {
        let mut v = Violations::default();
        v.text(&Path::Root.field("orderId"), "", &TextRules { required: true, ..TextRules::NONE });
        v.items(&Path::Root.field("packages"), 0, true, None, None);
        let err = v.into_result().unwrap_err();
        assert_eq!(err.violations.len(), 2);
        assert_eq!(err.to_string(), "invalid request (2 problems); `orderId` is required; `packages` is required");
    }
}
