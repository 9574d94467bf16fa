//! Spec prose as rustdoc. Descriptions are plain text, so characters that rustdoc would read as
//! HTML or intra-doc links are escaped outside `code spans`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::model::Limits;

/// `#[doc = ...]` attributes for outer docs, one per line, paragraphs separated by empty lines.
pub fn outer(paragraphs: &[String]) -> TokenStream {
    let lines = lines(paragraphs).into_iter().map(raw);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = ...]` attributes for module docs.
pub fn inner(paragraphs: &[String]) -> TokenStream {
    let lines = lines(paragraphs).into_iter().map(raw);
    quote! { #( #![doc = #lines] )* }
}

/// A doc line as a raw string literal. prettyplease prints a doc attribute as `///` and its value
/// either way; a raw literal spares escaping every character here and unescaping it again in syn
/// (about 6% of a `cargo xtask codegen --check`, measured with callgrind).
fn raw(line: String) -> Literal {
    let mut hashes = String::from("#");
    while line.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{line}\"{hashes}").parse().unwrap_or_else(|_| Literal::string(&line))
}

/// Doc text wraps at this width (after `/// `), as a person would write it.
const WIDTH: usize = 96;

fn lines(paragraphs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !out.is_empty() {
            out.push(String::new());
        }
        for line in p.trim().lines() {
            if line.trim().is_empty() {
                out.push(String::new());
            } else {
                out.extend(wrap(&escape(line)).into_iter().map(|l| format!(" {l}")));
            }
        }
    }
    out
}

/// Splits a line at spaces so that no piece is longer than [`WIDTH`] (a longer word stays whole).
fn wrap(line: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    // Width in characters of `current`, kept as words are added rather than recounted.
    let mut width = 0;
    for word in line.split(' ') {
        let chars = word.chars().count();
        if !current.is_empty() && width + 1 + chars > WIDTH {
            out.push(std::mem::take(&mut current));
            width = 0;
        }
        if !current.is_empty() {
            current.push(' ');
            width += 1;
        }
        current.push_str(word);
        width += chars;
    }
    out.push(current);
    out
}

/// Escapes `<`, `>`, `[` and `]` outside backtick spans.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    for c in line.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// One sentence listing a field's limits, as a reader of the docs wants them: `At most 100 bytes.`
pub fn limits(l: &Limits) -> Option<String> {
    let mut parts = Vec::new();
    let range = |lo: Option<u64>, hi: Option<u64>, unit: &str| match (lo, hi) {
        (Some(a), Some(b)) if a == b => Some(format!("exactly {a} {unit}")),
        (Some(a), Some(b)) => Some(format!("{a} to {b} {unit}")),
        (Some(a), None) => Some(format!("at least {a} {unit}")),
        (None, Some(b)) => Some(format!("at most {b} {unit}")),
        (None, None) => None,
    };
    parts.extend(range(l.min_bytes, l.max_bytes, "bytes (UTF-8)"));
    parts.extend(range(l.min_chars, l.max_chars, "characters"));
    if let Some(c) = l.charset {
        parts.push(format!(
            "only {}",
            match c {
                crate::model::Charset::Digits => "ASCII digits",
                crate::model::Charset::Alphanumeric => "ASCII letters and digits",
                crate::model::Charset::UpperAlpha => "ASCII capital letters",
            }
        ));
    }
    match l.numeral {
        Some(crate::model::Numeral::Canonical) => parts.push("an integer without leading zeros".to_owned()),
        Some(crate::model::Numeral::Positive) => parts.push("a positive integer without leading zeros".to_owned()),
        None => {}
    }
    if l.url {
        parts.push("an absolute http or https URL".to_owned());
    }
    if let Some(p) = &l.pattern {
        parts.push(format!("matches `{p}`"));
    }
    match (&l.minimum, &l.maximum) {
        (Some(a), Some(b)) => parts.push(format!("from {a} to {b}")),
        (Some(a), None) => parts.push(format!("at least {a}")),
        (None, Some(b)) => parts.push(format!("at most {b}")),
        (None, None) => {}
    }
    if let Some(a) = &l.exclusive_minimum {
        parts.push(format!("more than {a}"));
    }
    parts.extend(range(l.min_items, l.max_items, "items"));
    if parts.is_empty() {
        return None;
    }
    let text = parts.join("; ");
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    Some(format!("{first}{}.", chars.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_outside_code_only() {
        assert_eq!(escape("a <b> [c] `x<y>[z]`"), r"a &lt;b&gt; \[c\] `x<y>[z]`");
    }

    #[test]
    fn wraps_long_lines_at_spaces() {
        let long = "word ".repeat(40);
        let wrapped = wrap(long.trim());
        assert!(wrapped.len() > 1 && wrapped.iter().all(|l| l.chars().count() <= WIDTH), "{wrapped:?}");
        assert_eq!(wrapped.join(" "), long.trim());
        assert_eq!(wrap(&"x".repeat(120)), vec!["x".repeat(120)], "a long word stays whole");
    }

    #[test]
    fn describes_limits() {
        let l = Limits { max_bytes: Some(100), min_chars: Some(19), max_chars: Some(19), ..Limits::default() };
        assert_eq!(limits(&l).unwrap(), "At most 100 bytes (UTF-8); exactly 19 characters.");
        assert_eq!(limits(&Limits::default()), None);
    }
}
