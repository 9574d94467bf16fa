//! An operation's documented `examples`: the JSON parses, each part fits the operation, every known
//! difference points into the documented JSON. Whether a request decodes into its type is left to the
//! generated tests, which run the generated code itself rather than a second reading of the types.

use std::collections::HashMap;

use super::{ProviderResolver, loc};
use crate::ast::{ExampleAst, JsonAst, KnownDifferenceAst, Spanned};
use crate::model::{
    Code, Envelope, Example, ExampleExpectation, ExampleJson, Field, File, PathSegment, Primitive, TypeRef,
};
use crate::yaml::Pos;

/// What an operation offers its examples to be checked against.
pub(super) struct ExampleTarget<'o> {
    pub path_segments: &'o [PathSegment],
    pub path_params: &'o [Field],
    pub has_query: bool,
    pub request: Option<&'o TypeRef>,
    pub codes: &'o [Code],
    pub envelope: Option<&'o Envelope>,
    pub success_status: u16,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Query,
    Request,
    Response,
}

impl ProviderResolver<'_> {
    pub(super) fn examples(
        &mut self,
        file: &File,
        examples: &[ExampleAst],
        target: &ExampleTarget<'_>,
    ) -> Vec<Example> {
        let mut seen: HashMap<&str, u32> = HashMap::new();
        let mut out = Vec::new();
        for ex in examples {
            let before = self.diags.len();
            if let Some(name) = &ex.name {
                if self.snake_ident(file, name, "example name") {
                    if let Some(first) = seen.insert(&name.value, name.pos.line) {
                        self.err(
                            file,
                            name.pos,
                            format!("example `{}` is already defined at line {first}; names must differ", name.value),
                        );
                    }
                }
            }
            if ex.request.is_none() && ex.response.is_none() && ex.query.is_none() {
                self.err(file, ex.pos, "an example needs a `query`, a `request` or a `response`");
            }
            if let (Some(q), false) = (&ex.query, target.has_query) {
                self.err(file, q.start, "the example has a `query`, but the operation has no query parameters");
            }
            let path = self.example_path(file, ex, target);
            if let (Some(_), None) = (&ex.request, target.request) {
                self.err(
                    file,
                    ex.request_pos(),
                    "the example has a `request`, but the operation has no `request` type",
                );
            }
            let query = ex.query.as_ref().and_then(|j| self.json(file, j, "query"));
            let request = ex.request.as_ref().and_then(|j| self.json(file, j, "request"));
            let response = ex.response.as_ref().and_then(|j| self.json(file, j, "response"));
            let status = self.example_status(file, ex, target);
            if let Some(code) = &ex.error {
                if ex.response.is_none() {
                    self.err(file, code.pos, "`error` names the code of the example's `response`; add the response");
                }
                if !target.codes.iter().any(|c| c.code == code.value) {
                    self.err(
                        file,
                        code.pos,
                        format!("`error`: `{}` is not one of the operation's codes; list it under `codes`", code.value),
                    );
                }
            }
            let mut differences: Vec<(Part, String, String)> = Vec::new();
            for d in &ex.known_differences {
                if let Some((part, path)) = self.known_difference(file, d, ex, [&query, &request, &response]) {
                    differences.push((part, path, d.reason.clone().unwrap_or_default()));
                }
            }
            let failure = ex.expected_failure.as_ref().and_then(|f| {
                let part = self.part(file, f.part.as_ref()?, ex)?;
                if ex.error.is_some() && part == Part::Response {
                    self.err(file, f.pos, "an error answer is not decoded into a type, so it cannot fail to decode");
                }
                if differences.iter().any(|(p, _, _)| *p == part) {
                    self.err(file, f.pos, "a part that is expected to fail has no re-encoding to differ; remove one");
                }
                Some((part, f.reason.clone()?))
            });
            if self.diags.len() > before {
                continue;
            }
            let json = |part: Part, text: Option<&JsonAst>| {
                let text = text?.text.clone();
                let expect = match &failure {
                    Some((p, reason)) if *p == part => ExampleExpectation::Refused { reason: reason.clone() },
                    _ => ExampleExpectation::RoundTrip {
                        known_differences: differences
                            .iter()
                            .filter(|(p, _, _)| *p == part)
                            .map(|(_, path, reason)| (path.clone(), reason.clone()))
                            .collect(),
                    },
                };
                Some(ExampleJson { text, expect })
            };
            let (Some(name), Some(status)) = (&ex.name, status) else { continue };
            out.push(Example {
                name: name.value.clone(),
                description: ex.description.clone(),
                sources: ex.sources.clone(),
                loc: loc(file, ex.pos),
                path,
                query: json(Part::Query, ex.query.as_ref()),
                request: json(Part::Request, ex.request.as_ref()),
                response: json(Part::Response, ex.response.as_ref()),
                status,
                error: ex.error.as_ref().map(|c| c.value.clone()),
            });
        }
        out
    }

    /// Parses documented JSON; an error points at its line in the spec file.
    fn json(&mut self, file: &File, json: &JsonAst, what: &str) -> Option<serde_json::Value> {
        match serde_json::from_str::<serde_json::Value>(&json.text) {
            Ok(value @ serde_json::Value::Object(_)) => Some(value),
            Ok(_) => {
                self.err(file, json.start, format!("the example's `{what}` must be a JSON object"));
                None
            }
            Err(e) => {
                let line = json.start.line + u32::try_from(e.line().saturating_sub(1)).unwrap_or(0);
                let col = match (json.block, e.line()) {
                    (true, _) => json.start.col + u32::try_from(e.column().saturating_sub(1)).unwrap_or(0),
                    (false, 1) => json.start.col,
                    (false, _) => 1,
                };
                self.err(
                    file,
                    Pos { line, col },
                    format!("the example's `{what}` is not valid JSON: {e} (line and column within the JSON)"),
                );
                None
            }
        }
    }

    fn example_status(&mut self, file: &File, ex: &ExampleAst, target: &ExampleTarget<'_>) -> Option<u16> {
        let http_status = matches!(target.envelope, Some(Envelope::HttpStatus { .. }));
        let Some(status) = &ex.status else {
            if http_status && ex.error.is_some() {
                self.err(file, ex.pos, "an error answer of the http_status envelope needs its `status` (4xx or 5xx)");
                return None;
            }
            return Some(target.success_status);
        };
        if !http_status {
            self.err(file, status.pos, "`status` applies only to the http_status envelope; the others answer 200");
            return None;
        }
        let Some(value) = u16::try_from(status.value).ok().filter(|s| (200..600).contains(s)) else {
            self.err(file, status.pos, format!("`status` {} is not an HTTP status from 200 to 599", status.value));
            return None;
        };
        let success = (200..300).contains(&value);
        if success == ex.error.is_some() {
            let message = if success {
                "an error answer comes with a 4xx or 5xx `status`"
            } else {
                "a `status` outside 2xx is an error answer: name its code with `error`"
            };
            self.err(file, status.pos, message);
            return None;
        }
        Some(value)
    }

    fn part(&mut self, file: &File, part: &Spanned<String>, ex: &ExampleAst) -> Option<Part> {
        let (found, present) = match part.value.as_str() {
            "query" => (Part::Query, ex.query.is_some()),
            "request" => (Part::Request, ex.request.is_some()),
            "response" => (Part::Response, ex.response.is_some()),
            other => {
                self.err(file, part.pos, format!("unknown part `{other}`; expected `query`, `request` or `response`"));
                return None;
            }
        };
        if !present {
            self.err(file, part.pos, format!("the example has no `{}`", part.value));
            return None;
        }
        Some(found)
    }

    fn known_difference(
        &mut self,
        file: &File,
        d: &KnownDifferenceAst,
        ex: &ExampleAst,
        [query, request, response]: [&Option<serde_json::Value>; 3],
    ) -> Option<(Part, String)> {
        let part = self.part(file, d.part.as_ref()?, ex)?;
        if part == Part::Response && ex.error.is_some() {
            self.err(file, d.pos, "an error answer is not re-encoded, so it has no differences");
            return None;
        }
        let path = d.path.as_ref()?;
        let documented = match part {
            Part::Query => query.as_ref()?,
            Part::Request => request.as_ref()?,
            Part::Response => response.as_ref()?,
        };
        // A payload's path: LINE Pay's `info` is what the response type re-encodes.
        let root = match (part, documented.get("info")) {
            (Part::Response, Some(info)) if ex.error.is_none() && self.envelope_kind == Some("line_pay") => info,
            _ => documented,
        };
        if lookup(root, &path.value).is_none() {
            self.err(
                file,
                path.pos,
                format!(
                    "`path`: `{}` is not in the documented {}{}",
                    path.value,
                    if root == documented { "JSON" } else { "`info`" },
                    "; write members with `.` and list items with `[0]`, e.g. `payInfo[0].amount`"
                ),
            );
            return None;
        }
        Some((part, path.value.clone()))
    }
}

