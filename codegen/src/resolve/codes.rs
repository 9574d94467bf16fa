//! Return codes and envelopes: provider codes resolved once, then referenced, extended or joined
//! (common codes) by each operation; operation success codes; how a response says success.

use std::collections::{BTreeSet, HashMap};

use super::names::{TypeSymbol, camel};
use super::{ProviderResolver, loc};
use crate::ast::*;
use crate::diag::did_you_mean;
use crate::model::*;
use crate::yaml::Pos;

/// Code keys a classification may not be named after.
pub(super) const CODE_KEYS_RESERVED: &[&str] = crate::load::CODE_KEYS;

/// A provider code as written (an operation may add facts to it, not rename it) and as resolved,
/// once for every operation that lists it.
#[derive(Clone)]
pub(super) struct ProviderCode<'a> {
    ast: &'a CodeAst,
    code: Option<Code>,
}

impl<'a> ProviderResolver<'a> {
    /// Resolves provider.yaml's codes, each once, and checks that their names differ.
    pub(super) fn provider_codes(&mut self, codes: &'a [CodeAst]) {
        let file = self.file;
        let mut seen_variants: HashMap<String, Pos> = HashMap::new();
        for ast in codes {
            let code = self.code(file, ast, false);
            if let Some(c) = &code {
                if let Some(first) = seen_variants.insert(c.variant.clone(), ast.pos) {
                    self.err(
                        file,
                        ast.pos,
                        format!(
                            "code `{}` takes the name `{}`, already used by the code at line {}",
                            ast.code.value, c.variant, first.line
                        ),
                    );
                }
            }
            self.codes.insert(&ast.code.value, ProviderCode { ast, code });
        }
    }

    /// The provider's common codes, in spec order: every operation's error enum has them.
    fn common_codes(&self) -> Vec<Code> {
        let mut common: Vec<&ProviderCode> =
            self.codes.values().filter(|c| c.ast.common.as_ref().is_some_and(|c| c.value)).collect();
        common.sort_by_key(|c| c.ast.pos);
        common.into_iter().filter_map(|c| c.code.clone()).collect()
    }

