//! Path templates: `/v3/payments/{transactionId}/refund` into literal and parameter segments, each
//! parameter declared once under `path_params`.

use super::ProviderResolver;
use super::types::{FieldPlace, TypeScope};
use crate::ast::*;
use crate::model::*;

impl ProviderResolver<'_> {
    /// The path template as segments, and its parameters in path order.
    pub(super) fn path(
        &mut self,
        file: &File,
        path: &Spanned<String>,
        params: &[FieldAst],
        scope: &TypeScope<'_>,
    ) -> (Vec<PathSegment>, Vec<Field>) {
        if !path.value.starts_with('/') || path.value.contains(['?', '#', ' ']) {
            self.err(
                file,
                path.pos,
                format!("path `{}` must start with `/` and hold no query, fragment or spaces", path.value),
            );
        }
        let mut segments = Vec::new();
        let mut order: Vec<&str> = Vec::new();
        let mut rest = path.value.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.err(file, path.pos, "path has a `{` without its `}`");
                break;
            };
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params.iter().position(|p| p.name.value == name) {
                Some(i) => {
                    if order.contains(&name) {
                        self.err(file, path.pos, format!("path parameter `{name}` appears twice in the path"));
                    }
                    order.push(name);
                    segments.push(PathSegment::Param(i));
                }
                None => {
                    self.err(file, path.pos, format!("path parameter `{{{name}}}` is not declared under `path_params`"))
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        for p in params {
            if !order.contains(&p.name.value.as_str()) {
                self.err(file, p.name.pos, format!("path parameter `{}` does not appear in the path", p.name.value));
            }
        }
        // Keep params in path order; segments index into that order.
        let fields = self.fields(file, params, scope, FieldPlace::Path);
        let reorder: Vec<usize> = order.iter().filter_map(|n| fields.iter().position(|f| f.wire_name == *n)).collect();
        let fields_in_order: Vec<Field> = reorder.iter().map(|&i| fields[i].clone()).collect();
        let segments = segments
            .into_iter()
            .map(|s| match s {
                PathSegment::Param(i) => {
                    let name = &params[i].name.value;
                    PathSegment::Param(fields_in_order.iter().position(|f| &f.wire_name == name).unwrap_or(i))
                }
                lit => lit,
            })
            .collect();
        (segments, fields_in_order)
    }
}
