//! Structs, open enums and constrained-string newtypes.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::validate;
use crate::model::*;

/// Which module the code being emitted lives in, to spell type paths from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Here {
    /// The provider's `types` module.
    ProviderTypes,
    /// An operation module.
    Operation,
}

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A field name, as a raw identifier when it is a keyword (`r#type`).
pub fn field_ident(name: &str) -> Ident {
    match syn::parse_str::<Ident>(name) {
        Ok(ident) => ident,
        Err(_) => Ident::new_raw(name, Span::call_site()),
    }
}

pub fn rust_type(ty: &TypeRef, here: Here) -> TokenStream {
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::String => quote!(String),
            Primitive::Integer => quote!(i64),
            Primitive::Decimal => quote!(payspec_runtime::Decimal),
            Primitive::Boolean => quote!(bool),
            Primitive::Json => quote!(serde_json::Value),
            Primitive::DateTime => quote!(payspec_runtime::DateTime),
        },
        TypeRef::Named(n) => {
            let name = ident(&n.name);
            match (n.scope, here) {
                (Scope::Provider, Here::Operation) => quote!(super::#name),
                _ => quote!(#name),
            }
        }
        TypeRef::List(inner) => {
            let inner = rust_type(inner, here);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner, here);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// The Rust type of a field, `Option`al unless required (containers are empty instead).
pub fn field_type(f: &Field, here: Here) -> TokenStream {
    let ty = rust_type(&f.ty, here);
    if f.required || f.ty.is_container() { ty } else { quote!(Option<#ty>) }
}

pub fn type_def(t: &TypeDef, here: Here) -> TokenStream {
    match &t.kind {
        TypeKind::Struct(fields) => {
            // Callers build what requests reach: those get a setter per optional field.
            let setters = if t.usage.requests { Setters::Emit } else { Setters::None };
            let body = struct_def(&t.name, &t.description, fields, here, setters);
            // Structs that requests reach are validated before sending.
            let check = t.usage.requests.then(|| validate::impl_validate(&t.name, fields, &t.sums, &t.constraints));
            quote!(#body #check)
        }
        TypeKind::Enum(values) => open_enum(&t.name, &t.description, values),
        TypeKind::String { limits, wire_number } => newtype(&t.name, &t.description, limits, *wire_number),
    }
}

/// Field rustdoc: the description, then limits, default and deprecation. `fields`: the struct's.
fn field_docs(f: &Field, fields: &[Field]) -> TokenStream {
    let mut paragraphs: Vec<String> = f.description.iter().cloned().collect();
    paragraphs.extend(docs::limits(&f.limits));
    if let Some(currency) = f.minor_units_from.map(|i| &fields[i]) {
        paragraphs.push(format!(
            "No more fractional digits than the minor units of the currency in `{}`.",
            currency.rust_name
        ));
    }
    if let Some(d) = &f.default {
        paragraphs.push(format!("The provider assumes `{d}` when this is omitted."));
    }
    if let Some(d) = &f.deprecated {
        paragraphs.push(format!("Deprecated: {d}"));
    }
    docs::outer(&paragraphs)
}

/// `#[serde(...)]` for a field: its wire name, and how absence is written and read.
fn serde_attr(f: &Field) -> TokenStream {
    let mut parts = Vec::new();
    if f.wire_name != f.rust_name {
        let wire = &f.wire_name;
        parts.push(quote!(rename = #wire));
    }
    if !f.required {
        let skip = match &f.ty {
            TypeRef::List(_) => "Vec::is_empty",
            TypeRef::Map(_) => "std::collections::BTreeMap::is_empty",
            _ => "Option::is_none",
        };
        parts.push(quote!(default, skip_serializing_if = #skip));
    }
    if parts.is_empty() { quote!() } else { quote!(#[serde(#(#parts),*)]) }
}

/// Whether a struct gets `with_*` setters for its optional fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setters {
    Emit,
    None,
}

/// What `new` and a setter take for a field's value: what converts into it where that reads
/// better at the call site (a literal for a `String` or an amount, an array for a list).
fn param_type(ty: &TypeRef, here: Here) -> (TokenStream, bool) {
    let rust = rust_type(ty, here);
    match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Decimal) | TypeRef::List(_) | TypeRef::Map(_) => {
            (quote!(impl Into<#rust>), true)
        }
        _ => (rust, false),
    }
}

/// `with_{field}(value) -> Self` for each optional field: builder-style setters that work on a
/// `#[non_exhaustive]` struct, where struct literals cannot.
fn setter_methods(fields: &[Field], here: Here) -> Vec<TokenStream> {
    fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let id = field_ident(&f.rust_name);
            let setter = format_ident!("with_{}", f.rust_name);
            let (ty, converts) = param_type(&f.ty, here);
            let value = if converts { quote!(value.into()) } else { quote!(value) };
            let value = if f.ty.is_container() { value } else { quote!(Some(#value)) };
            // A link to the field and its docs; rustdoc reads `r#` in a link as a fragment.
            let doc = if id.to_string().starts_with("r#") {
                format!(" Sets `{}`.", f.rust_name)
            } else {
                format!(" Sets [`{0}`](Self::{0}).", f.rust_name)
            };
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #setter(mut self, value: #ty) -> Self {
                    self.#id = #value;
                    self
                }
            }
        })
        .collect()
}

pub fn struct_def(name: &str, description: &str, fields: &[Field], here: Here, setters: Setters) -> TokenStream {
    let docs = docs::outer(&[description.to_owned()]);
    let name = ident(name);
    let setters = match setters {
        Setters::Emit => setter_methods(fields, here),
        Setters::None => Vec::new(),
    };
    let defs = fields.iter().map(|f| {
        let docs = field_docs(f, fields);
        let serde = serde_attr(f);
        let id = field_ident(&f.rust_name);
        let ty = field_type(f, here);
        quote! { #docs #serde pub #id: #ty, }
    });
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let params = required.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let (ty, _) = param_type(&f.ty, here);
        quote!(#id: #ty)
    });
    let inits = fields.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        match (f.required, param_type(&f.ty, here).1) {
            (true, true) => quote!(#id: #id.into()),
            (true, false) => quote!(#id),
            (false, _) => quote!(#id: Default::default()),
        }
    });
    // Without required fields, `Default` is the constructor; otherwise `new` takes exactly those.
    if required.is_empty() {
        let setters = (!setters.is_empty()).then(|| quote!(impl #name { #(#setters)* }));
        return quote! {
            #docs
            #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
            #[non_exhaustive]
            pub struct #name {
                #(#defs)*
            }

            #setters
        };
    }
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#defs)*
        }

        impl #name {
            /// Creates the value from its required fields; optional fields start empty.
            #many
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    }
}

pub fn open_enum(name: &str, description: &str, values: &[EnumValue]) -> TokenStream {
    let docs = docs::outer(&[description.to_owned()]);
    let name = ident(name);
    let variants: Vec<Ident> = values.iter().map(|v| ident(&v.variant)).collect();
    let wire: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let value_docs = values.iter().map(|v| docs::outer(&[format!("`{}`: {}", v.value, v.description)]));
    let minor_units = values.iter().any(|v| v.minor_units.is_some()).then(|| {
        let units = values.iter().map(|v| match v.minor_units {
            Some(n) => {
                let n = Literal::u32_unsuffixed(n);
                quote!(Some(#n))
            }
            None => quote!(None),
        });
        quote! {
            /// The currency's fractional digits (its minor units), when the spec gives them: an
            /// amount in this currency may have no more.
            pub fn minor_units(&self) -> Option<u32> {
                match self {
                    #( Self::#variants => #units, )*
                    Self::Unknown(_) => None,
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #value_docs #variants, )*
            /// A value the spec does not list yet; decoding keeps it instead of failing.
            Unknown(payspec_runtime::UnknownValue),
        }

        impl #name {
            /// The value exactly as the provider writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wire, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// The variant for `value`; values the spec does not list become `Unknown`.
            pub fn parse(value: &str) -> Self {
                match value {
                    #( #wire => Self::#variants, )*
                    other => Self::Unknown(payspec_runtime::UnknownValue::new_unchecked(other)),
                }
            }

            #minor_units
        }

        impl payspec_runtime::OpenEnum for #name {
            const VALUES: &'static [&'static str] = &[#(#wire),*];

            fn as_str(&self) -> &str {
                #name::as_str(self)
            }

            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                payspec_runtime::unknown::deserialize_open(deserializer, Self::parse)
            }
        }
    }
}

/// `TextRules { ... }` for a set of limits, or `None` when the limits say nothing about text.
pub fn text_rules(limits: &Limits, required: bool) -> Option<TokenStream> {
    if !limits.has_text_rules() && !required {
        return None;
    }
    let mut parts = Vec::new();
    if required {
        parts.push(quote!(required: true));
    }
    let usize_lit = |n: u64| Literal::usize_unsuffixed(usize::try_from(n).unwrap_or(usize::MAX));
    for (key, value) in [
        ("min_bytes", limits.min_bytes),
        ("max_bytes", limits.max_bytes),
        ("min_chars", limits.min_chars),
        ("max_chars", limits.max_chars),
    ] {
        if let Some(n) = value {
            let key = format_ident!("{key}");
            let n = usize_lit(n);
            parts.push(quote!(#key: Some(#n)));
        }
    }
    if let Some(c) = limits.charset {
        let variant = ident(match c {
            Charset::Digits => "Digits",
            Charset::Alphanumeric => "Alphanumeric",
            Charset::UpperAlpha => "UpperAlpha",
        });
        parts.push(quote!(charset: Some(payspec_runtime::validate::Charset::#variant)));
    }
    if let Some(n) = limits.numeral {
        let variant = ident(match n {
            Numeral::Canonical => "Canonical",
            Numeral::Positive => "Positive",
        });
        parts.push(quote!(numeral: Some(payspec_runtime::validate::Numeral::#variant)));
    }
    if limits.url {
        parts.push(quote!(url: true));
    }
    if let Some(p) = &limits.pattern {
        parts.push(quote!(pattern: Some(payspec_runtime::pattern!(#p))));
    }
    Some(quote! {
        payspec_runtime::validate::TextRules { #(#parts,)* ..payspec_runtime::validate::TextRules::NONE }
    })
}

pub fn newtype(name: &str, description: &str, limits: &Limits, wire_number: bool) -> TokenStream {
    let mut paragraphs = vec![description.to_owned()];
    paragraphs.extend(docs::limits(limits));
    if wire_number {
        paragraphs.push("Sent as a JSON number; read exactly from a number or a string.".to_owned());
    }
    let docs = docs::outer(&paragraphs);
    let type_name = name;
    let name = ident(name);
    let rules = text_rules(limits, false).unwrap_or_else(|| quote!(payspec_runtime::validate::TextRules::NONE));
    let (serialize, read) = if wire_number {
        (
            quote!(payspec_runtime::constrained::serialize_digits(&self.0, serializer)),
            quote!(payspec_runtime::constrained::deserialize_text(deserializer)?),
        )
    } else {
        (quote!(serializer.serialize_str(&self.0)), quote!(<String as serde::Deserialize>::deserialize(deserializer)?))
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #name(String);

        impl #name {
            /// The rules every value of this type meets.
            pub const RULES: payspec_runtime::validate::TextRules = #rules;

            /// Checks `value` against [`Self::RULES`]; every broken rule is reported.
            pub fn new(value: impl Into<String>) -> Result<Self, payspec_runtime::ConstraintError> {
                let value = value.into();
                payspec_runtime::constrained::check(#type_name, &value, &Self::RULES)?;
                Ok(Self(value))
            }

            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as an owned `String`.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::str::FromStr for #name {
            type Err = payspec_runtime::ConstraintError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for #name {
            type Error = payspec_runtime::ConstraintError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<&str> for #name {
            type Error = payspec_runtime::ConstraintError;

            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = #read;
                Self::new(value).map_err(serde::de::Error::custom)
            }
        }
    }
}
