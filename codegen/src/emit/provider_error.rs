//! `{provider}::Error`: the error of any of the provider's operations, so that a flow of several
//! calls can use `?` into one type. It keeps each operation's error whole (its typed code, layer,
//! classification and operation name) as a variant per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use crate::model::*;

/// The variant of an operation: its error type without the `Error` suffix (`CaptureError` ->
/// `Capture`), which is the operation's UpperCamelCase name.
fn variant(op: &Operation) -> proc_macro2::Ident {
    ident(op.error_type.strip_suffix("Error").unwrap_or(&op.error_type))
}

pub fn provider_error(p: &Provider) -> TokenStream {
    let variants: Vec<_> = p.operations.iter().map(variant).collect();
    let modules: Vec<_> = p.operations.iter().map(|op| ident(&op.name)).collect();
    let errors: Vec<_> = p.operations.iter().map(|op| ident(&op.error_type)).collect();
    let variant_docs = p.operations.iter().map(|op| format!(" `{}` failed.", op.name));
    let classifications = p.classifications.iter().map(|class| {
        let method = ident(&class.name);
        let doc = format!(" {} `false` when the provider answered no code.", class.description);
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> bool {
                match self {
                    #( Self::#variants(e) => e.provider_code().is_some_and(|c| c.#method()), )*
                }
            }
        }
    });
    let title = format!(" The error of any {} operation.", p.title);
    quote! {
        #[doc = #title]
        ///
        /// Each operation's error converts into it, so a flow of several calls can use `?` into one
        /// type; the variant keeps the operation's error whole, with its typed code and layer
        /// (boxed, so that a `Result` carrying it stays small).
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error {
            #(
                #[doc = #variant_docs]
                #variants(Box<payspec_runtime::client::Error<#modules::#errors>>),
            )*
        }

        impl Error {
            /// The operation's error, as what every operation's error says.
            pub fn as_call_error(&self) -> &dyn payspec_runtime::client::CallError {
                match self {
                    #( Self::#variants(e) => e.as_ref(), )*
                }
            }

            /// The operation that failed, as in its module's `NAME`.
            pub fn operation(&self) -> &'static str {
                self.as_call_error().operation()
            }

            /// The provider's code, when the provider answered with one.
            pub fn code(&self) -> Option<&str> {
                self.as_call_error().code()
            }

            /// What the provider's code means, from the spec.
            pub fn description(&self) -> Option<&'static str> {
                self.as_call_error().code_description()
            }

            /// The failure is transient: the same call could succeed later.
            pub fn is_retryable(&self) -> bool {
                self.as_call_error().is_retryable()
            }

            /// The call may have taken effect: find out before doing anything else.
            pub fn is_outcome_unknown(&self) -> bool {
                self.as_call_error().is_outcome_unknown()
            }

            /// Sending the same call again cannot do harm.
            pub fn is_safe_to_retry(&self) -> bool {
                self.as_call_error().is_safe_to_retry()
            }

            /// A lookup showed that the call took effect, although its answer is incomplete.
            pub fn took_effect(&self) -> bool {
                self.as_call_error().took_effect()
            }

            /// What a recovery handler learned when it looked the call up, if one did.
            pub fn recovery(&self) -> Option<&payspec_runtime::client::Recovery> {
                self.as_call_error().recovery()
            }

            /// How long the provider asked callers to wait before calling again.
            pub fn retry_after(&self) -> Option<std::time::Duration> {
                self.as_call_error().retry_after()
            }

            #(#classifications)*
        }

        impl std::fmt::Display for Error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self.as_call_error(), f)
            }
        }

        /// Transparent: the source is the operation error's own source.
        impl std::error::Error for Error {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.as_call_error().source()
            }
        }

        #(
            impl From<payspec_runtime::client::Error<#modules::#errors>> for Error {
                fn from(error: payspec_runtime::client::Error<#modules::#errors>) -> Self {
                    Self::#variants(Box::new(error))
                }
            }
        )*
    }
}
