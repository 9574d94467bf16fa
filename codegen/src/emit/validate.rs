//! `Validate` impls: one statement per spec rule, each reporting at the field's JSON path.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::{field_ident, ident, text_rules};
use crate::model::*;

pub fn impl_validate(name: &str, fields: &[Field], sums: &[SumRule], constraints: &[Constraint]) -> TokenStream {
    let name = ident(name);
    let mut checks: Vec<TokenStream> = fields.iter().filter_map(field_check).collect();
    checks.extend(fields.iter().filter_map(|f| minor_units_check(f, fields)));
    checks.extend(constraints.iter().map(|c| constraint_check(c, fields)));
    checks.extend(sums.iter().map(sum_check));
    let (at, out) = if checks.is_empty() { (quote!(_at), quote!(_out)) } else { (quote!(at), quote!(out)) };
    quote! {
        impl payspec_runtime::Validate for #name {
            fn validate_at(&self, #at: &payspec_runtime::validate::Path<'_>, #out: &mut payspec_runtime::validate::Violations) {
                #(#checks)*
            }
        }
    }
}

/// Whether an optional field is given: present, and not an empty string or list.
fn given(f: &Field) -> TokenStream {
    let id = field_ident(&f.rust_name);
    match &f.ty {
        TypeRef::List(_) | TypeRef::Map(_) => quote!(!self.#id.is_empty()),
        TypeRef::Primitive(Primitive::String) => quote!(self.#id.as_deref().is_some_and(|v| !v.is_empty())),
        TypeRef::Named(n) if n.kind == NamedKind::String => {
            quote!(self.#id.as_ref().is_some_and(|v| !v.as_str().is_empty()))
        }
        _ => quote!(self.#id.is_some()),
    }
}

/// A rule across fields, reported at the path of the (first) field it asks for.
fn constraint_check(c: &Constraint, fields: &[Field]) -> TokenStream {
    match c {
        Constraint::AtLeastOne { fields: any, .. } => {
            let wire: Vec<&str> = any.iter().map(|i| fields[*i].wire_name.as_str()).collect();
            let first = wire[0];
            let given = any.iter().map(|i| given(&fields[*i]));
            quote!(out.at_least_one(&at.field(#first), &[#(#wire),*], #(#given)||*);)
        }
        Constraint::RequiredWhen { field, when, equals, .. } => {
            let (f, w) = (&fields[*field], &fields[*when]);
            let wire = &f.wire_name;
            let when_wire = &w.wire_name;
            let when_id = field_ident(&w.rust_name);
            let value = match (&w.ty, w.required) {
                (TypeRef::Named(_), true) => quote!(self.#when_id.as_str() == #equals),
                (TypeRef::Named(_), false) => quote!(self.#when_id.as_ref().is_some_and(|v| v.as_str() == #equals)),
                (_, true) => quote!(self.#when_id == #equals),
                (_, false) => quote!(self.#when_id.as_deref() == Some(#equals)),
            };
            let given = given(f);
            quote!(out.required_when(&at.field(#wire), #when_wire, #equals, #value, #given);)
        }
    }
}

/// `equals == Σ over[].of + ...`, computed exactly with checked decimal arithmetic.
fn sum_check(rule: &SumRule) -> TokenStream {
    let as_decimal = |value: TokenStream, ty: &TypeRef| match ty {
        TypeRef::Primitive(Primitive::Integer) => quote!(payspec_runtime::Decimal::from_i64(#value)),
        _ => value,
    };
    let terms = rule.terms.iter().map(|term| {
        let over = field_ident(&term.over.rust_name);
        let value = |f: &Field| {
            let id = field_ident(&f.rust_name);
            match (f.required, &f.ty) {
                (true, ty) => as_decimal(quote!(item.#id), ty),
                // An optional term that is absent adds nothing.
                (false, TypeRef::Primitive(Primitive::Integer)) => {
                    quote!(item.#id.map_or(payspec_runtime::Decimal::ZERO, payspec_runtime::Decimal::from_i64))
                }
                (false, _) => quote!(item.#id.unwrap_or(payspec_runtime::Decimal::ZERO)),
            }
        };
        let term = match term.of.as_slice() {
            [one] => {
                let one = value(one);
                quote!(Some(#one))
            }
            [a, b] => {
                let (a, b) = (value(a), value(b));
                quote!(#a.checked_mul(#b))
            }
            _ => quote!(None),
        };
        quote! {
            .and_then(|sum| self.#over.iter().try_fold(sum, |sum, item| #term.and_then(|term| sum.checked_add(term))))
        }
    });
    let described = rule.describe();
    let equals = field_ident(&rule.equals.rust_name);
    let wire = &rule.equals.wire_name;
    let value = as_decimal(quote!(*value), &rule.equals.ty);
    let compare = quote! {
        let sum = Some(payspec_runtime::Decimal::ZERO) #(#terms)*;
        out.sum(&at.field(#wire), #described, sum, #value);
    };
    if rule.equals.required {
        quote!({ let value = &self.#equals; #compare })
    } else {
        quote!(if let Some(value) = &self.#equals { #compare })
    }
}

/// An amount's fractional digits against the minor units of the currency in its sibling field.
fn minor_units_check(f: &Field, fields: &[Field]) -> Option<TokenStream> {
    let currency = &fields[f.minor_units_from?];
    let (amount, currency_id) = (field_ident(&f.rust_name), field_ident(&currency.rust_name));
    let wire = &f.wire_name;
    let check = quote!(out.minor_units(&at.field(#wire), amount, currency.as_str(), currency.minor_units()););
    let pattern = |name: TokenStream, required: bool| if required { name } else { quote!(Some(#name)) };
    Some(if f.required && currency.required {
        quote!({ let (amount, currency) = (&self.#amount, &self.#currency_id); #check })
    } else {
        let (a, c) = (pattern(quote!(amount), f.required), pattern(quote!(currency), currency.required));
        quote!(if let (#a, #c) = (&self.#amount, &self.#currency_id) { #check })
    })
}

/// Whether a value of this type has anything to check.
fn has_checks(ty: &TypeRef, limits: &Limits, required: bool) -> bool {
    match ty {
        TypeRef::Primitive(Primitive::String) => required || limits.has_text_rules(),
        TypeRef::Primitive(Primitive::Integer | Primitive::Decimal) => {
            limits.minimum.is_some() || limits.maximum.is_some() || limits.exclusive_minimum.is_some()
        }
        TypeRef::Named(n) => matches!(n.kind, NamedKind::Enum | NamedKind::Struct),
        TypeRef::List(_) | TypeRef::Map(_) => {
            required
                || limits.min_items.is_some()
                || limits.max_items.is_some()
                || has_checks(ty.element(), limits, false)
        }
        _ => false,
    }
}

fn field_check(f: &Field) -> Option<TokenStream> {
    if !has_checks(&f.ty, &f.limits, f.required) {
        return None;
    }
    let id = field_ident(&f.rust_name);
    let wire = &f.wire_name;
    let check = value_check(&f.ty, &f.limits, f.required, &quote!(value), &quote!(path));
    Some(if f.required || f.ty.is_container() {
        quote! {
            {
                let path = at.field(#wire);
                let value = &self.#id;
                #check
            }
        }
    } else {
        quote! {
            if let Some(value) = &self.#id {
                let path = at.field(#wire);
                #check
            }
        }
    })
}

/// Checks `value` (a reference) of type `ty` at `path`.
fn value_check(ty: &TypeRef, limits: &Limits, required: bool, value: &TokenStream, path: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::String) => {
            let rules = text_rules(limits, required);
            quote!(out.text(&#path, #value, &#rules);)
        }
        TypeRef::Primitive(p @ (Primitive::Integer | Primitive::Decimal)) => {
            let bound = |b: &Option<Number>| match (b, p) {
                (None, _) => quote!(None),
                (Some(n), Primitive::Integer) => {
                    let n = Literal::i64_unsuffixed(n.mantissa);
                    quote!(Some(#n))
                }
                (Some(n), _) => {
                    let mantissa = Literal::i64_unsuffixed(n.mantissa);
                    let scale = Literal::u32_unsuffixed(n.scale);
                    quote!(payspec_runtime::Decimal::new(#mantissa, #scale))
                }
            };
            let range = (limits.minimum.is_some() || limits.maximum.is_some()).then(|| {
                let (min, max) = (bound(&limits.minimum), bound(&limits.maximum));
                quote!(out.range(&#path, #value, #min, #max);)
            });
            let above = limits.exclusive_minimum.is_some().then(|| {
                let limit = bound(&limits.exclusive_minimum);
                quote!(out.above(&#path, #value, #limit);)
            });
            quote!(#range #above)
        }
        TypeRef::Named(n) if n.kind == NamedKind::Enum => {
            let text = limits.has_text_rules().then(|| {
                let rules = text_rules(limits, false);
                quote!(out.text(&#path, #value.as_str(), &#rules);)
            });
            quote! {
                out.known(&#path, #value);
                #text
            }
        }
        TypeRef::Named(_) => quote!(payspec_runtime::Validate::validate_at(#value, &#path, out);),
        TypeRef::List(inner) | TypeRef::Map(inner) => {
            let count = |n: Option<u64>| match n {
                Some(n) => {
                    let n = Literal::usize_unsuffixed(usize::try_from(n).unwrap_or(usize::MAX));
                    quote!(Some(#n))
                }
                None => quote!(None),
            };
            let (min, max) = (count(limits.min_items), count(limits.max_items));
            let items = (required || limits.min_items.is_some() || limits.max_items.is_some())
                .then(|| quote!(out.items(&#path, #value.len(), #required, #min, #max);));
            let element = has_checks(inner, limits, false).then(|| {
                let check = value_check(inner, limits, false, &quote!(item), &quote!(item_path));
                if matches!(ty, TypeRef::List(_)) {
                    quote! {
                        for (index, item) in #value.iter().enumerate() {
                            let item_path = #path.index(index);
                            #check
                        }
                    }
                } else {
                    quote! {
                        for (key, item) in #value {
                            let item_path = #path.key(key);
                            #check
                        }
                    }
                }
            });
            quote!(#items #element)
        }
        _ => quote!(),
    }
}
