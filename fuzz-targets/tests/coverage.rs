//! Every operation of every generated client is fuzzed: the operations and success types of the
//! methods in `generated/src/<provider>/client.rs` must be exactly those of the `RESPONSES` table, so
//! a new operation (or a changed response type) fails here until the table covers it.

use std::collections::BTreeSet;
use std::path::Path;

use payspec_fuzz_targets::RESPONSES;

/// `super::capture::CaptureInfo` -> `CaptureInfo`; `Vec < super :: a :: B >` -> `Vec<B>`.
fn short_type(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::new();
    let mut word = String::new();
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            word.clear();
        } else {
            out.push_str(&word);
            word.clear();
            out.push(c);
        }
    }
    out + &word
}

/// `(operation, success type)` of every `pub async fn` of a generated client.
fn client_methods(source: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for chunk in source.split("pub async fn ").skip(1) {
        let name: String = chunk.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let after = chunk.split_once("-> Result<").map(|(_, r)| r).unwrap_or_else(|| panic!("{name} returns a Result"));
        // The success type ends at the first comma outside angle brackets or parentheses.
        let mut depth = 0i32;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '<' | '(' => depth += 1,
                    '>' | ')' => depth -= 1,
                    _ => {}
                }
                c == ',' && depth == 0
            })
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("{name}: no end of the success type"));
        out.insert((name, short_type(&after[..end])));
    }
    out
}

#[test]
fn short_types() {
    assert_eq!(short_type("super::capture::CaptureInfo"), "CaptureInfo");
    assert_eq!(short_type("Vec < linepay :: payment_details :: PaymentDetailsInfo >"), "Vec<PaymentDetailsInfo>");
    assert_eq!(short_type("( )"), "()");
}

#[test]
fn every_generated_operation_and_response_type_is_fuzzed() {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src");
    let mut providers: Vec<String> = std::fs::read_dir(&generated)
        .expect("generated/src")
        .flatten()
        .filter(|e| e.path().join("client.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    providers.sort();
    let mut tabled: Vec<&str> = RESPONSES.iter().map(|(p, _)| *p).collect();
    tabled.sort();
    assert_eq!(tabled, providers, "RESPONSES has one entry per generated provider");
    let mut methods_seen = 0;
    for (provider, cases) in RESPONSES {
        let source = std::fs::read_to_string(generated.join(provider).join("client.rs")).expect("a client.rs");
        let methods = client_methods(&source);
        let table: BTreeSet<(String, String)> =
            cases.iter().map(|c| (c.operation.to_owned(), short_type(c.response))).collect();
        let missing: Vec<_> = methods.difference(&table).collect();
        let stale: Vec<_> = table.difference(&methods).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "fuzz-targets/src/responses.rs is out of date for {provider}:\n  not fuzzed: {missing:?}\n  not in the client: {stale:?}"
        );
        assert_eq!(cases.len(), methods.len(), "{provider}: one table entry per operation");
        methods_seen += methods.len();
    }
    assert!(methods_seen > 0, "no generated client found");
}
