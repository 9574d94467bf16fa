//! The emitter: turns a checked model into the files of the `payspec` crate. It trusts the model
//! (the checker already proved every name valid and every reference resolved) and never validates.

mod client;
mod docs;
mod errors;
mod examples;
mod notifications;
mod operation;
mod provider_error;
mod types;
mod validate;

use std::sync::{Mutex, PoisonError};

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::*;
use types::{Here, ident};

/// One file of the generated crate, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Tokens that did not form valid Rust: a generator bug, reported instead of panicking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal generator error in {}: {} (please report it with the spec that caused it)",
            self.path, self.message
        )
    }
}

impl std::error::Error for EmitError {}

/// One file to render.
enum Unit<'m> {
    Lib,
    ProviderModule(&'m Provider),
    ProviderTypes(&'m Provider),
    Client(&'m Provider),
    Notifications(&'m Provider),
    Operation(&'m Provider, &'m Operation),
    ExampleTests(&'m Provider),
}

/// Every file of the crate, in a fixed order (the order does not depend on the thread count).
pub fn generate(model: &Model) -> Result<Vec<GeneratedFile>, EmitError> {
    let files = Mutex::new(Vec::new());
    generate_each(model, &|place, file| {
        files.lock().unwrap_or_else(PoisonError::into_inner).push((place, file));
        Ok::<(), EmitError>(())
    })?;
    let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
    files.sort_by_key(|(place, _)| *place);
    Ok(files.into_iter().map(|(_, file)| file).collect())
}

/// Renders every file of the crate and hands each to `sink` as soon as it is ready, with its place
/// in [`generate`]'s order, so that a caller that writes or compares files as they come holds no
/// more than the files being rendered. Files are independent and rendered on all cores: `sink` is
/// called from several threads, in no particular order. Stops at the first error, of rendering or
/// of `sink`; when several threads fail, the error of the earliest file is returned.
pub fn generate_each<E: From<EmitError> + Send>(
    model: &Model,
    sink: &(dyn Fn(usize, GeneratedFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    let mut fixed = vec![GeneratedFile { path: "Cargo.toml".into(), contents: manifest(model) }];
    fixed.extend(package_files(model));
    let first_unit = fixed.len();
    for (place, file) in fixed.into_iter().enumerate() {
        sink(place, file)?;
    }
    let mut units = vec![Unit::Lib];
    for p in &model.providers {
        units.push(Unit::ProviderModule(p));
        if !p.types.is_empty() {
            units.push(Unit::ProviderTypes(p));
        }
        units.push(Unit::Client(p));
        if !p.notifications.is_empty() {
            units.push(Unit::Notifications(p));
        }
        units.extend(p.operations.iter().map(|op| Unit::Operation(p, op)));
        if examples::has_examples(p) {
            units.push(Unit::ExampleTests(p));
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(units.len().max(1));
    // Round-robin, so that large and small files spread evenly over the threads.
    let failures: Vec<(usize, E)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let units = &units;
                scope.spawn(move || {
                    for (i, unit) in units.iter().enumerate().skip(t).step_by(threads) {
                        let place = first_unit + i;
                        if let Err(e) = render(model, unit).map_err(E::from).and_then(|file| sink(place, file)) {
                            return Err((place, e));
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|handle| match handle.join() {
                Ok(result) => result.err(),
                Err(_) => Some((
                    usize::MAX,
                    E::from(EmitError { path: "(worker)".into(), message: "a rendering thread panicked".into() }),
                )),
            })
            .collect()
    });
    match failures.into_iter().min_by_key(|(place, _)| *place) {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

fn render(model: &Model, unit: &Unit<'_>) -> Result<GeneratedFile, EmitError> {
    match unit {
        Unit::Lib => rust_file("src/lib.rs", "spec/", lib_rs(model)),
        Unit::ProviderModule(p) => rust_file(&format!("src/{}/mod.rs", p.name), &p.loc.file, provider_module(p)),
        Unit::ProviderTypes(p) => {
            let defs = p.types.iter().map(|t| types::type_def(t, Here::ProviderTypes));
            let doc = docs::inner(&[format!("Types shared by several {} operations.", p.title)]);
            rust_file(&format!("src/{}/types.rs", p.name), &p.loc.file, quote!(#doc #(#defs)*))
        }
        Unit::Client(p) => rust_file(&format!("src/{}/client.rs", p.name), &p.loc.file, client::client_module(p)),
        Unit::Notifications(p) => {
            let tokens = notifications::notifications_module(p);
            rust_file(&format!("src/{}/notifications.rs", p.name), &p.loc.file, tokens)
        }
        Unit::Operation(p, op) => {
            let tokens = operation::operation_module(p, op);
            rust_file(&format!("src/{}/{}.rs", p.name, op.name), &op.loc.file, tokens)
        }
        Unit::ExampleTests(p) => {
            let tokens = examples::example_tests(p);
            let folder = p.loc.file.rsplit_once('/').map_or(&*p.loc.file, |(folder, _)| folder);
            rust_file(&format!("src/{}/example_tests.rs", p.name), &format!("the `examples` in {folder}/"), tokens)
        }
    }
}

fn header(comment: &str, source: &str) -> String {
    format!("{comment} @generated by `cargo xtask codegen` from {source}. Do not edit by hand.\n")
}

fn rust_file(path: &str, source: &str, tokens: TokenStream) -> Result<GeneratedFile, EmitError> {
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| EmitError { path: path.to_owned(), message: e.to_string() })?;
    let contents = format!("{}\n{}", header("//", source), spaced(&prettyplease::unparse(&file)));
    Ok(GeneratedFile { path: path.to_owned(), contents })
}

/// prettyplease packs items together; a blank line between items (and after the module docs) reads
/// the way people write Rust.
fn spaced(code: &str) -> String {
    const STARTS: &[&str] = &["///", "#[", "pub ", "fn ", "impl", "const ", "mod ", "enum ", "struct ", "type "];
    let mut out = String::with_capacity(code.len() + code.len() / 8);
    let mut prev: Option<&str> = None;
    for line in code.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let (pt, ct) = (p.trim(), line.trim());
            let item_starts = STARTS.iter().any(|s| ct.starts_with(s));
            let code = !pt.starts_with("//");
            let after_item = code && (pt.ends_with('}') || pt.ends_with(';')) && indent(p) == indent(line);
            let after_module_docs = pt.starts_with("//!") && !ct.starts_with("//!");
            if (item_starts && after_item) || after_module_docs {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

/// The crate's version, and the version of `payspec-runtime` it needs: the workspace's, which the
/// generator shares.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

fn manifest(model: &Model) -> String {
    let quoted: Vec<String> = model.providers.iter().map(|p| format!("{:?}", p.name)).collect();
    // Each provider turns on the runtime's protocols (and regex engine) that its code calls, and
    // nothing else: a build with one provider compiles no other provider's signing or envelopes.
    let features: String = model
        .providers
        .iter()
        .map(|p| {
            let runtime: Vec<String> =
                p.runtime_features.iter().map(|f| format!("\"payspec-runtime/{}\"", f.name())).collect();
            format!("{} = [{}]\n", p.name, runtime.join(", "))
        })
        .collect();
    // Receivers of inbound calls are a feature of their own: not every application takes them here.
    let receivers = model.providers.iter().any(|p| !p.notifications.is_empty());
    let mut default = quoted;
    let mut optional = String::new();
    if receivers {
        default.push("\"receivers\"".into());
        optional.push_str(
            "# Each provider's `notifications::Receiver`: verified, typed inbound calls and their acknowledgements.\n\
             receivers = [\"payspec-runtime/inbound\"]\n",
        );
    }
    // The tests emitted from documented examples call the runtime's example support.
    let examples = model.providers.iter().any(examples::has_examples);
    let dev_dependencies = if examples {
        format!(
            "\n[dev-dependencies]\npayspec-runtime = {{ version = \"{VERSION}\", path = \"../runtime\", default-features = false, features = [\"examples\"] }}\n"
        )
    } else {
        String::new()
    };
    format!(
        "{header}
[package]
name = \"payspec\"
version = \"{VERSION}\"
description = \"Typed clients for LINE Pay, Alipay+ and elepay, generated from the payspec specs.\"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
keywords.workspace = true
categories.workspace = true
readme = \"README.md\"
documentation = \"https://docs.rs/payspec\"

[features]
default = [{default}]
{features}{optional}# Conversions between `payspec::Decimal` and `rust_decimal::Decimal`.
rust_decimal = [\"payspec-runtime/rust_decimal\"]

[dependencies]
payspec-runtime = {{ version = \"{VERSION}\", path = \"../runtime\", default-features = false }}
serde = {{ workspace = true }}
serde_json = {{ workspace = true }}
{dev_dependencies}",
        header = header("#", "spec/"),
        default = default.join(", "),
    )
}

fn lib_rs(model: &Model) -> TokenStream {
    let modules = model.providers.iter().map(|p| {
        let name = ident(&p.name);
        let feature = &p.name;
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #name;
        }
    });
    // Re-exports of what a runtime feature brings: present with the providers that turn it on.
    let reexport = |feature: RuntimeFeature, path: TokenStream| {
        let providers: Vec<&str> =
            model.providers.iter().filter(|p| p.runtime_features.contains(&feature)).map(|p| p.name.as_str()).collect();
        match providers.as_slice() {
            [] => None,
            [one] => Some(quote!(#[cfg(feature = #one)] pub use #path;)),
            several => Some(quote!(#[cfg(any(#(feature = #several),*))] pub use #path;)),
        }
    };
    let recovery = reexport(RuntimeFeature::LinePay, quote!(payspec_runtime::handlers::LinePayRecovery));
    let date_time = reexport(RuntimeFeature::DateTime, quote!(payspec_runtime::DateTime));
    quote! {
        #![doc = include_str!("../README.md")]
        #![deny(missing_docs)]

        /// The hand-written support crate the generated code calls: validation, decimals, signing.
        pub use payspec_runtime as runtime;

        /// The HTTP library under the client, for `HttpClient::from_builder`.
        pub use payspec_runtime::reqwest;

        #date_time
        pub use payspec_runtime::Decimal;
        pub use payspec_runtime::client::{Config, HttpClient};

        /// What most code that calls a provider uses: `use payspec::prelude::*;`. Each provider
        /// module has its own `Client`, `Credentials`, `Environment` and `Error`.
        pub mod prelude {
            pub use payspec_runtime::client::{Config, ErrorKind, HttpClient};
            #recovery
            pub use payspec_runtime::handlers::{Retry, Tracing};
            #date_time
            pub use payspec_runtime::{Decimal, Validate};
        }

        #(#modules)*
    }
}

/// The files a published crate carries beside its code: the README its docs include (and whose
/// examples run as doc-tests), and the license texts.
fn package_files(model: &Model) -> Vec<GeneratedFile> {
    let rows: String = model
        .providers
        .iter()
        .map(|p| {
            let ops: Vec<String> = p.operations.iter().map(|o| format!("`{}`", o.name)).collect();
            format!("| `{}` | {} | {} |\n", p.name, p.title, ops.join(", "))
        })
        .collect();
    let readme = README_TEMPLATE.replace("{providers}", &rows);
    let comment = |text: &str| format!("<!-- {} -->\n\n{text}", header("", "spec/").trim());
    vec![
        GeneratedFile { path: "README.md".into(), contents: comment(&readme) },
        GeneratedFile { path: "LICENSE-APACHE".into(), contents: include_str!("../../../LICENSE-APACHE").into() },
        GeneratedFile { path: "LICENSE-MIT".into(), contents: include_str!("../../../LICENSE-MIT").into() },
    ]
}

/// The generated crate's README; `{providers}` becomes a table row per provider.
const README_TEMPLATE: &str = include_str!("crate_readme.md");

fn provider_module(p: &Provider) -> TokenStream {
    let mut paragraphs = vec![p.title.clone()];
    paragraphs.extend(p.description.clone());
    paragraphs.push(format!(
        "Transcribed from {}.",
        p.sources.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    ));
    let docs = docs::inner(&paragraphs);
    let ops = p.operations.iter().map(|o| ident(&o.name));
    let credentials = client::credentials(p.auth);
    let error = provider_error::provider_error(p);
    let types = (!p.types.is_empty()).then(|| {
        quote!(
            mod types;
            pub use types::*;
        )
    });
    let notifications = (!p.notifications.is_empty()).then(|| {
        quote!(
            #[cfg(feature = "receivers")]
            pub mod notifications;
        )
    });
    let urls = p.base_urls.iter().map(|u| {
        let name = ident(&u.constant);
        let doc = format!(" Base URL of the `{}` environment.", u.environment);
        let url = &u.url;
        quote!(#[doc = #doc] pub const #name: &str = #url;)
    });
    let environment = p.environment_enum.as_ref().map(|name| environment_enum(p, name));
    let example_tests = examples::has_examples(p).then(|| {
        quote!(
            #[cfg(test)]
            mod example_tests;
        )
    });
    let success = match &p.envelope {
        Envelope::LinePay { success_codes } => Some(quote! {
            /// Return codes that mean success.
            pub const SUCCESS_CODES: &[&str] = &[#(#success_codes),*];
        }),
        _ => None,
    };
    let categories = p.category_enum.as_ref().map(|name| {
        let name = ident(name);
        let variants = p.categories.iter().map(|c| {
            let v = ident(&c.variant);
            let d = docs::outer(&[format!("`{}`: {}", c.name, c.description)]);
            quote!(#d #v,)
        });
        quote! {
            /// Who the provider says is at fault for an error code.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
            }
        }
    });
    quote! {
        #docs
        #(pub mod #ops;)*
        #notifications
        mod client;
        #example_tests
        pub use client::Client;
        /// The credentials this provider's `Config` takes.
        pub use #credentials as Credentials;
        #types
        #(#urls)*
        #environment
        #success
        #categories
        #error
    }
}

/// `Environment`: the provider's published base URLs, or a custom one; `Config::new` takes it.
fn environment_enum(p: &Provider, name: &str) -> TokenStream {
    let name = ident(name);
    let variants: Vec<_> = p.base_urls.iter().map(|u| ident(&u.variant)).collect();
    let consts: Vec<_> = p.base_urls.iter().map(|u| ident(&u.constant)).collect();
    let docs = p.base_urls.iter().map(|u| docs::outer(&[format!("`{}`: `{}`", u.environment, u.url)]));
    quote! {
        /// Where calls go: a published environment, or any base URL (a proxy, a local fake).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #docs #variants, )*
            /// Another base URL, with a path prefix if it needs one.
            Custom(String),
        }

        impl #name {
            /// The base URL calls are sent to.
            pub fn base_url(&self) -> &str {
                match self {
                    #( Self::#variants => #consts, )*
                    Self::Custom(url) => url,
                }
            }
        }

        impl From<#name> for String {
            fn from(environment: #name) -> String {
                environment.base_url().to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::spaced;

    #[test]
    fn separates_items_but_not_doc_lines() {
        let code =
            "/// A doc line that ends with a semicolon;\n/// and goes on.\npub const A: u8 = 1;\npub fn f() {}\n";
        assert_eq!(
            spaced(code),
            "/// A doc line that ends with a semicolon;\n/// and goes on.\npub const A: u8 = 1;\n\npub fn f() {}\n"
        );
    }
}
