//! Type definitions, fields and type references, resolved against the symbol table; sum rules
//! against the lowered types; and which operations reach each type.

use std::collections::{HashMap, HashSet};

use super::limits::{LimitTarget, number};
use super::names::{NOT_RAW, TypeSymbol, camel, field_name, is_snake};
use super::{ProviderInput, ProviderResolver, loc};
use crate::ast::*;
use crate::diag::did_you_mean;
use crate::model::*;
use crate::yaml::Pos;

/// The types a spec file can name: an operation's own, then the provider's.
pub(super) struct TypeScope<'s> {
    pub shared: &'s HashMap<String, TypeSymbol>,
    pub own: Option<&'s HashMap<String, TypeSymbol>>,
}

impl TypeScope<'_> {
    fn get(&self, name: &str) -> Option<(Scope, &TypeSymbol)> {
        match self.own.and_then(|own| own.get(name)) {
            Some(symbol) => Some((Scope::Operation, symbol)),
            None => self.shared.get(name).map(|symbol| (Scope::Provider, symbol)),
        }
    }

    /// Whether the enum `name` (defined in `scope`) gives minor units for its values.
    fn enum_has_minor_units(&self, name: &str, scope: Scope) -> bool {
        let table = match scope {
            Scope::Operation => self.own,
            Scope::Provider => Some(self.shared),
        };
        table.and_then(|t| t.get(name)).is_some_and(|symbol| symbol.minor_units)
    }
}

/// How many `list<>`/`map<>` wrappers one type reference may have.
const MAX_TYPE_NESTING: usize = 8;

