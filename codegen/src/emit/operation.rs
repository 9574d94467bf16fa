//! One module per operation: its constants, path builder, query type, own types and error enum.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::errors::error_enum;
use super::types::{Here, Setters, field_ident, ident, rust_type, struct_def, type_def};
use super::validate::impl_validate;
use crate::model::*;

pub fn operation_module(provider: &Provider, op: &Operation) -> TokenStream {
    let mut paragraphs = vec![op.summary.clone()];
    paragraphs.extend(op.description.clone());
    paragraphs.push(format!("`{} {}`", op.method.as_str(), op.path));
    paragraphs.extend(super::client::idempotency_doc(op));
    paragraphs.push(format!(
        "Transcribed from {}.",
        op.sources.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    ));
    let module_docs = docs::inner(&paragraphs);

    let name = &op.name;
    let method = op.method.as_str();
    let path_template = &op.path;
    let timeout = match op.timeout_seconds {
        Some(s) => {
            let s = Literal::u64_unsuffixed(s);
            quote!(Some(std::time::Duration::from_secs(#s)))
        }
        None => quote!(None),
    };
    let success_codes = match (&provider.envelope, op.success_codes.is_empty()) {
        (Envelope::LinePay { success_codes }, false) => {
            let all = success_codes.iter().chain(op.success_codes.iter().map(|c| &c.code));
            Some(quote! {
                /// Return codes that mean success for this operation: the provider's and its own.
                pub const SUCCESS_CODES: &[&str] = &[#(#all),*];
            })
        }
        (Envelope::AlipayPlus, false) => {
            let all = op.success_codes.iter().map(|c| &c.code);
            Some(quote! {
                /// Result codes that answer this operation (with status S or A); any other code with
                /// status A is not one the spec knows and is reported with an unknown outcome.
                pub const SUCCESS_CODES: &[&str] = &[#(#all),*];
            })
        }
        _ => None,
    };
    let extra_success = if success_codes.is_some() { quote!(SUCCESS_CODES) } else { quote!(&[]) };
    let idempotent = op.idempotent;
    let idempotency_key = match &op.idempotency_key {
        Some(key) => quote!(Some(#key)),
        None => quote!(None),
    };
    let effect = match op.effect {
        Some(effect) => {
            let variant = format_ident!("{}", format!("{effect:?}"));
            quote!(Some(payspec_runtime::client::Effect::#variant))
        }
        None => quote!(None),
    };
    let secret_params: Vec<&str> = op.path_params.iter().filter(|p| p.secret).map(|p| p.wire_name.as_str()).collect();
    let method_const = format_ident!("{}", method);
    let error_name = ident(&op.error_type);
    let outcome = op.outcome_type.as_ref().map(|name| outcome_enum(op, name));
    let path_fn = path_fn(op);
    let query = op.query_type.as_ref().map(|name| query_type(op, name));
    let types = op.types.iter().map(|t| type_def(t, Here::Operation));
    let errors = error_enum(provider, op);
    quote! {
        #module_docs

        /// The operation's name, as handlers and logs see it.
        pub const NAME: &str = #name;

        /// The HTTP method.
        pub const METHOD: &str = #method;

        /// The path as the provider documents it, with `{parameters}`.
        pub const PATH_TEMPLATE: &str = #path_template;

        /// The minimum read timeout the provider recommends, if it states one.
        pub const TIMEOUT: Option<std::time::Duration> = #timeout;

        /// Whether sending the call twice has no further effect, which makes a retry after an unknown
        /// outcome safe (GET calls, and calls keyed by a provider request id).
        pub const IDEMPOTENT: bool = #idempotent;

        #success_codes
        #outcome

        /// What the client needs to know to call this operation.
        pub const OPERATION: payspec_runtime::client::Operation = payspec_runtime::client::Operation {
            name: NAME,
            method: payspec_runtime::client::Method::#method_const,
            path_template: PATH_TEMPLATE,
            secret_path_params: &[#(#secret_params),*],
            timeout: TIMEOUT,
            idempotent: IDEMPOTENT,
            idempotency_key: #idempotency_key,
            effect: #effect,
            extra_success_codes: #extra_success,
            classify: payspec_runtime::client::facts_of::<#error_name>,
        };
        #path_fn
        #query
        #(#types)*
        #errors
    }
}

/// `{Op}Outcome`: which of the operation's non-error codes a successful call reported.
fn outcome_enum(op: &Operation, name: &str) -> TokenStream {
    let name = ident(name);
    let variants: Vec<_> = op.success_codes.iter().map(|c| format_ident!("{}", c.variant)).collect();
    let codes: Vec<&str> = op.success_codes.iter().map(|c| c.code.as_str()).collect();
    let descriptions: Vec<&str> = op.success_codes.iter().map(|c| c.description.as_str()).collect();
    let docs = op.success_codes.iter().map(|c| {
        let status = c.result_status.map(|s| format!(" (resultStatus `{}`)", s.spec_name())).unwrap_or_default();
        docs::outer(&[format!("`{}`{status}: {}", c.code, c.description)])
    });
    let enum_docs = docs::outer(&[format!(
        "What a `{}` call that was answered reports: the code the provider answered with.",
        op.name
    )]);
    quote! {
        #enum_docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #variants, )*
            /// Another success code, such as LINE Pay's `0000`.
            Other(payspec_runtime::UnknownValue),
        }

        impl #name {
            /// The outcome for a success code.
            pub fn from_code(code: &str) -> Self {
                match code {
                    #( #codes => Self::#variants, )*
                    other => Self::Other(payspec_runtime::UnknownValue::new_unchecked(other)),
                }
            }

            /// The code exactly as the provider sent it.
            pub fn code(&self) -> &str {
                match self {
                    #( Self::#variants => #codes, )*
                    Self::Other(code) => code.as_str(),
                }
            }

            /// What the code means; `None` for `Other`.
            pub fn description(&self) -> Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#descriptions), )*
                    Self::Other(_) => None,
                }
            }
        }
    }
}

/// `path(...)`: the template with every parameter percent-encoded into place.
fn path_fn(op: &Operation) -> TokenStream {
    let params = op.path_params.iter().map(|p| {
        let id = field_ident(&p.rust_name);
        let ty = match &p.ty {
            TypeRef::Primitive(Primitive::String) => quote!(&str),
            TypeRef::Named(_) => {
                let t = rust_type(&p.ty, Here::Operation);
                quote!(&#t)
            }
            other => rust_type(other, Here::Operation),
        };
        quote!(#id: #ty)
    });
    let mut template = String::new();
    let mut args = Vec::new();
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => template.push_str(text),
            PathSegment::Param(i) => {
                template.push_str("{}");
                let p = &op.path_params[*i];
                let id = field_ident(&p.rust_name);
                args.push(quote!(payspec_runtime::encode::path_segment(#id)));
            }
        }
    }
    let body = if args.is_empty() { quote!(PATH_TEMPLATE.to_owned()) } else { quote!(format!(#template, #(#args),*)) };
    quote! {
        /// The request path with its parameters percent-encoded into place.
        pub fn path(#(#params),*) -> String {
            #body
        }
    }
}

/// `{Op}Query`: the query parameters, their validation, and the exact query string.
fn query_type(op: &Operation, name: &str) -> TokenStream {
    let def =
        struct_def(name, &format!("Query parameters of `{}`.", op.name), &op.query, Here::Operation, Setters::Emit);
    let check = impl_validate(name, &op.query, &[], &op.query_constraints);
    let pushes = op.query.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let wire = &f.wire_name;
        let text = match f.ty.element() {
            TypeRef::Primitive(Primitive::String) => quote!(value),
            TypeRef::Named(_) => quote!(value.as_str()),
            _ => quote!(&value.to_string()),
        };
        let push = quote!(query.push(#wire, #text););
        match (&f.ty, f.required) {
            (TypeRef::List(_), _) => quote!(for value in &self.#id { #push }),
            (_, true) => quote!({ let value = &self.#id; #push }),
            (_, false) => quote!(if let Some(value) = &self.#id { #push }),
        }
    });
    let name = ident(name);
    quote! {
        #def
        #check

        /// The query string exactly as it is sent and signed, without the leading `?`. List
        /// parameters are repeated once per value.
        impl payspec_runtime::client::QueryParams for #name {
            fn to_query_string(&self) -> String {
                let mut query = payspec_runtime::encode::QueryString::default();
                #(#pushes)*
                query.finish()
            }
        }
    }
}
