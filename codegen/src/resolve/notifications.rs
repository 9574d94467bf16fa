//! Notifications: the calls a provider makes to the merchant. They resolve after the operations,
//! since they name operations (what triggers them, what to call next) and the provider's types.

use std::collections::HashSet;

use super::names::NotificationSymbols;
use super::types::{FieldPlace, TypeScope};
use super::{ProviderResolver, loc};
use crate::ast::*;
use crate::diag::did_you_mean;
use crate::model::*;

/// What notifications resolve against.
pub(super) struct Context<'c> {
    pub scope: &'c TypeScope<'c>,
    pub types: &'c [TypeDef],
    pub operations: &'c [Operation],
    pub auth: Option<Auth>,
}

impl Context<'_> {
    /// The fields of a struct type, wherever it is defined.
    fn struct_fields<'s>(&'s self, op: Option<&'s Operation>, t: &TypeRef) -> Option<&'s [Field]> {
        let TypeRef::Named(n) = t else { return None };
        let defs = match (n.scope, op) {
            (Scope::Operation, Some(op)) => &op.types[..],
            (Scope::Operation, None) => return None,
            (Scope::Provider, _) => self.types,
        };
        match &defs.iter().find(|d| d.name == n.name)?.kind {
            TypeKind::Struct(fields) => Some(fields),
            _ => None,
        }
    }
}

/// A string on the wire: `string`, or a constrained string type.
fn is_text(t: &TypeRef) -> bool {
    matches!(t, TypeRef::Primitive(Primitive::String)) || matches!(t, TypeRef::Named(n) if n.kind == NamedKind::String)
}

