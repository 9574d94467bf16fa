//! The provider's client: one async method per operation, each validating, sending through the
//! handler chain and returning the typed response or the operation's typed error.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::types::{Here, field_ident, ident, rust_type};
use crate::model::*;

pub fn client_module(p: &Provider) -> TokenStream {
    let module_docs = docs::inner(&[format!("The {} client.", p.title)]);
    let credentials = credentials(p.auth);
    let (envelope_type, envelope) = envelope_tokens(&p.envelope);
    let client_docs = docs::outer(&client_docs(p));
    let methods = p.operations.iter().map(operation_method);
    quote! {
        #module_docs

        #client_docs
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: payspec_runtime::client::Client<#envelope_type>,
        }

        impl Client {
            /// Builds the client; fails on a malformed base URL or incomplete credentials.
            pub fn new(
                config: payspec_runtime::client::Config<#credentials>,
            ) -> Result<Self, payspec_runtime::client::BuildError> {
                let inner = payspec_runtime::client::Client::new(config, #envelope)?;
                Ok(Self { inner })
            }

            #(#methods)*
        }
    }
}

/// The client's rustdoc: how to build it, with the provider's own environment and credentials.
fn client_docs(p: &Provider) -> Vec<String> {
    let base = match (&p.environment_enum, p.base_urls.first()) {
        (Some(environment), Some(url)) => format!("{environment}::{}", url.variant),
        _ => "\"https://your-wallet.example/api/open\"".into(),
    };
    vec![
        format!("A client for {}: one async method per operation.", p.title),
        format!(
            "Build it from a `Config` (`payspec::Config`), e.g. \
             `Client::new(Config::new({base}, Credentials::new(...)))`, where `Credentials` is this module's; \
             add handlers there. Every method validates its request first and sends nothing when it breaks a \
             documented limit, and returns the operation's error, which converts into this module's `Error` \
             with `?`. Cloning is cheap and shares the connection pool."
        ),
    ]
}

/// A method for an operation with its own success codes: it returns which one was reported,
/// with the decoded response when the operation has one.
fn outcome_method(
    op: &Operation,
    outcome: &str,
    docs: TokenStream,
    params: &[TokenStream],
    path_args: &[TokenStream],
    (query_generic, query_arg): (&TokenStream, &TokenStream),
    (body_generic, body_arg): (&TokenStream, &TokenStream),
) -> TokenStream {
    let module = ident(&op.name);
    let method = ident(&op.name);
    let error = ident(&op.error_type);
    let outcome = ident(outcome);
    let raw = quote! {
        let reply = self
            .inner
            .send_raw::<#query_generic, #body_generic>(
                &super::#module::OPERATION,
                super::#module::path(#(#path_args),*),
                #query_arg,
                #body_arg,
            )
            .await
            .map_err(payspec_runtime::client::Error::typed)?;
        let outcome = super::#module::#outcome::from_code(reply.code.as_deref().unwrap_or_default());
    };
    let error_ty = quote!(payspec_runtime::client::Error<super::#module::#error>);
    match &op.response {
        Some(r) => {
            let response = type_path(r, &module);
            quote! {
                #docs
                pub async fn #method(&self, #(#params),*) -> Result<(super::#module::#outcome, #response), #error_ty> {
                    #raw
                    let response = self.inner.decode(&super::#module::OPERATION, &reply)?;
                    Ok((outcome, response))
                }
            }
        }
        None => quote! {
            #docs
            pub async fn #method(&self, #(#params),*) -> Result<super::#module::#outcome, #error_ty> {
                #raw
                Ok(outcome)
            }
        },
    }
}

pub fn credentials(auth: Auth) -> TokenStream {
    match auth {
        Auth::LinePayHmacSha256 => quote!(payspec_runtime::client::LinePayCredentials),
        Auth::AlipayPlusRsa256 => quote!(payspec_runtime::client::AlipayPlusCredentials),
        Auth::ElepaySecretKey => quote!(payspec_runtime::client::ElepayCredentials),
    }
}

