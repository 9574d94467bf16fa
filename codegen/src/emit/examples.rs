//! `example_tests.rs`: a test module per provider, built from the operations' documented `examples`
//! like Smithy's protocol tests. It is compiled only under `cfg(test)`, so the published API does not
//! change; each test runs the generated types and the runtime's envelope decoding on the provider's
//! own sample JSON.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::client::envelope_tokens;
use super::docs;
use super::types::{field_ident, ident};
use crate::model::*;

/// Whether the provider has a test module to declare.
pub fn has_examples(p: &Provider) -> bool {
    p.operations.iter().any(|op| !op.examples.is_empty())
}

pub fn example_tests(p: &Provider) -> TokenStream {
    let (envelope_type, envelope) = envelope_tokens(&p.envelope);
    let docs = docs::inner(&[
        format!(
            "Tests from the documented examples of the {} specs (`examples`): each documented request decodes \
             into its type, passes the validator and serializes to the same JSON; each documented answer \
             passes the envelope and its payload re-encodes to the same JSON, or maps to its error variant.",
            p.title
        ),
        "JSON is compared exactly (numbers digit for digit, members in any order). Where the spec knows the \
         re-encoding differs, or that a documented part does not decode, the test says so and why, and \
         fails if that stops being true."
            .to_owned(),
    ]);
    let modules = p.operations.iter().filter(|op| !op.examples.is_empty()).map(|op| {
        let module = ident(&op.name);
        let tests = op.examples.iter().map(|ex| example(op, ex));
        quote! {
            mod #module {
                use payspec_runtime::examples::*;
                #(#tests)*
            }
        }
    });
    quote! {
        #docs

        /// The provider's envelope, as the client decodes answers with it.
        const ENVELOPE: #envelope_type = #envelope;

        #(#modules)*
    }
}