    pub(super) fn envelope(
        &mut self,
        e: &EnvelopeAst,
        shared: &HashMap<String, TypeSymbol>,
        shared_types: &[TypeDef],
    ) -> Option<Envelope> {
        let file = self.file;
        let kind = e.kind.as_ref()?;
        let misplaced = |key: &str, present: bool| {
            present.then(|| format!("`{key}` does not apply to envelope kind `{}`", kind.value))
        };
        let problems: Vec<String> = match kind.value.as_str() {
            "line_pay" => {
                [misplaced("error_body", e.error_body.is_some()), misplaced("code_field", e.code_field.is_some())]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            "alipay_plus" => [
                misplaced("success_codes", !e.success_codes.is_empty()),
                misplaced("error_body", e.error_body.is_some()),
                misplaced("code_field", e.code_field.is_some()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            "http_status" => misplaced("success_codes", !e.success_codes.is_empty()).into_iter().collect(),
            other => {
                let hint = did_you_mean(other, ["line_pay", "alipay_plus", "http_status"]);
                self.err(
                    file,
                    kind.pos,
                    format!("unknown envelope kind `{other}`{hint}; expected line_pay, alipay_plus or http_status"),
                );
                return None;
            }
        };
        let had_problems = !problems.is_empty();
        for p in problems {
            self.err(file, e.pos, p);
        }
        match kind.value.as_str() {
            "line_pay" => {
                if e.success_codes.is_empty() {
                    self.err(file, e.pos, "envelope kind `line_pay` needs `success_codes` (LINE Pay uses [\"0000\"])");
                    return None;
                }
                for c in &e.success_codes {
                    if self.codes.contains_key(c.value.as_str()) {
                        self.err(file, c.pos, format!("`{}` is both a success code and an error code", c.value));
                    }
                }
                (!had_problems).then(|| Envelope::LinePay {
                    success_codes: e.success_codes.iter().map(|c| c.value.clone()).collect(),
                })
            }
            "alipay_plus" => (!had_problems).then_some(Envelope::AlipayPlus),
            _ => {
                let (Some(body), Some(field)) = (&e.error_body, &e.code_field) else {
                    self.err(file, e.pos, "envelope kind `http_status` needs `error_body` (a struct type) and `code_field` (its field holding the code)");
                    return None;
                };
                let Some(symbol) = shared.get(&body.value) else {
                    let hint = did_you_mean(&body.value, shared.keys().map(String::as_str));
                    self.err(
                        file,
                        body.pos,
                        format!("`error_body` names `{}`, which is not a type in provider.yaml{hint}", body.value),
                    );
                    return None;
                };
                if symbol.kind != Some(NamedKind::Struct) {
                    self.err(file, body.pos, format!("`error_body` type `{}` must be a struct", body.value));
                    return None;
                }
                let fields = match shared_types.iter().find(|t| t.name == body.value).map(|t| &t.kind) {
                    Some(TypeKind::Struct(fields)) => &fields[..],
                    _ => &[],
                };
                let Some(code) = fields.iter().find(|f| f.wire_name == field.value) else {
                    let hint = did_you_mean(&field.value, fields.iter().map(|f| f.wire_name.as_str()));
                    self.err(
                        file,
                        field.pos,
                        format!("`code_field` `{}` is not a field of `{}`{hint}", field.value, body.value),
                    );
                    return None;
                };
                if code.ty != TypeRef::Primitive(Primitive::String) {
                    self.err(file, field.pos, format!("`code_field` `{}` must be of type string", field.value));
                }
                (!had_problems)
                    .then(|| Envelope::HttpStatus { error_body: body.value.clone(), code_field: field.value.clone() })
            }
        }
    }

    /// A code defined on its own: in provider.yaml, or only in one operation.
    fn code(&mut self, file: &File, c: &CodeAst, in_operation: bool) -> Option<Code> {
        let code = &c.code;
        if code.value.is_empty() || code.value.contains(char::is_whitespace) {
            self.err(file, code.pos, format!("code {:?} must be non-empty and without spaces", code.value));
        }
        if let Some(common) = c.common.as_ref().filter(|_| in_operation) {
            self.err(file, common.pos, "`common` belongs in provider.yaml, not in an operation");
        }
        let variant = match &c.name {
            Some(n) => self.camel_ident(file, &n.value, n.pos, "code name").then(|| n.value.clone()),
            None => {
                let derived = camel(&code.value);
                if derived.is_none() {
                    self.err(
                        file,
                        code.pos,
                        format!("code `{}` needs a `name`: the code itself does not make a Rust name", code.value),
                    );
                }
                derived
            }
        };
        if variant.as_deref() == Some("Unknown") {
            self.err(file, c.pos, "the name `Unknown` is reserved for codes the spec does not list; choose another");
        }
        if c.description.is_none() {
            self.err(file, c.pos, format!("code `{}` needs a `description` saying what it means", code.value));
        }
        let http_status = self.http_status(file, c);
        let category = c.category.as_ref().and_then(|cat| self.category(file, cat));
        let flags = self.flags(file, c);
        let written = self.error_status(file, c);
        // A base written before `result_status` existed: the status its facts imply.
        let derived = (self.base && self.has_result_status() && c.result_status.is_none())
            .then(|| if c.outcome_unknown == Some(true) { ResultStatus::Unknown } else { ResultStatus::Failed });
        let result_status = written.or(derived);
        let code = Code {
            code: code.value.clone(),
            variant: variant?,
            description: c.description.clone()?,
            retryable: c.retryable.unwrap_or(false),
            outcome_unknown: c.outcome_unknown.unwrap_or(false),
            http_status,
            category,
            result_status,
            classifications: self.classifications.iter().filter(|n| flags.contains(n.as_str())).cloned().collect(),
            loc: loc(file, c.pos),
        };
        self.status_agrees(file, c, &code);
        Some(code)
    }

    /// Whether the provider's envelope carries a result status with every code (Alipay+).
    fn has_result_status(&self) -> bool {
        self.envelope_kind == Some("alipay_plus")
    }

    /// An error code's `result_status`: required (`F` or `U`) where the envelope has one, refused
    /// elsewhere.
    fn error_status(&mut self, file: &File, c: &CodeAst) -> Option<ResultStatus> {
        // A missing one is reported by `status_agrees`; an operation's facts inherit the provider's.
        let written = c.result_status.as_ref()?;
        if !self.has_result_status() {
            self.err(file, written.pos, "`result_status` applies only to the alipay_plus envelope; remove it");
            return None;
        }
        let status = self.one_of(file, written, "result_status", ResultStatus::ALL)?;
        if status.answers() {
            self.err(
                file,
                written.pos,
                format!(
                    "code `{}` has result_status {}, which answers the call: list it under the operation's `success_codes` instead",
                    c.code.value, written.value
                ),
            );
            return None;
        }
        Some(status)
    }

    /// Alipay+: every error code states its status, and `U` is exactly what `outcome_unknown` says.
    fn status_agrees(&mut self, file: &File, c: &CodeAst, code: &Code) {
        if !self.has_result_status() {
            return;
        }
        match code.result_status {
            None if c.result_status.is_none() => self.err(
                file,
                c.pos,
                format!(
                    "code `{}` needs `result_status` (F or U): Alipay+ documents the status each code comes with",
                    code.code
                ),
            ),
            Some(ResultStatus::Unknown) if !code.outcome_unknown => self.err(
                file,
                c.pos,
                format!("code `{}` has result_status U, so its outcome is unknown: add `outcome_unknown: true`", code.code),
            ),
            Some(ResultStatus::Failed) if code.outcome_unknown => self.err(
                file,
                c.pos,
                format!(
                    "code `{}` is `outcome_unknown` but has result_status F, a final failure; an outcome_unknown code must be U",
                    code.code
                ),
            ),
            _ => {}
        }
    }

    /// An operation's facts added to a provider code. `None` when the provider code itself did not
    /// resolve (already reported).
    fn extended_code(&mut self, file: &File, c: &CodeAst, base: &ProviderCode) -> Option<Code> {
        if let Some(name) = &c.name {
            if base.ast.name.as_ref().is_none_or(|n| n.value != name.value) {
                self.err(
                    file,
                    name.pos,
                    format!(
                        "code `{}` is named in provider.yaml; an operation may add facts to it but not rename it",
                        c.code.value
                    ),
                );
            }
        }
        if let Some(common) = &c.common {
            self.err(file, common.pos, "`common` belongs in provider.yaml, not in an operation");
        }
        let http_status = self.http_status(file, c);
        let category = c.category.as_ref().and_then(|cat| self.category(file, cat));
        let flags = self.flags(file, c);
        let result_status = self.error_status(file, c);
        let mut code = base.code.clone()?;
        code.result_status = result_status.or(code.result_status);
        if let Some(d) = &c.description {
            code.description = d.clone();
        }
        code.retryable = c.retryable.unwrap_or(code.retryable);
        code.outcome_unknown = c.outcome_unknown.unwrap_or(code.outcome_unknown);
        code.http_status = http_status.or(code.http_status);
        code.category = category.or(code.category);
        // A classification the provider gives a code stays; the operation can only add more.
        code.classifications = self
            .classifications
            .iter()
            .filter(|n| flags.contains(n.as_str()) || code.classifications.contains(*n))
            .cloned()
            .collect();
        code.loc = loc(file, c.pos);
        if code.result_status.is_some() {
            self.status_agrees(file, c, &code);
        }
        Some(code)
    }

    fn http_status(&mut self, file: &File, c: &CodeAst) -> Option<u16> {
        let s = c.http_status.as_ref()?;
        match u16::try_from(s.value).ok().filter(|s| (100..=599).contains(s)) {
            Some(status) => Some(status),
            None => {
                self.err(file, s.pos, format!("http_status {} is not an HTTP status (100 to 599)", s.value));
                None
            }
        }
    }

    fn category(&mut self, file: &File, cat: &Spanned<String>) -> Option<Category> {
        let found = self.categories.iter().find(|c| c.name == cat.value).cloned();
        if found.is_none() {
            let hint = did_you_mean(&cat.value, self.categories.iter().map(|c| c.name.as_str()));
            self.err(
                file,
                cat.pos,
                format!("category `{}` is not declared under `categories` in provider.yaml{hint}", cat.value),
            );
        }
        found
    }

    /// The classifications a code turns on; undeclared ones are reported.
    fn flags<'c>(&mut self, file: &File, c: &'c CodeAst) -> BTreeSet<&'c str> {
        let mut on = BTreeSet::new();
        for (name, flag) in &c.flags {
            if !self.classifications.contains(&name.value) {
                let known: Vec<&str> =
                    CODE_KEYS_RESERVED.iter().copied().chain(self.classifications.iter().map(String::as_str)).collect();
                let hint = did_you_mean(&name.value, known.iter().copied());
                self.err(
                    file,
                    name.pos,
                    format!("`{}` is not a code key or a classification declared in provider.yaml{hint}", name.value),
                );
            } else if *flag {
                on.insert(name.value.as_str());
            }
        }
        on
    }

    pub(super) fn success_codes(
        &mut self,
        file: &File,
        list: &[SuccessCodeAst],
        envelope: Option<&Envelope>,
    ) -> Vec<SuccessCode> {
        let provider_codes = match envelope {
            Some(Envelope::LinePay { success_codes }) => success_codes.clone(),
            _ => Vec::new(),
        };
        let alipay_plus = matches!(envelope, Some(Envelope::AlipayPlus));
        let mut seen: HashMap<String, Pos> = HashMap::new();
        let mut out = Vec::new();
        for s in list {
            if provider_codes.contains(&s.code.value) {
                self.err(file, s.code.pos, format!("`{}` is already a success code of the provider", s.code.value));
            }
            let Some(name) = &s.name else { continue };
            if !self.camel_ident(file, &name.value, name.pos, "success code name") {
                continue;
            }
            if name.value == "Other" {
                self.err(file, name.pos, "the name `Other` is reserved for the provider's own success codes");
                continue;
            }
            for (key, pos) in
                [(format!("name {}", name.value), name.pos), (format!("code {}", s.code.value), s.code.pos)]
            {
                if let Some(first) = seen.insert(key.clone(), pos) {
                    self.err(file, pos, format!("success code {key} is listed twice (first at line {})", first.line));
                }
            }
            let result_status = match (&s.result_status, alipay_plus) {
                (Some(written), true) => {
                    let status = self.one_of(file, written, "result_status", ResultStatus::ALL);
                    if status.is_some_and(|st| !st.answers()) {
                        self.err(
                            file,
                            written.pos,
                            format!(
                                "success code `{}` has result_status {}, which does not answer the call; a success code is S or A, an error code goes under `codes`",
                                s.code.value, written.value
                            ),
                        );
                    }
                    status
                }
                (None, true) => {
                    self.err(
                        file,
                        s.pos,
                        format!(
                            "success code `{}` needs `result_status` (S or A) under the alipay_plus envelope",
                            s.code.value
                        ),
                    );
                    None
                }
                (Some(written), false) => {
                    self.err(file, written.pos, "`result_status` applies only to the alipay_plus envelope; remove it");
                    None
                }
                (None, false) => None,
            };
            out.push(SuccessCode {
                code: s.code.value.clone(),
                variant: name.value.clone(),
                description: s.description.clone().unwrap_or_default(),
                result_status,
                loc: loc(file, s.pos),
            });
        }
        out
    }

    /// The operation's codes in spec order, then the provider's common codes.
    pub(super) fn operation_codes(&mut self, op: &OperationFile) -> Vec<Code> {
        let file = &op.file;
        let mut out: Vec<Code> = Vec::new();
        let mut seen: HashMap<String, Pos> = HashMap::new();
        for entry in &op.codes {
            let (code, pos) = match entry {
                CodeEntry::Ref(c) => (&c.value, c.pos),
                CodeEntry::Def(c) => (&c.code.value, c.code.pos),
            };
            if let Some(first) = seen.insert(code.clone(), pos) {
                self.err(file, pos, format!("code `{code}` is listed twice (first at line {})", first.line));
                continue;
            }
            let base = self.codes.get(code.as_str()).cloned();
            if base.as_ref().is_some_and(|b| b.ast.common.as_ref().is_some_and(|c| c.value)) {
                self.err(
                    file,
                    pos,
                    format!("code `{code}` is common to every operation of the provider; remove it from this list"),
                );
                continue;
            }
            let resolved = match (entry, &base) {
                (CodeEntry::Ref(_), Some(b)) => b.code.clone(),
                (CodeEntry::Ref(c), None) => {
                    let hint = did_you_mean(code, self.codes.keys().copied());
                    self.err(file, c.pos, format!(
                        "code `{code}` is not defined in provider.yaml{hint}; define it there or give it a name and description here"
                    ));
                    None
                }
                (CodeEntry::Def(c), Some(b)) => self.extended_code(file, c, b),
                (CodeEntry::Def(c), None) => self.code(file, c, true),
            };
            out.extend(resolved);
        }
        out.extend(self.common_codes());
        let mut variants: HashMap<&str, &Code> = HashMap::new();
        for c in &out {
            if let Some(first) = variants.insert(&c.variant, c) {
                self.diags.error(
                    file,
                    Pos { line: c.loc.line, col: 1 },
                    format!(
                        "codes `{}` and `{}` both take the name `{}` in this operation's error enum",
                        first.code, c.code, c.variant
                    ),
                );
            }
        }
        out
    }
}
