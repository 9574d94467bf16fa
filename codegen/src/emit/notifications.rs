//! `{provider}::notifications`: the `Receiver` that turns the provider's inbound calls into typed
//! events with the response to send, the types generated for queries and events, each event's
//! `key()`, and the follow-up calls that fetch the provider's own state.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::type_path;
use super::docs;
use super::types::{Here, Setters, field_ident, ident, struct_def};
use crate::model::*;

pub fn notifications_module(p: &Provider) -> TokenStream {
    let module_docs = docs::inner(&[
        format!("Calls {} makes to the merchant, received as typed, checked events.", p.title),
        "`Receiver` takes the request as it arrived (method, URI, headers and the exact body bytes) and \
         returns the event with the response to send, or a rejection with its own response, which never \
         acknowledges. Each event has a `key()`: record it before acting, and send the acknowledgement \
         even for a key already seen, since providers resend until they get one."
            .to_owned(),
    ]);
    let signed = p.notifications.iter().any(|n| n.auth == NotificationAuth::AlipayPlusRsa256);
    let receiver = receiver(p, signed);
    let items = p.notifications.iter().map(notification_items);
    quote! {
        #module_docs
        #receiver
        #(#items)*
    }
}

fn receiver(p: &Provider, signed: bool) -> TokenStream {
    let doc =
        docs::outer(&[format!("Receives the calls {} makes to the merchant; one method per notification.", p.title)]);
    let methods = p.notifications.iter().map(receive_method);
    let (fields, constructors) = if signed {
        (
            quote!({ verifier: payspec_runtime::inbound::alipay_plus::Verifier }),
            quote! {
                /// A receiver that verifies with the wallet's public key of `credentials` and signs
                /// acknowledgements with its private key; `None` when the credentials hold no wallet key.
                pub fn new(credentials: &super::Credentials) -> Option<Self> {
                    payspec_runtime::inbound::alipay_plus::Verifier::from_credentials(credentials)
                        .map(|verifier| Self { verifier })
                }

                /// A receiver with a verifier of your own (another time window or clock).
                pub fn with_verifier(verifier: payspec_runtime::inbound::alipay_plus::Verifier) -> Self {
                    Self { verifier }
                }
            },
        )
    } else {
        (
            quote!(;),
            quote! {
                /// A receiver: these calls carry nothing to verify.
                pub fn new() -> Self {
                    Self
                }
            },
        )
    };
    let derives = if signed { quote!(#[derive(Debug, Clone)]) } else { quote!(#[derive(Debug, Clone, Default)]) };
    quote! {
        #doc
        #derives
        pub struct Receiver #fields

        impl Receiver {
            #constructors
            #(#methods)*
        }
    }
}

fn notification_docs(n: &Notification) -> Vec<String> {
    let mut paragraphs = vec![n.summary.clone()];
    paragraphs.extend(n.description.clone());
    for t in &n.triggers {
        paragraphs.push(format!("Sent to the URL given in `{}` of `{}`.", t.field.join("."), t.operation));
    }
    paragraphs
}

fn receive_method(n: &Notification) -> TokenStream {
    let mut paragraphs = notification_docs(n);
    paragraphs.push(match n.acknowledgement {
        Acknowledgement::AlipayPlusResult => {
            "The response is the signed acknowledgement (`result` S), sent whatever the notification says."
        }
        Acknowledgement::HttpOk => "The response is the acknowledgement: 200 with an empty body.",
        Acknowledgement::None => {
            "The provider reads no answer: the response is a bare 200, which an application usually replaces with its own page."
        }
    }
    .to_owned());
    let docs = docs::outer(&paragraphs);
    let method = ident(&n.name);
    let event = event_path(n);
    let http_method = ident(n.method.as_str());
    let verify = (n.auth == NotificationAuth::AlipayPlusRsa256).then(|| quote!(self.verifier.verify(request)?;));
    let decode = match (&n.payload, &n.events) {
        (Payload::Query(_), _) => quote!(let event: #event = payspec_runtime::inbound::query(request)?;),
        (Payload::Body(body), Some(_)) => {
            let body = type_path_here(body);
            quote! {
                let body: #body = payspec_runtime::inbound::json_body(request)?;
                let event = #event::from_body(body).map_err(|e| {
                    payspec_runtime::inbound::Rejected::new(payspec_runtime::inbound::Rejection::MalformedBody(e.to_string()))
                })?;
            }
        }
        (Payload::Body(_), None) => quote!(let event: #event = payspec_runtime::inbound::json_body(request)?;),
    };
    let response = match n.acknowledgement {
        Acknowledgement::AlipayPlusResult => quote!(self.verifier.acknowledgement(request.uri().path())?),
        Acknowledgement::HttpOk | Acknowledgement::None => quote!(payspec_runtime::inbound::ok()),
    };
    quote! {
        #docs
        pub fn #method(
            &self,
            request: &payspec_runtime::inbound::Request,
        ) -> Result<payspec_runtime::inbound::Received<#event>, payspec_runtime::inbound::Rejected> {
            payspec_runtime::inbound::expect_method(request, &payspec_runtime::inbound::http::Method::#http_method)?;
            #verify
            #decode
            Ok(payspec_runtime::inbound::Received { event, response: #response })
        }
    }
}

/// The received type as named from the notifications module.
fn event_path(n: &Notification) -> TokenStream {
    let name = ident(&n.event_type);
    match (&n.payload, &n.events) {
        (Payload::Body(_), None) => quote!(super::#name),
        _ => quote!(#name),
    }
}

/// A provider type as named from the notifications module.
fn type_path_here(t: &TypeRef) -> TokenStream {
    type_path(t, &ident("types"))
}

fn notification_items(n: &Notification) -> TokenStream {
    let event = event_path(n);
    let defined = match &n.payload {
        Payload::Query(fields) => {
            let description = format!("What `{}` carries in its query.", n.name);
            struct_def(&n.event_type, &description, fields, Here::Operation, Setters::None)
        }
        Payload::Body(body) => match &n.events {
            Some(events) => events_items(n, body, events),
            None => TokenStream::new(),
        },
    };
    let key = key_method(n);
    let follow_up = n.follow_up.as_ref().map(|f| follow_up_method(f, quote!(self)));
    quote! {
        #defined

        impl #event {
            #key
            #follow_up
        }
    }
}

/// `key()`: the parts that identify a delivery, as the provider wrote them.
fn key_method(n: &Notification) -> TokenStream {
    let root = if n.events.is_some() { quote!(self.body) } else { quote!(self) };
    let parts = n.key.iter().map(|k| {
        let steps = k.rust_path.iter().map(|s| field_ident(s));
        quote!(#root #(.#steps)*.to_string())
    });
    let names: Vec<String> = n.key.iter().map(|k| format!("`{}`", k.wire_path.join("."))).collect();
    let doc = docs::outer(&[format!(
        "What identifies this delivery ({}): a resend carries the same key. Record it before acting on the event.",
        names.join(", ")
    )]);
    quote! {
        #doc
        pub fn key(&self) -> String {
            payspec_runtime::inbound::key(&[#(#parts),*])
        }
    }
}

/// The follow-up call as a method: path parameters from `source` (the struct the fields belong to),
/// the request body from the caller.
fn follow_up_method(f: &FollowUp, source: TokenStream) -> TokenStream {
    let module = ident(&f.operation);
    let method = ident(&f.operation);
    let error = ident(&f.error_type);
    let response = f.response.as_ref().map_or(quote!(()), |r| type_path(r, &module));
    let args = f.args.iter().map(|a| {
        let id = field_ident(&a.rust_name);
        quote!(&#source.#id)
    });
    let (param, body) = match &f.request {
        Some(r) => {
            let t = type_path(r, &module);
            (quote!(, request: &#t), quote!(, request))
        }
        None => (TokenStream::new(), TokenStream::new()),
    };
    let doc = docs::outer(&[format!(
        "Calls `{}` for this notification, with the path taken from it; a body, if the call has one, \
         comes from the application's own records, never from the notification.",
        f.operation
    )]);
    quote! {
        #doc
        pub async fn #method(
            &self,
            client: &super::Client #param
        ) -> Result<#response, payspec_runtime::client::Error<super::#module::#error>> {
            client.#method(#(#args),* #body).await
        }
    }
}

fn events_items(n: &Notification, body: &TypeRef, e: &Events) -> TokenStream {
    let name = ident(&n.event_type);
    let enum_name = ident(&e.enum_type);
    let body_ty = type_path_here(body);
    let discriminator = field_ident(&e.discriminator.rust_name);
    let object = field_ident(&e.object.rust_name);
    let variants = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let doc = docs::outer(&[format!("`{}`: {}", v.value, v.description)]);
        // Boxed: objects differ a lot in size, and an event is passed around whole.
        let ty = v.object.as_ref().map_or(quote!(serde_json::Value), |t| {
            let t = type_path_here(t);
            quote!(Box<#t>)
        });
        quote!(#doc #variant(#ty),)
    });
    let arms = e.values.iter().map(|v| {
        let variant = ident(&v.variant);
        let value = &v.value;
        match v.object {
            Some(_) => quote!(#value => #enum_name::#variant(serde_json::from_value(object)?),),
            None => quote!(#value => #enum_name::#variant(object),),
        }
    });
    let object_value = if e.object.required || e.object.ty.is_container() {
        quote!(body.#object.clone())
    } else {
        quote!(body.#object.clone().unwrap_or_default())
    };
    let doc = docs::outer(&[format!("{} As received: the body, and the event it holds.", n.summary)]);
    let enum_doc = docs::outer(&[format!(
        "The event, told apart by `{}`; `{}` holds the object it is about.",
        e.discriminator.wire_name, e.object.wire_name
    )]);
    let fetch = e.fetched_type.as_ref().map(|fetched| fetch_items(e, &name, &enum_name, fetched));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            /// The body as sent.
            pub body: #body_ty,
            /// The event, with its object decoded.
            pub event: #enum_name,
        }

        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #enum_name {
            #(#variants)*
            /// An event type the spec does not list, with its object as sent.
            Unknown {
                /// The event type as sent.
                r#type: String,
                /// The object as sent.
                raw: serde_json::Value,
            },
        }

        impl #name {
            /// Decodes the object by the event type; an unlisted type becomes `Unknown`.
            pub fn from_body(body: #body_ty) -> Result<Self, serde_json::Error> {
                let object = #object_value;
                let event = match body.#discriminator.as_str() {
                    #(#arms)*
                    other => #enum_name::Unknown { r#type: other.to_owned(), raw: object },
                };
                Ok(Self { body, event })
            }
        }

        #fetch
    }
}

/// `fetch()`: retrieves the object an event is about from the provider, whose answer is what to act on.
fn fetch_items(e: &Events, name: &proc_macro2::Ident, enum_name: &proc_macro2::Ident, fetched: &str) -> TokenStream {
    let fetched = ident(fetched);
    let mut seen = Vec::new();
    let mut fetched_variants = Vec::new();
    for f in e.values.iter().filter_map(|v| v.follow_up.as_ref()) {
        if seen.contains(&f.operation) {
            continue;
        }
        seen.push(f.operation.clone());
        let variant = ident(&f.variant);
        let module = ident(&f.operation);
        let ty = f.response.as_ref().map_or(quote!(()), |r| type_path(r, &module));
        let doc = format!(" What `{}` answered.", f.operation);
        fetched_variants.push(quote!(#[doc = #doc] #variant(Box<#ty>),));
    }
    let arms = e.values.iter().filter_map(|v| {
        let f = v.follow_up.as_ref()?;
        let variant = ident(&v.variant);
        let method = ident(&f.operation);
        let fetched_variant = ident(&f.variant);
        let lets = f.args.iter().map(|a| {
            let id = field_ident(&a.rust_name);
            let wire = &a.wire_name;
            if a.required {
                quote!(let #id = &object.#id;)
            } else {
                quote! {
                    let Some(#id) = object.#id.as_ref() else {
                        return Err(payspec_runtime::inbound::FollowUpError::MissingField(#wire));
                    };
                }
            }
        });
        let args = f.args.iter().map(|a| field_ident(&a.rust_name));
        Some(quote! {
            #enum_name::#variant(object) => {
                #(#lets)*
                let answer = client
                    .#method(#(#args),*)
                    .await
                    .map_err(|e| payspec_runtime::inbound::FollowUpError::Call(e.into()))?;
                Ok(Some(#fetched::#fetched_variant(Box::new(answer))))
            }
        })
    });
    quote! {
        /// The provider's current state of the object an event is about, as `fetch` retrieved it.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #fetched {
            #(#fetched_variants)*
        }

        impl #name {
            /// Retrieves the object this event is about from the provider: the body is a hint, the
            /// answer is what to act on. `None` for events without such a call.
            pub async fn fetch(
                &self,
                client: &super::Client,
            ) -> Result<Option<#fetched>, payspec_runtime::inbound::FollowUpError<super::Error>> {
                match &self.event {
                    #(#arms)*
                    _ => Ok(None),
                }
            }
        }
    }
}
