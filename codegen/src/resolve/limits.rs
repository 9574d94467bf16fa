//! Field and type limits: which apply to what, which contradict each other, and decimal bounds
//! parsed once into exact numbers.

use super::ProviderResolver;
use crate::ast::*;
use crate::model::*;

impl ProviderResolver<'_> {
    pub(super) fn limits(&mut self, file: &File, l: &LimitsAst, target: &LimitTarget) -> Option<Limits> {
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
        if let Some(p) = &l.pattern {
            if !text_ok {
                self.err(file, p.pos, format!("`pattern` applies to strings, not to {}", target.describe()));
            } else if p.value.is_empty() {
                self.err(file, p.pos, "`pattern: \"\"` matches every string; remove it".to_owned());
            } else if let Err(e) = regex_lite::Regex::new(&p.value) {
                let reason = e.to_string().lines().last().unwrap_or_default().trim().to_owned();
                self.err(
                    file,
                    p.pos,
                    format!("`pattern` `{}` is not a regular expression regex-lite reads: {reason}", p.value),
                );
            }
        }
        // A `format: datetime` string has already become a date and time (`DateTime`).
        let datetime = matches!(element, LimitTarget::DateTime);
        if let (Some(c), false) = (&l.format, text_ok || datetime) {
            self.err(file, c.pos, format!("`format` applies to strings, not to {}", target.describe()));
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
        let exclusive_minimum = bound("exclusive_minimum", &l.exclusive_minimum);
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
        if let (Some(lo), Some(a), Some(hi), Some(b)) = (&l.exclusive_minimum, exclusive_minimum, &l.maximum, maximum) {
            if a.exact() >= b.exact() {
                self.err(
                    file,
                    lo.pos,
                    format!(
                        "`exclusive_minimum: {}` is not below `maximum: {}`; no value can satisfy both",
                        lo.value, hi.value
                    ),
                );
            }
        }
        if let (Some(lo), Some(_)) = (&l.minimum, &l.exclusive_minimum) {
            self.err(
                file,
                lo.pos,
                "`minimum` and `exclusive_minimum` together; keep the one the page states".to_owned(),
            );
        }
        let charset = l.charset.as_ref().and_then(|c| self.one_of(file, c, "charset", Charset::ALL));
        let format = l.format.as_ref().filter(|_| text_ok).and_then(|c| self.one_of(file, c, "format", Format::ALL));
        if let (Some(Format::DateTime), Some(c)) = (format, &l.format) {
            self.err(
                file,
                c.pos,
                "`format: datetime` goes on a field of type `string` (or a list or map of them), which it makes a \
                 `DateTime`; not on an enum or a `kind: string` type"
                    .to_owned(),
            );
        }
        let numeral = match format {
            Some(Format::Numeral(n)) => Some(n),
            _ => None,
        };
        if self.diags.len() > before {
            return None;
        }
        self.patterns |= l.pattern.is_some();
        let v = |x: &Option<Spanned<u64>>| x.as_ref().map(|s| s.value);
        Some(Limits {
            max_bytes: v(&l.max_bytes),
            min_bytes: v(&l.min_bytes),
            max_chars: v(&l.max_chars),
            min_chars: v(&l.min_chars),
            charset,
            minimum,
            maximum,
            exclusive_minimum,
            numeral,
            url: format == Some(Format::Url),
            pattern: l.pattern.as_ref().map(|p| p.value.clone()),
            min_items: v(&l.min_items),
            max_items: v(&l.max_items),
        })
    }
}

/// What kind of value a set of limits constrains.
pub(super) enum LimitTarget {
    Text,
    /// A `format: datetime` string: its form is fixed, so no text limit applies.
    DateTime,
    Number {
        integer: bool,
    },
    Container(Box<LimitTarget>),
    None,
}

impl LimitTarget {
    pub(super) fn of(ty: &TypeRef) -> LimitTarget {
        match ty {
            TypeRef::Primitive(Primitive::String) => LimitTarget::Text,
            TypeRef::Primitive(Primitive::DateTime) => LimitTarget::DateTime,
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
            LimitTarget::DateTime => "dates and times (`format: datetime`)",
            LimitTarget::Number { .. } => "numbers",
            LimitTarget::Container(inner) => match inner.element() {
                LimitTarget::Text => "lists and maps of strings",
                LimitTarget::DateTime => "lists and maps of dates and times (`format: datetime`)",
                LimitTarget::Number { .. } => "lists and maps of numbers",
                _ => "lists and maps of this type",
            },
            LimitTarget::None => "booleans, JSON values, structs and constrained strings",
        }
    }
}

/// A decimal literal as an exact value, if it fits the runtime's `Decimal` (an `i64` mantissa and at
/// most 18 fractional digits); the loader already checked its syntax.
pub(super) fn number(text: &str) -> Option<Number> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let scale = u32::try_from(fraction.len()).ok().filter(|s| *s <= 18)?;
    let mantissa = format!("{whole}{fraction}").parse().ok()?;
    Some(Number { mantissa, scale })
}

#[cfg(test)]
mod tests {
    use super::number;
    use crate::model::Number;

    #[test]
    fn parses_bounds_that_fit_a_decimal() {
        assert_eq!(number("0.01"), Some(Number { mantissa: 1, scale: 2 }));
        assert_eq!(number("-5"), Some(Number { mantissa: -5, scale: 0 }));
        assert_eq!(number("0.1234567890123456789"), None, "19 fractional digits");
        assert_eq!(number("99999999999999999999"), None, "more than an i64");
    }
}