/// The runtime's envelope type for the provider, and its value.
pub fn envelope_tokens(envelope: &Envelope) -> (TokenStream, TokenStream) {
    match envelope {
        Envelope::LinePay { .. } => {
            let ty = quote!(payspec_runtime::protocol::line_pay::Envelope);
            (ty.clone(), quote!(#ty { success_codes: super::SUCCESS_CODES }))
        }
        Envelope::AlipayPlus => {
            let ty = quote!(payspec_runtime::protocol::alipay_plus::Envelope);
            (ty.clone(), ty)
        }
        Envelope::HttpStatus { code_field, .. } => {
            let ty = quote!(payspec_runtime::protocol::http_status::Envelope);
            (ty.clone(), quote!(#ty { code_field: #code_field }))
        }
    }
}

/// A type as named from the client module: operation types through their module, shared ones
/// through the provider module.
pub(super) fn type_path(t: &TypeRef, module: &proc_macro2::Ident) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let name = ident(&n.name);
            match n.scope {
                Scope::Operation => quote!(super::#module::#name),
                Scope::Provider => quote!(super::#name),
            }
        }
        TypeRef::List(inner) => {
            let inner = type_path(inner, module);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_path(inner, module);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Primitive(_) => rust_type(t, Here::Operation),
    }
}

fn operation_method(op: &Operation) -> TokenStream {
    let module = ident(&op.name);
    let method = ident(&op.name);
    let mut paragraphs = vec![op.summary.clone(), format!("`{} {}`", op.method.as_str(), op.path)];
    if let Some(t) = op.timeout_seconds {
        paragraphs.push(format!("Times out after {t} s unless configured otherwise (the provider's recommendation)."));
    }
    paragraphs.extend(idempotency_doc(op));
    let docs = docs::outer(&paragraphs);
    let in_module = |t: &TypeRef| type_path(t, &module);
    let mut params = Vec::new();
    let mut path_args = Vec::new();
    for p in &op.path_params {
        let id = field_ident(&p.rust_name);
        let ty = match &p.ty {
            TypeRef::Primitive(Primitive::String) => quote!(&str),
            TypeRef::Named(_) => {
                let t = in_module(&p.ty);
                quote!(&#t)
            }
            other => rust_type(other, Here::ProviderTypes),
        };
        params.push(quote!(#id: #ty));
        path_args.push(quote!(#id));
    }
    let query_ty = op.query_type.as_ref().map(|name| {
        let name = ident(name);
        quote!(super::#module::#name)
    });
    if let Some(q) = &query_ty {
        params.push(quote!(query: &#q));
    }
    if let Some(r) = &op.request {
        let t = in_module(r);
        params.push(quote!(request: &#t));
    }
    let error = ident(&op.error_type);
    let error_ty = quote!(payspec_runtime::client::Error<super::#module::#error>);
    let query_arg = if query_ty.is_some() { quote!(Some(query)) } else { quote!(None) };
    let body_arg = if op.request.is_some() { quote!(Some(request)) } else { quote!(None) };
    let query_generic = query_ty.clone().unwrap_or_else(|| quote!(payspec_runtime::client::NoQuery));
    let body_generic = match &op.request {
        Some(r) => in_module(r),
        None => quote!(payspec_runtime::client::NoBody),
    };
    let send = quote! {
        self.inner.send::<#query_generic, #body_generic, _, _>(
            &super::#module::OPERATION,
            super::#module::path(#(#path_args),*),
            #query_arg,
            #body_arg,
        )
    };
    if let Some(outcome) = &op.outcome_type {
        return outcome_method(
            op,
            outcome,
            docs,
            &params,
            &path_args,
            (&query_generic, &query_arg),
            (&body_generic, &body_arg),
        );
    }
    match &op.response {
        Some(r) => {
            let response = in_module(r);
            quote! {
                #docs
                pub async fn #method(&self, #(#params),*) -> Result<#response, #error_ty> {
                    #send.await
                }
            }
        }
        None => quote! {
            #docs
            pub async fn #method(&self, #(#params),*) -> Result<(), #error_ty> {
                let _: serde::de::IgnoredAny = #send.await?;
                Ok(())
            }
        },
    }
}

/// What the operation's docs say about its idempotency key, when it has one.
pub(super) fn idempotency_doc(op: &Operation) -> Option<String> {
    op.idempotency_key.as_ref().map(|key| {
        format!(
            "`{key}` is the idempotency key: repeating the call with the same `{key}` is harmless, so a \
             retry must keep its value."
        )
    })
}