impl ProviderResolver<'_> {
    /// Lowers the type definitions of one file (the provider's when `scope.own` is `None`), then
    /// their sum rules, which name fields of other structs: those of `shared_types` and of these.
    pub(super) fn types(
        &mut self,
        file: &File,
        defs: &[TypeAst],
        scope: &TypeScope<'_>,
        shared_types: &[TypeDef],
    ) -> Vec<TypeDef> {
        let mut out = Vec::new();
        for t in defs {
            let name = &t.name;
            self.camel_ident(file, &name.value, name.pos, "type name");
            if !t.sums.is_empty() && !matches!(t.body, TypeBody::Struct(_)) {
                self.err(file, t.sums[0].pos, format!("`sums` applies to structs; `{}` is not one", name.value));
            }
            if !t.constraints.is_empty() && !matches!(t.body, TypeBody::Struct(_)) {
                let pos = t.constraints[0].pos;
                self.err(file, pos, format!("`constraints` applies to structs; `{}` is not one", name.value));
            }
            let mut constraints = Vec::new();
            let kind = match &t.body {
                TypeBody::Invalid => None,
                TypeBody::String { limits, wire } => self.string_type(file, t, limits, wire.as_ref()),
                TypeBody::Enum(values) => self.enum_type(file, t, values),
                TypeBody::Struct(fields) => {
                    if fields.is_empty() {
                        self.err(file, name.pos, format!("struct `{}` has no fields", name.value));
                    }
                    let fields = self.fields(file, fields, scope, FieldPlace::Struct);
                    constraints = self.constraints(file, &t.constraints, &fields, scope);
                    Some(TypeKind::Struct(fields))
                }
            };
            if let Some(kind) = kind {
                out.push(TypeDef {
                    name: name.value.clone(),
                    description: t.description.clone().unwrap_or_default(),
                    loc: loc(file, name.pos),
                    kind,
                    sums: Vec::new(),
                    constraints,
                    usage: Usage::default(),
                });
            }
        }
        let (own, shared) = if scope.own.is_some() { (&out[..], shared_types) } else { (&[][..], &out[..]) };
        let lowered = |n: &Named| {
            let defs = if n.scope == Scope::Operation { own } else { shared };
            defs.iter().find(|d| d.name == n.name)
        };
        let mut sums = Vec::new();
        for (i, def) in out.iter().enumerate() {
            let (Some(t), TypeKind::Struct(fields)) = (defs.iter().find(|t| t.name.value == def.name), &def.kind)
            else {
                continue;
            };
            let rules: Vec<SumRule> =
                t.sums.iter().filter_map(|rule| self.sum_rule(file, rule, fields, lowered)).collect();
            sums.push((i, rules));
        }
        for (i, rules) in sums {
            out[i].sums = rules;
        }
        out
    }

    /// A sum rule: `equals` names a number here; each term's `over` a list of structs here and its
    /// `of` one number of their elements (optional: absent counts as zero) or two required ones.
    fn sum_rule<'t>(
        &mut self,
        file: &File,
        rule: &SumAst,
        fields: &[Field],
        lowered: impl Fn(&Named) -> Option<&'t TypeDef>,
    ) -> Option<SumRule> {
        let numeric = |t: &TypeRef| matches!(t, TypeRef::Primitive(Primitive::Integer | Primitive::Decimal));
        let field = |name: &Spanned<String>| fields.iter().find(|f| f.wire_name == name.value);
        let mut terms = Vec::new();
        let mut complete = !rule.terms.is_empty();
        for term in &rule.terms {
            match self.sum_term(file, term, fields, &lowered) {
                Some(t) => terms.push(t),
                None => complete = false,
            }
        }
        let equals_name = rule.equals.as_ref()?;
        let equals = field(equals_name).filter(|f| numeric(&f.ty));
        if equals.is_none() {
            let hint = did_you_mean(&equals_name.value, fields.iter().map(|f| f.wire_name.as_str()));
            self.err(
                file,
                equals_name.pos,
                format!("`equals: {}` must name an integer or decimal field of this struct{hint}", equals_name.value),
            );
        }
        match equals {
            Some(equals) if complete => Some(SumRule { terms, equals: equals.clone(), loc: loc(file, rule.pos) }),
            _ => None,
        }
    }

    fn sum_term<'t>(
        &mut self,
        file: &File,
        term: &SumTermAst,
        fields: &[Field],
        lowered: &impl Fn(&Named) -> Option<&'t TypeDef>,
    ) -> Option<SumTerm> {
        let numeric = |t: &TypeRef| matches!(t, TypeRef::Primitive(Primitive::Integer | Primitive::Decimal));
        let over_name = term.over.as_ref()?;
        let over = fields.iter().find(|f| f.wire_name == over_name.value);
        let element_fields = over.and_then(|f| match &f.ty {
            TypeRef::List(inner) => match inner.as_ref() {
                TypeRef::Named(n) if n.kind == NamedKind::Struct => match lowered(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(element_fields)) => Some(element_fields),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        });
        if element_fields.is_none() {
            let hint = if over.is_none() {
                did_you_mean(&over_name.value, fields.iter().map(|f| f.wire_name.as_str()))
            } else {
                String::new()
            };
            self.err(
                file,
                over_name.pos,
                format!("`over: {}` must be a list of structs in this struct{hint}", over_name.value),
            );
        }
        if !(1..=2).contains(&term.of.len()) {
            self.err(file, term.pos, "`of` names one field, or two whose product is summed");
        }
        let single = term.of.len() == 1;
        let mut of = Vec::new();
        for name in term.of.iter().filter(|_| element_fields.is_some()) {
            match element_fields.into_iter().flatten().find(|f| f.wire_name == name.value) {
                Some(f) if numeric(&f.ty) && (f.required || single) => of.push(f.clone()),
                _ => self.err(
                    file,
                    name.pos,
                    format!(
                        "`of: {}` must name {} integer or decimal field of the elements of `{}`",
                        name.value,
                        if single { "an" } else { "a required" },
                        over_name.value
                    ),
                ),
            }
        }
        let complete = element_fields.is_some() && of.len() == term.of.len() && (1..=2).contains(&of.len());
        match over {
            Some(over) if complete => Some(SumTerm { over: over.clone(), of }),
            _ => None,
        }
    }

    /// Rules across fields: each names optional fields of this struct (a required one is always
    /// given), `when` an enum or string field and `equals` one of its values.
    pub(super) fn constraints(
        &mut self,
        file: &File,
        asts: &[ConstraintAst],
        fields: &[Field],
        scope: &TypeScope<'_>,
    ) -> Vec<Constraint> {
        let mut out = Vec::new();
        for c in asts {
            let before = self.diags.len();
            let optional = |r: &mut Self, name: &Spanned<String>| {
                let Some(i) = fields.iter().position(|f| f.wire_name == name.value) else {
                    let hint = did_you_mean(&name.value, fields.iter().map(|f| f.wire_name.as_str()));
                    r.err(
                        file,
                        name.pos,
                        format!("constraint names `{}`, which is not a field here{hint}", name.value),
                    );
                    return None;
                };
                if fields[i].required {
                    r.err(
                        file,
                        name.pos,
                        format!("`{}` is required anyway; a constraint applies to optional fields", name.value),
                    );
                }
                Some(i)
            };
            if let Some(field) = &c.require {
                let (Some(when), Some(equals)) = (&c.when, &c.equals) else { continue };
                let field = optional(self, field);
                let when_at = fields.iter().position(|f| f.wire_name == when.value);
                let values = match when_at.map(|i| &fields[i].ty) {
                    Some(TypeRef::Named(n)) if n.kind == NamedKind::Enum => {
                        scope.get(&n.name).map(|(_, s)| s.values.clone())
                    }
                    Some(TypeRef::Primitive(Primitive::String)) => None,
                    _ => {
                        self.err(
                            file,
                            when.pos,
                            format!("`when: {}` must name an enum or string field here", when.value),
                        );
                        continue;
                    }
                };
                if let Some(values) = values.filter(|v| !v.contains(&equals.value)) {
                    self.err(
                        file,
                        equals.pos,
                        format!(
                            "`equals: {}` is not a value of `{}` ({})",
                            equals.value,
                            when.value,
                            values.join(", ")
                        ),
                    );
                }
                if let (Some(field), Some(when_at), true) = (field, when_at, self.diags.len() == before) {
                    out.push(Constraint::RequiredWhen {
                        field,
                        when: when_at,
                        equals: equals.value.clone(),
                        loc: loc(file, c.pos),
                    });
                }
            } else {
                if c.at_least_one_of.len() < 2 {
                    self.err(file, c.pos, "`at_least_one_of` names two fields or more");
                }
                let any: Vec<usize> = c.at_least_one_of.iter().filter_map(|n| optional(self, n)).collect();
                if self.diags.len() == before {
                    out.push(Constraint::AtLeastOne { fields: any, loc: loc(file, c.pos) });
                }
            }
        }
        out
    }

    fn string_type(
        &mut self,
        file: &File,
        t: &TypeAst,
        limits: &LimitsAst,
        wire: Option<&Spanned<String>>,
    ) -> Option<TypeKind> {
        let mut limits = self.limits(file, limits, &LimitTarget::Text)?;
        let wire_number = match wire {
            None => false,
            Some(w) if w.value == "string" => false,
            Some(w) if w.value == "number" => {
                // A JSON number cannot spell a leading zero: such an id would be sent as another number.
                limits.numeral.get_or_insert(Numeral::Canonical);
                if limits.url {
                    self.err(file, w.pos, "`wire: number` cannot carry a `format: url` string; remove one");
                }
                let fits = limits.charset == Some(Charset::Digits)
                    && limits.max_chars.or(limits.max_bytes).is_some_and(|m| m <= 19);
                if !fits {
                    self.err(file, w.pos, format!(
                        "`wire: number` on `{}` needs `charset: digits` and at most 19 characters, so every value fits a JSON integer",
                        t.name.value
                    ));
                }
                true
            }
            Some(w) => {
                self.err(file, w.pos, format!("`wire` must be `string` or `number`, found `{}`", w.value));
                false
            }
        };
        Some(TypeKind::String { limits, wire_number })
    }

    fn enum_type(&mut self, file: &File, t: &TypeAst, values: &[EnumValueAst]) -> Option<TypeKind> {
        if values.is_empty() {
            self.err(file, t.name.pos, format!("enum `{}` has no values", t.name.value));
        }
        let mut seen: HashMap<String, Pos> = HashMap::new();
        let mut out = Vec::new();
        for v in values {
            let variant = match &v.name {
                Some(n) => self.camel_ident(file, &n.value, n.pos, "enum value name").then(|| n.value.clone()),
                None => {
                    let derived = camel(&v.value.value);
                    if derived.is_none() {
                        self.err(file, v.value.pos, format!(
                            "enum value `{}` needs the long form `{{ name: ..., description: ... }}`: it does not make a Rust name",
                            v.value.value
                        ));
                    }
                    derived
                }
            };
            let Some(variant) = variant else { continue };
            if variant == "Unknown" {
                self.err(file, v.value.pos, format!(
                    "enum value `{}` would take the name `Unknown`, which holds values the spec does not list; give it another `name`",
                    v.value.value
                ));
                continue;
            }
            if let Some(first) = seen.insert(variant.clone(), v.value.pos) {
                self.err(
                    file,
                    v.value.pos,
                    format!(
                        "enum value `{}` takes the name `{variant}`, already used by the value at line {}",
                        v.value.value, first.line
                    ),
                );
            }
            let minor_units = v.minor_units.as_ref().and_then(|m| match u32::try_from(m.value) {
                Ok(units) if units <= 18 => Some(units),
                _ => {
                    self.err(
                        file,
                        m.pos,
                        format!("`minor_units: {}` is more than the 18 fractional digits an amount holds", m.value),
                    );
                    None
                }
            });
            out.push(EnumValue {
                value: v.value.value.clone(),
                variant,
                description: v.description.clone().unwrap_or_default(),
                minor_units,
                loc: loc(file, v.value.pos),
            });
        }
        Some(TypeKind::Enum(out))
    }

    pub(super) fn fields(
        &mut self,
        file: &File,
        fields: &[FieldAst],
        scope: &TypeScope<'_>,
        place: FieldPlace,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, Pos> = HashMap::new();
        for f in fields {
            let name = &f.name;
            let rust_name = field_name(&name.value);
            let ident_ok = is_snake(&rust_name) && !NOT_RAW.contains(&rust_name.as_str());
            if !ident_ok || name.value.is_empty() {
                self.err(
                    file,
                    name.pos,
                    format!(
                        "field `{}` does not make a Rust field name (its snake_case form is `{rust_name}`)",
                        name.value
                    ),
                );
                continue;
            }
            if let Some(first) = rust_names.insert(rust_name.clone(), name.pos) {
                self.err(
                    file,
                    name.pos,
                    format!(
                        "field `{}` becomes `{rust_name}` in Rust, like the field at line {}",
                        name.value, first.line
                    ),
                );
            }
            let Some(ty_text) = &f.ty else { continue };
            let Some(ty) = self.type_ref(file, ty_text, scope) else { continue };
            let ty = if f.limits.format.as_ref().is_some_and(|v| v.value == "datetime") { datetime(ty) } else { ty };
            self.datetimes |= *ty.element() == TypeRef::Primitive(Primitive::DateTime);
            if !self.field_type_fits(file, f, &ty, place) {
                continue;
            }
            let target = LimitTarget::of(&ty);
            let Some(limits) = self.limits(file, &f.limits, &target) else { continue };
            if f.required && f.default.is_some() {
                self.err(file, name.pos, format!("field `{}` is required and has a default; keep one", name.value));
            }
            match &f.default {
                Some(d) if ty == TypeRef::Primitive(Primitive::DateTime) => {
                    self.err(file, d.pos, "a `format: datetime` field takes no `default`; say it in the description")
                }
                Some(d) => self.default_fits(file, d, &ty, scope),
                None => {}
            }
            if let Some(s) =
                f.secret.as_ref().filter(|s| s.value && !matches!(ty, TypeRef::Primitive(Primitive::String)))
            {
                self.err(file, s.pos, format!("`secret` path parameter `{}` must be a plain string", name.value));
            }
            out.push(Field {
                wire_name: name.value.clone(),
                rust_name,
                ty,
                required: f.required || place == FieldPlace::Path,
                default: f.default.as_ref().map(|d| d.value.clone()),
                description: f.description.clone(),
                deprecated: f.deprecated.clone(),
                limits,
                minor_units_from: None,
                secret: f.secret.as_ref().is_some_and(|s| s.value),
                loc: loc(file, name.pos),
            });
        }
        self.minor_units_links(file, fields, &mut out, scope);
        out
    }

    /// Links each `minor_units_from` to its sibling: a decimal field, and a currency field whose enum
    /// gives minor units.
    fn minor_units_links(&mut self, file: &File, asts: &[FieldAst], fields: &mut [Field], scope: &TypeScope<'_>) {
        for ast in asts {
            let Some(from) = &ast.minor_units_from else { continue };
            let Some(at) = fields.iter().position(|f| f.wire_name == ast.name.value) else { continue };
            if fields[at].ty != TypeRef::Primitive(Primitive::Decimal) {
                self.err(
                    file,
                    from.pos,
                    format!("`minor_units_from` applies to decimals; `{}` is `{}`", ast.name.value, fields[at].ty),
                );
                continue;
            }
            let Some(sibling) = fields.iter().position(|f| f.wire_name == from.value) else {
                self.err(file, from.pos, format!("`minor_units_from: {}` names no field of this struct", from.value));
                continue;
            };
            let gives_units = match &fields[sibling].ty {
                TypeRef::Named(n) if n.kind == NamedKind::Enum => scope.enum_has_minor_units(&n.name, n.scope),
                _ => false,
            };
            if !gives_units {
                self.err(
                    file,
                    from.pos,
                    format!(
                        "`minor_units_from: {}` must name an enum field whose values give `minor_units`",
                        from.value
                    ),
                );
                continue;
            }
            fields[at].minor_units_from = Some(sibling);
        }
    }

    fn field_type_fits(&mut self, file: &File, f: &FieldAst, ty: &TypeRef, place: FieldPlace) -> bool {
        let scalar = |t: &TypeRef| match t {
            TypeRef::Primitive(p) => !matches!(p, Primitive::Json),
            TypeRef::Named(n) => n.kind != NamedKind::Struct,
            _ => false,
        };
        let ok = match place {
            FieldPlace::Struct => true,
            FieldPlace::Path => scalar(ty),
            FieldPlace::Query => scalar(ty) || matches!(ty, TypeRef::List(inner) if scalar(inner)),
        };
        if !ok {
            let what = if place == FieldPlace::Path { "a path parameter" } else { "a query parameter" };
            self.err(
                file,
                f.name.pos,
                format!(
                    "{what} must be a string, number, boolean, enum or constrained string{}; `{}` is `{ty}`",
                    if place == FieldPlace::Query { " (or a list of one)" } else { "" },
                    f.name.value
                ),
            );
        }
        ok
    }

    fn default_fits(&mut self, file: &File, d: &Spanned<String>, ty: &TypeRef, scope: &TypeScope<'_>) {
        let ok = match ty {
            TypeRef::Primitive(Primitive::Boolean) => d.value == "true" || d.value == "false",
            TypeRef::Primitive(Primitive::Integer) => d.value.parse::<i64>().is_ok(),
            TypeRef::Primitive(Primitive::Decimal) => number(&d.value).is_some(),
            TypeRef::Primitive(Primitive::String) => true,
            TypeRef::Named(n) if n.kind == NamedKind::Enum => {
                scope.get(&n.name).is_none_or(|(_, symbol)| symbol.values.contains(&d.value))
            }
            TypeRef::Named(n) => n.kind == NamedKind::String,
            _ => false,
        };
        if !ok {
            self.err(file, d.pos, format!("default `{}` is not a value of type `{ty}`", d.value));
        }
    }

    /// A type reference: the one place `list<T>` and `map<T>` are read. The wrappers are peeled in a
    /// loop and bounded, so a hostile `list<list<...>>` costs neither stack nor quadratic copies.
    pub(super) fn type_ref(&mut self, file: &File, text: &Spanned<String>, scope: &TypeScope<'_>) -> Option<TypeRef> {
        let mut t = text.value.trim();
        let mut wrappers: Vec<fn(Box<TypeRef>) -> TypeRef> = Vec::new();
        loop {
            let wrap: fn(Box<TypeRef>) -> TypeRef = if let Some(inner) = t.strip_prefix("list<") {
                t = inner;
                TypeRef::List
            } else if let Some(inner) = t.strip_prefix("map<") {
                t = inner;
                TypeRef::Map
            } else {
                break;
            };
            let Some(inner) = t.strip_suffix('>') else {
                self.err(file, text.pos, format!("type `{}` is missing its closing `>`", text.value.trim()));
                return None;
            };
            t = inner.trim();
            wrappers.push(wrap);
            if wrappers.len() > MAX_TYPE_NESTING {
                self.err(
                    file,
                    text.pos,
                    format!("type nests more than {MAX_TYPE_NESTING} `list<>`/`map<>` levels; no provider page needs that many"),
                );
                return None;
            }
        }
        let inner = self.named_or_primitive(file, text, t, scope)?;
        Some(wrappers.into_iter().rev().fold(inner, |inner, wrap| wrap(Box::new(inner))))
    }

    /// A primitive or a defined type's name, without wrappers.
    fn named_or_primitive(
        &mut self,
        file: &File,
        text: &Spanned<String>,
        t: &str,
        scope: &TypeScope<'_>,
    ) -> Option<TypeRef> {
        if let Some((_, p)) = Primitive::ALL.iter().find(|(n, _)| *n == t) {
            return Some(TypeRef::Primitive(*p));
        }
        let Some((scope_kind, symbol)) = scope.get(t) else {
            let own = scope.own.into_iter().flat_map(|own| own.keys());
            let names =
                Primitive::ALL.iter().map(|(n, _)| *n).chain(own.chain(scope.shared.keys()).map(String::as_str));
            let hint = if t == "datetime" {
                " (a date and time is `type: string, format: datetime`)".to_owned()
            } else {
                did_you_mean(t, names)
            };
            self.err(file, text.pos, format!(
                "unknown type `{t}`{hint}; use a primitive (string, integer, decimal, boolean, json), list<T>, map<T>, or a type defined in this file or provider.yaml"
            ));
            return None;
        };
        let kind = symbol.kind?;
        Some(TypeRef::Named(Named { name: t.to_owned(), kind, scope: scope_kind }))
    }

    /// Types that nothing refers to are almost always a typo or a leftover. An operation's own types
    /// are judged when it resolved; the provider's only when every operation did, since a failed
    /// operation's uses are unknown.
    pub(super) fn unused_types(
        &mut self,
        input: &ProviderInput,
        shared: &[TypeDef],
        ops: &[Operation],
        all_resolved: bool,
    ) {
        let unused = |defs: &[TypeDef], name: &str| {
            defs.iter().any(|d| d.name == name && d.usage.operations.is_empty() && d.usage.notifications.is_empty())
        };
        for op_file in &input.operations {
            let Some(op) = ops.iter().find(|o| o.name == op_file.name.value) else { continue };
            for t in op_file.types.iter().filter(|t| unused(&op.types, &t.name.value)) {
                self.err(
                    &op_file.file,
                    t.name.pos,
                    format!("type `{}` is defined but nothing in this operation refers to it", t.name.value),
                );
            }
        }
        if !all_resolved || ops.is_empty() {
            return;
        }
        for t in input.provider.types.iter().filter(|t| unused(shared, &t.name.value)) {
            self.err(
                &input.provider.file,
                t.name.pos,
                format!("type `{}` is defined but no operation or notification uses it", t.name.value),
            );
        }
    }
}