impl ProviderResolver<'_> {
    /// The documented path parameters: every one of the operation's, each a value its test can put
    /// into the path unencoded, so that the expected path is the template filled in.
    fn example_path(
        &mut self,
        file: &File,
        ex: &ExampleAst,
        target: &ExampleTarget<'_>,
    ) -> Option<(Vec<String>, String)> {
        if ex.path_params.is_empty() {
            return None;
        }
        let mut values = Vec::new();
        let mut ok = true;
        for (name, value) in &ex.path_params {
            let Some(param) = target.path_params.iter().find(|p| p.wire_name == name.value) else {
                let hint =
                    crate::diag::did_you_mean(&name.value, target.path_params.iter().map(|p| p.wire_name.as_str()));
                self.err(
                    file,
                    name.pos,
                    format!("`path_params`: the operation has no path parameter `{}`{hint}", name.value),
                );
                ok = false;
                continue;
            };
            let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
            let integer = matches!(param.ty, TypeRef::Primitive(Primitive::Integer));
            if value.value.is_empty()
                || !value.value.chars().all(unreserved)
                || (integer && value.value.parse::<i64>().is_err())
            {
                self.err(
                    file,
                    value.pos,
                    format!(
                        "`path_params`: `{}` must be {}",
                        value.value,
                        if integer {
                            "an integer"
                        } else {
                            "letters, digits, `-`, `.`, `_` or `~` (what a path carries unencoded)"
                        }
                    ),
                );
                ok = false;
            }
            values.push((name.value.as_str(), value.value.clone()));
        }
        let missing: Vec<&str> = target
            .path_params
            .iter()
            .map(|p| p.wire_name.as_str())
            .filter(|w| !values.iter().any(|(n, _)| n == w))
            .collect();
        if !missing.is_empty() {
            self.err(file, ex.pos, format!("`path_params` lacks {}; give every path parameter", missing.join(", ")));
            ok = false;
        }
        if !ok {
            return None;
        }
        let ordered: Vec<String> = target
            .path_params
            .iter()
            .filter_map(|p| values.iter().find(|(n, _)| *n == p.wire_name).map(|(_, v)| v.clone()))
            .collect();
        let path = target
            .path_segments
            .iter()
            .map(|s| match s {
                PathSegment::Literal(text) => text.clone(),
                PathSegment::Param(i) => ordered[*i].clone(),
            })
            .collect();
        Some((ordered, path))
    }
}

impl ExampleAst {
    fn request_pos(&self) -> Pos {
        self.request.as_ref().map_or(self.pos, |j| j.start)
    }
}

/// The value at a path written `a.b[0].c`; `None` when any step is missing.
fn lookup<'v>(root: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    let mut at = root;
    for step in path.split('.') {
        let (name, indices) = match step.find('[') {
            Some(i) => (&step[..i], &step[i..]),
            None => (step, ""),
        };
        if !name.is_empty() {
            at = at.as_object()?.get(name)?;
        }
        let mut rest = indices;
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, after) = inner.split_once(']')?;
            at = at.as_array()?.get(index.parse::<usize>().ok()?)?;
            rest = after;
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(at)
}