fn example(op: &Operation, ex: &Example) -> TokenStream {
    let mut paragraphs =
        vec![format!("`{}`: {}", ex.name, ex.description.as_deref().unwrap_or("a documented example."))];
    paragraphs.push(format!("From {}.", ex.sources.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")));
    let module = ident(&op.name);
    let mut out = TokenStream::new();
    if let Some((values, expected)) = &ex.path {
        let name = format!("{}/{} (path)", op.name, ex.name);
        let mut lets = Vec::new();
        let mut args = Vec::new();
        for (param, value) in op.path_params.iter().zip(values) {
            let id = field_ident(&param.rust_name);
            let (ty, init, arg) = match &param.ty {
                TypeRef::Primitive(Primitive::Integer) => {
                    let n = value
                        .parse::<i64>()
                        .map(Literal::i64_unsuffixed)
                        .unwrap_or_else(|_| Literal::i64_unsuffixed(0));
                    (quote!(i64), quote!(#n), quote!(#id))
                }
                ty => {
                    let ty = type_path(ty, &op.name);
                    (ty, quote!(path_param(#name, #value)), quote!(&#id))
                }
            };
            lets.push(quote!(let #id: #ty = #init;));
            args.push(arg);
        }
        let body = quote! {
            #(#lets)*
            let path = super::super::#module::path(#(#args),*);
            assert_eq!(path, #expected, #name);
        };
        out.extend(test(&format!("{}_path", ex.name), &paragraphs, None, body));
    }
    if let (Some(json), Some(query)) = (&ex.query, &op.query_type) {
        let name = format!("{}/{} (query)", op.name, ex.name);
        let query = ident(query);
        let ty = quote!(super::super::#module::#query);
        let body = decoded_request(&name, &ty, json);
        out.extend(test(&format!("{}_query", ex.name), &paragraphs, Some(&json.expect), body));
    }
    if let (Some(json), Some(request)) = (&ex.request, &op.request) {
        let name = format!("{}/{} (request)", op.name, ex.name);
        let ty = type_path(request, &op.name);
        let body = decoded_request(&name, &ty, json);
        out.extend(test(&format!("{}_request", ex.name), &paragraphs, Some(&json.expect), body));
    }
    if let Some(json) = &ex.response {
        let name = format!("{}/{} (response)", op.name, ex.name);
        let text = raw_string(&json.text);
        let status = Literal::u16_unsuffixed(ex.status);
        let operation = quote!(&super::super::#module::OPERATION);
        let (suffix, body) = match (&ex.error, &op.response) {
            (Some(code), _) => {
                let error = ident(&op.error_type);
                let body = quote! {
                    error_maps_to::<_, super::super::#module::#error>(&super::ENVELOPE, #operation, #status, #name, #text, #code);
                };
                ("error", body)
            }
            (None, None) => {
                ("response", quote!(response_answers(&super::ENVELOPE, #operation, #status, #name, #text);))
            }
            (None, Some(response)) => {
                let ty = type_path(response, &op.name);
                let body = match &json.expect {
                    ExampleExpectation::RoundTrip { known_differences } => {
                        let paths = known_differences.iter().map(|(path, _)| path);
                        quote! {
                            response_round_trips::<_, #ty>(
                                &super::ENVELOPE,
                                #operation,
                                #status,
                                Documented { name: #name, json: #text, known_differences: &[#(#paths),*] },
                            );
                        }
                    }
                    ExampleExpectation::Refused { .. } => quote! {
                        let error = response_is_refused::<_, #ty>(&super::ENVELOPE, #operation, #status, #name, #text);
                        println!("refused as the spec expects: {error}");
                    },
                };
                ("response", body)
            }
        };
        out.extend(test(&format!("{}_{suffix}", ex.name), &paragraphs, Some(&json.expect), body));
    }
    out
}

/// A documented query or request body: it round-trips and validates, or is refused.
fn decoded_request(name: &str, ty: &TokenStream, json: &ExampleJson) -> TokenStream {
    let text = raw_string(&json.text);
    match &json.expect {
        ExampleExpectation::RoundTrip { known_differences } => {
            let paths = known_differences.iter().map(|(path, _)| path);
            quote! {
                request_round_trips::<#ty>(Documented { name: #name, json: #text, known_differences: &[#(#paths),*] });
            }
        }
        ExampleExpectation::Refused { .. } => quote! {
            let error = request_is_refused::<#ty>(#name, #text);
            println!("refused as the spec expects: {error}");
        },
    }
}

fn test(name: &str, paragraphs: &[String], expect: Option<&ExampleExpectation>, body: TokenStream) -> TokenStream {
    let mut paragraphs = paragraphs.to_vec();
    match expect {
        None => {}
        Some(ExampleExpectation::RoundTrip { known_differences }) if !known_differences.is_empty() => {
            let list: Vec<String> = known_differences.iter().map(|(path, why)| format!("`{path}`: {why}")).collect();
            paragraphs.push(format!("Known differences from the documented JSON: {}", list.join(" ")));
        }
        Some(ExampleExpectation::RoundTrip { .. }) => {}
        Some(ExampleExpectation::Refused { reason }) => paragraphs.push(format!("Expected to be refused: {reason}")),
    }
    let docs = docs::outer(&paragraphs);
    let name = ident(name);
    quote! {
        #docs
        #[test]
        fn #name() {
            #body
        }
    }
}

/// A type as named from an operation's module inside `example_tests`.
fn type_path(ty: &TypeRef, operation: &str) -> TokenStream {
    match ty {
        TypeRef::Primitive(_) => super::types::rust_type(ty, super::types::Here::Operation),
        TypeRef::Named(n) => {
            let name = ident(&n.name);
            match n.scope {
                Scope::Provider => quote!(super::super::#name),
                Scope::Operation => {
                    let module = ident(operation);
                    quote!(super::super::#module::#name)
                }
            }
        }
        TypeRef::List(inner) => {
            let inner = type_path(inner, operation);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_path(inner, operation);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// The documented JSON as a raw string literal, so that the generated file shows it as written.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| Literal::string(text))
}