/// Fills in every type's [`Usage`]: the one walk from each operation's path, query, request,
/// response and error body through struct fields.
pub(super) fn mark_usage(shared: &mut [TypeDef], ops: &mut [Operation], error_body: Option<&str>) {
    let index = |defs: &[TypeDef]| -> HashMap<String, usize> {
        defs.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect()
    };
    let shared_index = index(shared);
    let mut shared_usage = vec![Usage::default(); shared.len()];
    for op in ops.iter_mut() {
        let own_index = index(&op.types);
        let mut own_usage = vec![Usage::default(); op.types.len()];
        let mut todo: Vec<(Scope, &str, bool)> = Vec::new();
        let requests = op.path_params.iter().chain(&op.query).map(|f| &f.ty).chain(&op.request);
        todo.extend(requests.filter_map(|t| named(t, true)));
        todo.extend(op.response.iter().filter_map(|t| named(t, false)));
        todo.extend(error_body.map(|name| (Scope::Provider, name, false)));
        let mut seen = HashSet::new();
        while let Some((scope, name, request)) = todo.pop() {
            let (defs, index, usage) = match scope {
                Scope::Provider => (&*shared, &shared_index, &mut shared_usage),
                Scope::Operation => (&op.types[..], &own_index, &mut own_usage),
            };
            let Some(&i) = index.get(name) else { continue };
            if !seen.insert((scope, i, request)) {
                continue;
            }
            let u = &mut usage[i];
            u.operations.insert(op.name.clone());
            if request {
                u.requests = true;
            } else {
                u.responses = true;
            }
            if let TypeKind::Struct(fields) = &defs[i].kind {
                todo.extend(fields.iter().filter_map(|f| named(&f.ty, request)));
            }
        }
        for (t, u) in op.types.iter_mut().zip(own_usage) {
            t.usage = u;
        }
    }
    for (t, u) in shared.iter_mut().zip(shared_usage) {
        t.usage = u;
    }
}

/// `format: datetime` makes a `string` (through lists and maps) a date and time; other types keep
/// theirs, and the limits check refuses the format on them.
fn datetime(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Primitive(Primitive::String) => TypeRef::Primitive(Primitive::DateTime),
        TypeRef::List(inner) => TypeRef::List(Box::new(datetime(*inner))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(datetime(*inner))),
        other => other,
    }
}

/// The defined type a reference reaches, through lists and maps.
fn named(t: &TypeRef, request: bool) -> Option<(Scope, &str, bool)> {
    match t.element() {
        TypeRef::Named(n) => Some((n.scope, n.name.as_str(), request)),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldPlace {
    Struct,
    Path,
    Query,
}