impl ProviderResolver<'_> {
    pub(super) fn notification(
        &mut self,
        n: &NotificationAst,
        names: &NotificationSymbols,
        cx: &Context<'_>,
    ) -> Option<Notification> {
        let file = self.file;
        let before = self.diags.len();
        self.snake_ident(file, &n.name, "notification name");
        let method = n.method.as_ref().and_then(|m| self.one_of(file, m, "method", Method::ALL));
        let auth = n.auth.as_ref().and_then(|a| self.one_of(file, a, "notification auth", NotificationAuth::ALL));
        let ack =
            n.acknowledgement.as_ref().and_then(|a| self.one_of(file, a, "acknowledgement", Acknowledgement::ALL));
        if let (Some(a), Some(NotificationAuth::AlipayPlusRsa256)) = (&n.auth, auth) {
            if cx.auth != Some(Auth::AlipayPlusRsa256) {
                self.err(file, a.pos, "`alipay_plus_rsa256` notifications need the provider's auth `alipay_plus_rsa256`: the receiver verifies with the wallet's key from those credentials");
            }
        }
        if let (Some(a), Some(Acknowledgement::AlipayPlusResult)) = (&n.acknowledgement, ack) {
            if auth != Some(NotificationAuth::AlipayPlusRsa256) {
                self.err(file, a.pos, "the `alipay_plus_result` acknowledgement is signed with the merchant's key; it needs `auth: alipay_plus_rsa256`");
            }
        }

        let triggers = n.triggered_by.iter().filter_map(|t| self.trigger(t, cx)).collect();
        let payload = self.payload(n, method, cx)?;
        let source_fields: Vec<Field> = match &payload {
            Payload::Query(fields) => fields.clone(),
            Payload::Body(t) => cx.struct_fields(None, t).map(<[Field]>::to_vec).unwrap_or_default(),
        };
        if n.key.is_empty() {
            self.err(
                file,
                n.key_pos,
                "`key` lists no field; name the fields that identify a delivery, so that a resend is recognised",
            );
        }
        let key = n.key.iter().filter_map(|k| self.key_part(k, &source_fields, cx)).collect();
        let events = match (&n.events, &payload) {
            (Some(e), Payload::Body(_)) => self.events(e, names, &source_fields, cx),
            (Some(e), Payload::Query(_)) => {
                self.err(file, e.pos, "`events` tells bodies apart; this notification has a `query`");
                None
            }
            (None, _) => None,
        };
        let follow_up = n.follow_up.as_ref().and_then(|f| {
            if n.events.is_some() {
                self.err(file, f.pos, "with `events`, give each event its own `follow_up`");
                return None;
            }
            self.follow_up(f, &source_fields, cx)
        });

        if self.diags.len() > before {
            return None;
        }
        let event_type = match (&names.event, &payload) {
            (Some(name), _) => name.clone(),
            (None, Payload::Body(TypeRef::Named(t))) => t.name.clone(),
            (None, _) => return None,
        };
        Some(Notification {
            name: n.name.value.clone(),
            event_type,
            summary: n.summary.clone()?,
            description: n.description.clone(),
            loc: loc(file, n.name.pos),
            method: method?,
            auth: auth?,
            triggers,
            payload,
            acknowledgement: ack?,
            key,
            events,
            follow_up,
        })
    }

    /// The body (a provider struct, for POST) or the query (text fields, for GET).
    fn payload(&mut self, n: &NotificationAst, method: Option<Method>, cx: &Context<'_>) -> Option<Payload> {
        let file = self.file;
        match (&n.body, n.query_pos) {
            (Some(body), None) => {
                if method == Some(Method::Get) {
                    self.err(file, body.pos, "a GET notification carries no body; describe its `query` instead");
                }
                let t = self.type_ref(file, body, cx.scope)?;
                if !matches!(&t, TypeRef::Named(n) if n.kind == NamedKind::Struct) {
                    self.err(
                        file,
                        body.pos,
                        format!("`body` must name a struct type of provider.yaml, found `{}`", body.value),
                    );
                    return None;
                }
                Some(Payload::Body(t))
            }
            (None, Some(pos)) => {
                if method.is_some_and(|m| m != Method::Get) {
                    self.err(
                        file,
                        pos,
                        "only a GET notification is described by its `query`; give a POST one a `body`",
                    );
                }
                let fields = self.fields(file, &n.query, cx.scope, FieldPlace::Query);
                for (ast, f) in n.query.iter().zip(&fields) {
                    let text = is_text(&f.ty) || matches!(&f.ty, TypeRef::Named(n) if n.kind == NamedKind::Enum);
                    if !text {
                        self.err(file, ast.name.pos, format!("query parameter `{}` of a notification must be text (a string, string type or enum), found {}", f.wire_name, f.ty));
                    }
                }
                if fields.is_empty() && !n.query.is_empty() {
                    return None;
                }
                Some(Payload::Query(fields))
            }
            (Some(body), Some(_)) => {
                self.err(file, body.pos, "a notification has a `body` or a `query`, not both");
                None
            }
            (None, None) => {
                self.err(
                    file,
                    n.name.pos,
                    format!("notification `{}` needs a `body` (POST) or a `query` (GET)", n.name.value),
                );
                None
            }
        }
    }

    /// `{ operation, field }`: the operation's request holds the URL at that dotted path.
    fn trigger(&mut self, t: &TriggerAst, cx: &Context<'_>) -> Option<Trigger> {
        let file = self.file;
        let (op_name, field) = (t.operation.as_ref()?, t.field.as_ref()?);
        let op = self.find_operation(op_name, cx)?;
        let Some(mut current) = op.request.clone() else {
            self.err(
                file,
                op_name.pos,
                format!("operation `{}` has no request to carry the notification's URL", op_name.value),
            );
            return None;
        };
        let steps: Vec<&str> = field.value.split('.').collect();
        for (i, step) in steps.iter().enumerate() {
            let Some(fields) = cx.struct_fields(Some(op), &current) else {
                self.err(
                    file,
                    field.pos,
                    format!("`{}` is not a struct, so `{step}` cannot be reached", steps[..i].join(".")),
                );
                return None;
            };
            let Some(f) = fields.iter().find(|f| f.wire_name == *step) else {
                let hint = did_you_mean(step, fields.iter().map(|f| f.wire_name.as_str()));
                self.err(
                    file,
                    field.pos,
                    format!("the request of `{}` has no field `{}`{hint}", op_name.value, steps[..=i].join(".")),
                );
                return None;
            };
            current = f.ty.clone();
        }
        if !is_text(&current) {
            self.err(
                file,
                field.pos,
                format!("`{}` must be a string field holding the URL, found {current}", field.value),
            );
            return None;
        }
        Some(Trigger { operation: op.name.clone(), field: steps.iter().map(|s| (*s).to_owned()).collect() })
    }

    fn find_operation<'c>(&mut self, name: &Spanned<String>, cx: &Context<'c>) -> Option<&'c Operation> {
        let found = cx.operations.iter().find(|o| o.name == name.value);
        if found.is_none() {
            let hint = did_you_mean(&name.value, cx.operations.iter().map(|o| o.name.as_str()));
            self.err(self.file, name.pos, format!("unknown operation `{}`{hint}", name.value));
        }
        found
    }

    /// A dotted path of required fields, ending at text, an enum or an integer.
    fn key_part(&mut self, k: &Spanned<String>, fields: &[Field], cx: &Context<'_>) -> Option<KeyPart> {
        let file = self.file;
        let mut current = fields;
        let mut part = KeyPart { wire_path: Vec::new(), rust_path: Vec::new() };
        let steps: Vec<&str> = k.value.split('.').collect();
        for (i, step) in steps.iter().enumerate() {
            let Some(f) = current.iter().find(|f| f.wire_name == *step) else {
                let hint = did_you_mean(step, current.iter().map(|f| f.wire_name.as_str()));
                self.err(file, k.pos, format!("`key`: there is no field `{}`{hint}", steps[..=i].join(".")));
                return None;
            };
            if !f.required {
                self.err(
                    file,
                    k.pos,
                    format!("`key`: `{}` is optional; a key is made of required fields only", steps[..=i].join(".")),
                );
                return None;
            }
            part.wire_path.push(f.wire_name.clone());
            part.rust_path.push(f.rust_name.clone());
            if i + 1 < steps.len() {
                let Some(next) = cx.struct_fields(None, &f.ty) else {
                    self.err(file, k.pos, format!("`key`: `{}` is not a struct", steps[..=i].join(".")));
                    return None;
                };
                current = next;
            } else {
                let fits = is_text(&f.ty)
                    || matches!(&f.ty, TypeRef::Primitive(Primitive::Integer))
                    || matches!(&f.ty, TypeRef::Named(n) if n.kind == NamedKind::Enum);
                if !fits {
                    self.err(
                        file,
                        k.pos,
                        format!("`key`: `{}` must be text, an enum or an integer, found {}", k.value, f.ty),
                    );
                    return None;
                }
            }
        }
        Some(part)
    }

    fn events(
        &mut self,
        e: &EventsAst,
        names: &NotificationSymbols,
        body: &[Field],
        cx: &Context<'_>,
    ) -> Option<Events> {
        let file = self.file;
        let field = |r: &mut Self, name: &Spanned<String>, what: &str, fits: fn(&Field) -> bool, needs: &str| {
            let Some(f) = body.iter().find(|f| f.wire_name == name.value) else {
                let hint = did_you_mean(&name.value, body.iter().map(|f| f.wire_name.as_str()));
                r.err(file, name.pos, format!("`{what}`: the body has no field `{}`{hint}", name.value));
                return None;
            };
            if !fits(f) {
                r.err(
                    file,
                    name.pos,
                    format!(
                        "`{what}`: `{}` must be {needs}, found {}{}",
                        name.value,
                        if f.required { "" } else { "optional " },
                        f.ty
                    ),
                );
                return None;
            }
            Some(f.clone())
        };
        let discriminator = e.discriminator.as_ref().and_then(|d| {
            field(
                self,
                d,
                "discriminator",
                |f| f.required && matches!(f.ty, TypeRef::Primitive(Primitive::String)),
                "a required string",
            )
        });
        let object = e
            .object
            .as_ref()
            .and_then(|o| field(self, o, "object", |f| matches!(f.ty, TypeRef::Primitive(Primitive::Json)), "json"));
        if e.values.is_empty() {
            self.err(file, e.pos, "`events` lists no event; list every event type the provider documents");
        }
        let mut values = Vec::new();
        let mut seen = HashSet::new();
        for (v, variant) in e.values.iter().zip(&names.event_variants) {
            let Some(name) = &v.name else { continue };
            if !self.camel_ident(file, &name.value, name.pos, "event name") {
                continue;
            }
            if !seen.insert(v.value.value.as_str()) {
                continue;
            }
            let object = match &v.object {
                Some(o) => {
                    let t = self.type_ref(file, o, cx.scope)?;
                    if !matches!(&t, TypeRef::Named(n) if n.kind == NamedKind::Struct) {
                        self.err(
                            file,
                            o.pos,
                            format!(
                                "`object` of event `{}` must name a struct type, found `{}`",
                                v.value.value, o.value
                            ),
                        );
                        continue;
                    }
                    Some(t)
                }
                None => None,
            };
            let follow_up = match (&v.follow_up, &object) {
                (Some(f), Some(t)) => {
                    let fields = cx.struct_fields(None, t).map(<[Field]>::to_vec).unwrap_or_default();
                    self.follow_up(f, &fields, cx)
                }
                (Some(f), None) => {
                    self.err(
                        file,
                        f.pos,
                        format!(
                            "event `{}` has a `follow_up` but no `object` type to take its ids from",
                            v.value.value
                        ),
                    );
                    None
                }
                (None, _) => None,
            };
            values.push(EventValue {
                value: v.value.value.clone(),
                variant: variant.clone(),
                description: v.description.clone().unwrap_or_default(),
                object,
                follow_up,
                loc: loc(file, v.value.pos),
            });
        }
        Some(Events {
            enum_type: names.events_enum.clone()?,
            fetched_type: names.fetched_enum.clone(),
            discriminator: discriminator?,
            object: object?,
            values,
        })
    }

    /// The next call: an operation whose every path parameter comes from a field of `fields`
    /// of the same type, and that takes no query.
    fn follow_up(&mut self, f: &FollowUpAst, fields: &[Field], cx: &Context<'_>) -> Option<FollowUp> {
        let file = self.file;
        let op = self.find_operation(f.operation.as_ref()?, cx)?;
        if op.outcome_type.is_some() {
            self.err(file, f.pos, format!("`follow_up`: operation `{}` answers with its own success codes, which a follow-up does not pass on", op.name));
            return None;
        }
        if !op.query.is_empty() {
            self.err(
                file,
                f.pos,
                format!("`follow_up`: operation `{}` takes query parameters, which a follow-up cannot fill", op.name),
            );
            return None;
        }
        let mut args = Vec::new();
        for param in &op.path_params {
            let Some((_, source)) = f.path.iter().find(|(p, _)| p.value == param.wire_name) else {
                self.err(
                    file,
                    f.pos,
                    format!(
                        "`follow_up`: the path parameter `{}` of `{}` has no source; add `{}: <field>` under `path`",
                        param.wire_name, op.name, param.wire_name
                    ),
                );
                continue;
            };
            let Some(field) = fields.iter().find(|x| x.wire_name == source.value) else {
                let hint = did_you_mean(&source.value, fields.iter().map(|x| x.wire_name.as_str()));
                self.err(file, source.pos, format!("`follow_up`: there is no field `{}`{hint}", source.value));
                continue;
            };
            if field.ty != param.ty {
                self.err(
                    file,
                    source.pos,
                    format!(
                        "`follow_up`: `{}` is {}, but the path parameter `{}` is {}",
                        source.value, field.ty, param.wire_name, param.ty
                    ),
                );
                continue;
            }
            args.push(field.clone());
        }
        for (p, _) in &f.path {
            if !op.path_params.iter().any(|x| x.wire_name == p.value) {
                let hint = did_you_mean(&p.value, op.path_params.iter().map(|x| x.wire_name.as_str()));
                self.err(
                    file,
                    p.pos,
                    format!("`follow_up`: operation `{}` has no path parameter `{}`{hint}", op.name, p.value),
                );
            }
        }
        if args.len() != op.path_params.len() {
            return None;
        }
        Some(FollowUp {
            operation: op.name.clone(),
            variant: op.error_type.strip_suffix("Error").unwrap_or(&op.error_type).to_owned(),
            args,
            request: op.request.clone(),
            response: op.response.clone(),
            error_type: op.error_type.clone(),
        })
    }
}

/// Marks the types notifications decode (bodies and event objects, through their fields).
pub(super) fn mark_usage(shared: &mut [TypeDef], notifications: &[Notification]) {
    for n in notifications {
        let mut todo: Vec<String> = Vec::new();
        let named = |t: &TypeRef| match t.element() {
            TypeRef::Named(n) if n.scope == Scope::Provider => Some(n.name.clone()),
            _ => None,
        };
        match &n.payload {
            Payload::Body(t) => todo.extend(named(t)),
            Payload::Query(fields) => todo.extend(fields.iter().filter_map(|f| named(&f.ty))),
        }
        todo.extend(n.events.iter().flat_map(|e| &e.values).filter_map(|v| v.object.as_ref().and_then(named)));
        let mut seen = HashSet::new();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(t) = shared.iter_mut().find(|t| t.name == name) else { continue };
            t.usage.notifications.insert(n.name.clone());
            t.usage.responses = true;
            if let TypeKind::Struct(fields) = &t.kind {
                todo.extend(fields.iter().filter_map(|f| named(&f.ty)));
            }
        }
    }
}
