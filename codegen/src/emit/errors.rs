//! The per-operation error enum (smithy-rs style): a variant per documented code, `Unknown` for the
//! rest, and the spec's classification as methods.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs;
use super::types::ident;
use crate::model::*;

pub fn error_enum(provider: &Provider, op: &Operation) -> TokenStream {
    let name = ident(&op.error_type);
    let variants: Vec<_> = op.codes.iter().map(|c| ident(&c.variant)).collect();
    let codes: Vec<&str> = op.codes.iter().map(|c| c.code.as_str()).collect();
    let descriptions: Vec<&str> = op.codes.iter().map(|c| c.description.as_str()).collect();
    let variant_docs = op.codes.iter().map(|c| {
        let mut facts = Vec::new();
        if c.retryable {
            facts.push("retryable".to_owned());
        }
        if c.outcome_unknown {
            facts.push("outcome unknown".to_owned());
        }
        if let Some(status) = c.result_status {
            facts.push(format!("resultStatus {}", status.spec_name()));
        }
        facts.extend(c.classifications.iter().map(|n| n.replace('_', " ")));
        let mut paragraphs = vec![format!("`{}`: {}", c.code, c.description)];
        if !facts.is_empty() {
            paragraphs.push(format!("Classified as: {}.", facts.join(", ")));
        }
        docs::outer(&paragraphs)
    });
    let enum_docs = docs::outer(&[
        format!("Every return code the provider documents for `{}`.", op.name),
        "Codes the spec does not list decode as `Unknown`, so a new code never breaks decoding.".to_owned(),
    ]);
    let retryable = matches_any(op.codes.iter().filter(|c| c.retryable));
    let unknown_outcome = matches_any(op.codes.iter().filter(|c| c.outcome_unknown));
    let classifications = provider.classifications.iter().map(|class| {
        let method = ident(&class.name);
        let docs = docs::outer(std::slice::from_ref(&class.description));
        let matching = matches_any(op.codes.iter().filter(|c| c.classifications.contains(&class.name)));
        quote! {
            #docs
            pub fn #method(&self) -> bool {
                #matching
            }
        }
    });
    let http_status = op.codes.iter().any(|c| c.http_status.is_some()).then(|| {
        let arms = op.codes.iter().filter_map(|c| {
            let v = ident(&c.variant);
            c.http_status.map(|s| {
                let s = Literal::u16_unsuffixed(s);
                quote!(Self::#v => Some(#s),)
            })
        });
        quote! {
            /// The HTTP status the provider documents for this code.
            pub fn http_status(&self) -> Option<u16> {
                match self {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    });
    let category = provider.category_enum.as_ref().map(|name| {
        let name = ident(name);
        let arms = op.codes.iter().filter_map(|c| {
            let v = ident(&c.variant);
            c.category.as_ref().map(|cat| {
                let cat = ident(&cat.variant);
                quote!(Self::#v => Some(super::#name::#cat),)
            })
        });
        quote! {
            /// Who the provider says is at fault.
            pub fn category(&self) -> Option<super::#name> {
                match self {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    });
    let result_status = (provider.envelope == Envelope::AlipayPlus).then(|| {
        let arms = op.codes.iter().filter_map(|c| {
            let v = ident(&c.variant);
            let status = ident(match c.result_status? {
                ResultStatus::Success => "Success",
                ResultStatus::Accepted => "Accepted",
                ResultStatus::Failed => "Failed",
                ResultStatus::Unknown => "Unknown",
            });
            Some(quote!(Self::#v => Some(payspec_runtime::client::ResultStatus::#status),))
        });
        quote! {
            /// The `resultStatus` the provider documents for this code; `None` for codes the spec does
            /// not list.
            pub fn result_status(&self) -> Option<payspec_runtime::client::ResultStatus> {
                match self {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    });
    quote! {
        #enum_docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A code the spec does not list for this operation.
            Unknown(payspec_runtime::UnknownValue),
        }

        impl #name {
            /// Every code listed in the spec, in spec order.
            pub const CODES: &'static [&'static str] = &[#(#codes),*];

            /// The variant for `code`; codes the spec does not list become `Unknown`.
            pub fn from_code(code: &str) -> Self {
                match code {
                    #( #codes => Self::#variants, )*
                    other => Self::Unknown(payspec_runtime::UnknownValue::new_unchecked(other)),
                }
            }

            /// The code exactly as the provider sends it.
            pub fn code(&self) -> &str {
                match self {
                    #( Self::#variants => #codes, )*
                    Self::Unknown(code) => code.as_str(),
                }
            }

            /// What the code means; `None` for codes the spec does not list.
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#descriptions), )*
                    Self::Unknown(_) => None,
                }
            }

            /// The same call may be sent again later.
            pub fn is_retryable(&self) -> bool {
                #retryable
            }

            /// The call may or may not have taken effect: look the outcome up before anything else.
            pub fn is_outcome_unknown(&self) -> bool {
                #unknown_outcome
            }

            #(#classifications)*
            #http_status
            #category
            #result_status
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self.description() {
                    Some(description) => write!(f, "{}: {}", self.code(), description),
                    None => write!(f, "{}: a code the spec does not list", self.code()),
                }
            }
        }

        impl std::error::Error for #name {}

        impl payspec_runtime::ErrorCode for #name {
            fn from_code(code: &str) -> Self {
                #name::from_code(code)
            }

            fn code(&self) -> &str {
                #name::code(self)
            }

            fn description(&self) -> Option<&'static str> {
                #name::description(self)
            }

            fn is_retryable(&self) -> bool {
                #name::is_retryable(self)
            }

            fn is_outcome_unknown(&self) -> bool {
                #name::is_outcome_unknown(self)
            }
        }
    }
}

/// `matches!(self, A | B)`, or `false` when nothing matches.
fn matches_any<'a>(codes: impl Iterator<Item = &'a Code>) -> TokenStream {
    let variants: Vec<_> = codes.map(|c| ident(&c.variant)).collect();
    if variants.is_empty() { quote!(false) } else { quote!(matches!(self, #(Self::#variants)|*)) }
}
