//! Spec diffs for review: compares two resolved models (not YAML text) and says what each change
//! means for the crate's users, and which semver bump the crate needs.
//!
//! Severity follows Rust semver on the generated API (structs are `#[non_exhaustive]` with
//! `new(required fields)`, enums are `#[non_exhaustive]` with `Unknown`):
//! - major: valid caller code stops compiling, or valid calls start failing: an operation, field,
//!   enum value or code removed; a type, required flag or path parameter changed; a required field
//!   added; a request limit tightened; the auth scheme or envelope changed.
//! - minor: additions (operations, optional fields, enum values, codes) and behaviour that callers
//!   may observe without breaking (a code reclassified, a method, base URL or money effect changed).
//! - patch: documentation, loosened request limits, limits on response fields, timeouts, defaults.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Value, json};

use crate::model::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// Whose code a change reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// Code that builds requests.
    Requests,
    /// Code that reads responses.
    Responses,
    /// Code that matches errors.
    Errors,
    /// Every caller of the operation or provider.
    Callers,
    /// Code that receives the provider's notifications.
    Receivers,
    /// Nobody's code: documentation only.
    Docs,
}

impl Side {
    pub fn describe(self) -> &'static str {
        match self {
            Side::Requests => "code that builds requests",
            Side::Responses => "code that reads responses",
            Side::Errors => "code that matches errors",
            Side::Callers => "every caller",
            Side::Receivers => "code that receives notifications",
            Side::Docs => "documentation only",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Side::Requests => "requests",
            Side::Responses => "responses",
            Side::Errors => "errors",
            Side::Callers => "callers",
            Side::Receivers => "receivers",
            Side::Docs => "docs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub bump: Bump,
    pub side: Side,
    pub provider: String,
    /// The operations concerned; empty for provider-wide changes.
    pub operations: Vec<String>,
    /// What changed: `CaptureRequest.orderId`, `code 1184`, `Currency = KRW`, `path`.
    pub item: String,
    /// The kind of change: `field added`, `limit tightened`, ...
    pub change: String,
    /// Old and new values, in a few words.
    pub detail: String,
    /// Where to look: the new spec, or the base one for removals.
    pub loc: Loc,
}

/// Every finding, most severe first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    /// The bump the crate needs; `None` when nothing changed.
    pub fn verdict(&self) -> Option<Bump> {
        self.findings.iter().map(|f| f.bump).max()
    }

    /// One sentence explaining the verdict.
    pub fn reason(&self) -> String {
        let Some(verdict) = self.verdict() else { return "the specs mean the same as before".into() };
        let top: Vec<&Finding> = self.findings.iter().filter(|f| f.bump == verdict).collect();
        let sides: BTreeSet<&str> = top.iter().map(|f| f.side.describe()).collect();
        let sides = sides.into_iter().collect::<Vec<_>>().join(" and ");
        let n = top.len();
        let (changes, verb) = if n == 1 { ("change", "s") } else { ("changes", "") };
        match verdict {
            Bump::Major => format!("{n} {changes} break{verb} {sides}"),
            Bump::Minor => format!("nothing breaks; {n} {changes} add{verb} to what {sides} can use"),
            Bump::Patch => format!("nothing breaks or is added; {n} {changes} to limits or documentation"),
        }
    }

    pub fn is_breaking(&self) -> bool {
        self.verdict() == Some(Bump::Major)
    }

    pub fn to_text(&self) -> String {
        let Some(verdict) = self.verdict() else { return "no changes: the specs mean the same as before\n".into() };
        let mut out = format!("{verdict}: {}\n", self.reason());
        for f in &self.findings {
            out.push_str(&format!(
                "{:<5}  {:<9}  {}  {}: {}  ({})\n",
                f.bump.to_string(),
                f.side.key(),
                where_(f),
                f.change,
                f.detail,
                f.loc
            ));
        }
        out
    }

    pub fn to_markdown(&self, changed_files: &[String]) -> String {
        let Some(verdict) = self.verdict() else {
            return "**No changes**: the specs mean the same as before.\n".into();
        };
        let mut out = format!("**Verdict: {verdict}** ({}).\n\n", self.reason());
        out.push_str("| bump | for | where | change | detail | spec |\n|---|---|---|---|---|---|\n");
        for f in &self.findings {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | `{}` |\n",
                f.bump,
                f.side.describe(),
                cell(&where_(f)),
                cell(&f.change),
                cell(&f.detail),
                f.loc
            ));
        }
        if !changed_files.is_empty() {
            out.push_str(&format!(
                "\n<details><summary>Changed generated files ({})</summary>\n\n",
                changed_files.len()
            ));
            for file in changed_files {
                out.push_str(&format!("- `{file}`\n"));
            }
            out.push_str("\n</details>\n");
        }
        out
    }

    pub fn to_json(&self, changed_files: &[String]) -> Value {
        json!({
            "verdict": self.verdict().map(|v| v.to_string()),
            "reason": self.reason(),
            "findings": self.findings.iter().map(|f| json!({
                "bump": f.bump.to_string(),
                "for": f.side.key(),
                "provider": f.provider,
                "operations": f.operations,
                "item": f.item,
                "change": f.change,
                "detail": f.detail,
                "file": &*f.loc.file,
                "line": f.loc.line,
            })).collect::<Vec<_>>(),
            "changed_files": changed_files,
        })
    }
}

fn where_(f: &Finding) -> String {
    let mut parts = vec![f.provider.clone()];
    if !f.operations.is_empty() {
        parts.push(f.operations.join(", "));
    }
    parts.push(f.item.clone());
    parts.join(" / ")
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Compares `old` (the base) with `new` (the change).
pub fn diff(old: &Model, new: &Model) -> Report {
    let mut d = Differ::default();
    let olds: BTreeMap<&str, &Provider> = old.providers.iter().map(|p| (p.name.as_str(), p)).collect();
    let news: BTreeMap<&str, &Provider> = new.providers.iter().map(|p| (p.name.as_str(), p)).collect();
    for (name, o) in &olds {
        match news.get(name) {
            Some(n) => d.provider(o, n),
            None => d.push(Bump::Major, Side::Callers, name, &[], "provider", "provider removed", &o.title, &o.loc),
        }
    }
    for (name, n) in &news {
        if !olds.contains_key(name) {
            d.push(Bump::Minor, Side::Callers, name, &[], "provider", "provider added", &n.title, &n.loc);
        }
    }
    d.finish()
}

#[derive(Default)]
struct Differ {
    findings: Vec<Finding>,
}

impl Differ {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        bump: Bump,
        side: Side,
        provider: &str,
        ops: &[String],
        item: &str,
        change: &str,
        detail: &str,
        loc: &Loc,
    ) {
        self.findings.push(Finding {
            bump,
            side,
            provider: provider.to_owned(),
            operations: ops.to_vec(),
            item: item.to_owned(),
            change: change.to_owned(),
            detail: detail.to_owned(),
            loc: loc.clone(),
        });
    }

    /// Most severe first; the same change reported for several operations becomes one finding.
    fn finish(self) -> Report {
        let mut merged: BTreeMap<(Bump, Side, String, String, String, String), Finding> = BTreeMap::new();
        for f in self.findings {
            let key = (f.bump, f.side, f.provider.clone(), f.item.clone(), f.change.clone(), f.detail.clone());
            match merged.get_mut(&key) {
                Some(existing) => {
                    existing.operations.extend(f.operations);
                    existing.operations.sort();
                    existing.operations.dedup();
                }
                None => {
                    merged.insert(key, f);
                }
            }
        }
        let mut findings: Vec<Finding> = merged.into_values().collect();
        findings.sort_by(|a, b| b.bump.cmp(&a.bump).then_with(|| a.side.cmp(&b.side)).then_with(|| a.cmp(b)));
        Report { findings }
    }

    fn provider(&mut self, o: &Provider, n: &Provider) {
        let p = n.name.as_str();
        if o.auth != n.auth {
            let detail = format!("{} -> {}", o.auth.spec_name(), n.auth.spec_name());
            self.push(Bump::Major, Side::Callers, p, &[], "auth", "auth scheme changed", &detail, &n.loc);
        }
        if o.envelope != n.envelope {
            self.push(
                Bump::Major,
                Side::Callers,
                p,
                &[],
                "envelope",
                "envelope changed",
                &format!("{:?} -> {:?}", o.envelope, n.envelope),
                &n.loc,
            );
        }
        let urls = |ps: &Provider| {
            ps.base_urls.iter().map(|u| (u.environment.clone(), u.url.clone())).collect::<BTreeMap<_, _>>()
        };
        let (ou, nu) = (urls(o), urls(n));
        for (env, url) in &ou {
            match nu.get(env) {
                None => self.push(
                    Bump::Major,
                    Side::Callers,
                    p,
                    &[],
                    &format!("base URL {env}"),
                    "base URL removed",
                    url,
                    &n.loc,
                ),
                Some(new) if new != url => self.push(
                    Bump::Minor,
                    Side::Callers,
                    p,
                    &[],
                    &format!("base URL {env}"),
                    "base URL changed",
                    &format!("{url} -> {new}"),
                    &n.loc,
                ),
                _ => {}
            }
        }
        for (env, url) in nu.iter().filter(|(e, _)| !ou.contains_key(*e)) {
            self.push(Bump::Minor, Side::Callers, p, &[], &format!("base URL {env}"), "base URL added", url, &n.loc);
        }
        let classifications = |p: &Provider| p.classifications.iter().map(|d| d.name.clone()).collect::<BTreeSet<_>>();
        let categories = |p: &Provider| p.categories.iter().map(|c| c.name.clone()).collect::<BTreeSet<_>>();
        for (kind, old_names, new_names) in
            [("classification", classifications(o), classifications(n)), ("category", categories(o), categories(n))]
        {
            for gone in old_names.difference(&new_names) {
                self.push(
                    Bump::Major,
                    Side::Errors,
                    p,
                    &[],
                    &format!("{kind} {gone}"),
                    &format!("{kind} removed"),
                    "its method is gone",
                    &n.loc,
                );
            }
            for added in new_names.difference(&old_names) {
                self.push(
                    Bump::Minor,
                    Side::Errors,
                    p,
                    &[],
                    &format!("{kind} {added}"),
                    &format!("{kind} added"),
                    "a new method on error enums",
                    &n.loc,
                );
            }
        }

        let oops: BTreeMap<&str, &Operation> = o.operations.iter().map(|op| (op.name.as_str(), op)).collect();
        let nops: BTreeMap<&str, &Operation> = n.operations.iter().map(|op| (op.name.as_str(), op)).collect();
        for (name, op) in &oops {
            match nops.get(name) {
                Some(new_op) => self.operation(p, op, new_op),
                None => {
                    let ops = [name.to_string()];
                    self.push(
                        Bump::Major,
                        Side::Callers,
                        p,
                        &ops,
                        "operation",
                        "operation removed",
                        &format!("{} {}", op.method.as_str(), op.path),
                        &op.loc,
                    )
                }
            }
        }
        for (name, op) in &nops {
            if !oops.contains_key(name) {
                let ops = [name.to_string()];
                self.push(
                    Bump::Minor,
                    Side::Callers,
                    p,
                    &ops,
                    "operation",
                    "operation added",
                    &format!("{} {}", op.method.as_str(), op.path),
                    &op.loc,
                );
            }
        }
        self.types(p, &o.types, &n.types);
        self.notifications(p, &o.notifications, &n.notifications);
    }

    /// Notifications: a receiver method or event variant removed, or a changed key, method, payload or
    /// auth, breaks receiving code (major); additions are minor; an acknowledgement the provider sees
    /// differently is minor (receiving code is unchanged); summaries and triggers are documentation.
    fn notifications(&mut self, p: &str, old: &[Notification], new: &[Notification]) {
        let side = Side::Receivers;
        for o in old {
            let item = format!("notification {}", o.name);
            let Some(n) = new.iter().find(|n| n.name == o.name) else {
                self.push(
                    Bump::Major,
                    side,
                    p,
                    &[],
                    &item,
                    "notification removed",
                    "its receiver method is gone",
                    &o.loc,
                );
                continue;
            };
            let mut changed = |bump: Bump, change: &str, detail: String| {
                self.push(bump, side, p, &[], &item, change, &detail, &n.loc)
            };
            if o.method != n.method {
                changed(Bump::Major, "method changed", format!("{} -> {}", o.method.as_str(), n.method.as_str()));
            }
            if o.auth != n.auth {
                changed(Bump::Major, "auth changed", format!("{} -> {}", o.auth.spec_name(), n.auth.spec_name()));
            }
            if o.acknowledgement != n.acknowledgement {
                let detail = format!("{} -> {}", o.acknowledgement.spec_name(), n.acknowledgement.spec_name());
                changed(Bump::Minor, "acknowledgement changed", detail);
            }
            let keys = |x: &Notification| x.key.iter().map(|k| k.wire_path.join(".")).collect::<Vec<_>>().join(", ");
            if keys(o) != keys(n) {
                changed(
                    Bump::Major,
                    "key changed",
                    format!("[{}] -> [{}]: stored keys no longer match resends", keys(o), keys(n)),
                );
            }
            match (&o.payload, &n.payload) {
                (Payload::Body(a), Payload::Body(b)) if a == b => {}
                (Payload::Query(a), Payload::Query(b)) => {
                    for f in a {
                        match b.iter().find(|g| g.wire_name == f.wire_name) {
                            None => changed(Bump::Major, "query parameter removed", f.wire_name.clone()),
                            Some(g) if g.ty != f.ty || g.required != f.required => changed(
                                Bump::Major,
                                "query parameter changed",
                                format!("{}: {} -> {}", f.wire_name, describe_field(f), describe_field(g)),
                            ),
                            Some(_) => {}
                        }
                    }
                    for g in b.iter().filter(|g| !a.iter().any(|f| f.wire_name == g.wire_name)) {
                        let bump = if g.required { Bump::Major } else { Bump::Minor };
                        changed(bump, "query parameter added", format!("{}: {}", g.wire_name, describe_field(g)));
                    }
                }
                (a, b) => changed(
                    Bump::Major,
                    "payload changed",
                    format!("{} -> {}", describe_payload(a), describe_payload(b)),
                ),
            }
            let follow = |f: &Option<FollowUp>| f.as_ref().map(|f| f.operation.clone());
            match (follow(&o.follow_up), follow(&n.follow_up)) {
                (None, Some(b)) => changed(Bump::Minor, "follow-up added", b),
                (Some(a), None) => changed(Bump::Major, "follow-up removed", a),
                (Some(a), Some(b)) if a != b => changed(Bump::Major, "follow-up changed", format!("{a} -> {b}")),
                _ => {}
            }
            if o.summary != n.summary || o.description != n.description || o.triggers != n.triggers {
                self.push(
                    Bump::Patch,
                    Side::Docs,
                    p,
                    &[],
                    &item,
                    "documentation changed",
                    "summary, description or triggers",
                    &n.loc,
                );
            }
            self.events(p, &item, o.events.as_ref(), n.events.as_ref(), &n.loc);
        }
        for n in new.iter().filter(|n| !old.iter().any(|o| o.name == n.name)) {
            let item = format!("notification {}", n.name);
            self.push(
                Bump::Minor,
                side,
                p,
                &[],
                &item,
                "notification added",
                &format!("{} {}", n.method.as_str(), n.event_type),
                &n.loc,
            );
        }
    }

    fn events(&mut self, p: &str, item: &str, old: Option<&Events>, new: Option<&Events>, loc: &Loc) {
        let side = Side::Receivers;
        let values = |e: Option<&Events>| e.map(|e| e.values.clone()).unwrap_or_default();
        let (ov, nv) = (values(old), values(new));
        for o in &ov {
            let what = format!("{item} event {}", o.value);
            let Some(n) = nv.iter().find(|n| n.value == o.value) else {
                self.push(
                    Bump::Major,
                    side,
                    p,
                    &[],
                    &what,
                    "event removed",
                    &format!("variant {} is gone", o.variant),
                    &o.loc,
                );
                continue;
            };
            let object = |v: &EventValue| v.object.as_ref().map_or("json".to_owned(), |t| t.to_string());
            if o.variant != n.variant || object(o) != object(n) {
                let detail = format!("{}({}) -> {}({})", o.variant, object(o), n.variant, object(n));
                self.push(Bump::Major, side, p, &[], &what, "event changed", &detail, &n.loc);
            }
            let follow = |v: &EventValue| v.follow_up.as_ref().map(|f| f.operation.clone());
            match (follow(o), follow(n)) {
                (None, Some(b)) => self.push(Bump::Minor, side, p, &[], &what, "follow-up added", &b, &n.loc),
                (Some(a), None) => self.push(Bump::Major, side, p, &[], &what, "follow-up removed", &a, &n.loc),
                (Some(a), Some(b)) if a != b => {
                    self.push(Bump::Major, side, p, &[], &what, "follow-up changed", &format!("{a} -> {b}"), &n.loc)
                }
                _ => {}
            }
        }
        for n in nv.iter().filter(|n| !ov.iter().any(|o| o.value == n.value)) {
            let what = format!("{item} event {}", n.value);
            // The enum is non-exhaustive; the type decoded as Unknown before.
            let detail = format!("variant {}; decoded as Unknown before", n.variant);
            self.push(Bump::Minor, side, p, &[], &what, "event added", &detail, loc);
        }
    }

    fn operation(&mut self, p: &str, o: &Operation, n: &Operation) {
        let ops = [n.name.clone()];
        self.examples(p, &ops, o, n);
        if o.method != n.method {
            self.push(
                Bump::Minor,
                Side::Callers,
                p,
                &ops,
                "method",
                "method changed",
                &format!("{} -> {}", o.method.as_str(), n.method.as_str()),
                &n.loc,
            );
        }
        for (was, is) in o.path_params.iter().zip(&n.path_params).filter(|(a, b)| a.wire_name == b.wire_name) {
            if was.secret != is.secret {
                let detail = format!("{}: secret {} -> {}", is.wire_name, was.secret, is.secret);
                self.push(Bump::Patch, Side::Docs, p, &ops, "path parameters", "secret flag changed", &detail, &n.loc);
            }
        }
        let params =
            |op: &Operation| op.path_params.iter().map(|f| (f.wire_name.clone(), f.ty.to_string())).collect::<Vec<_>>();
        if params(o) != params(n) {
            self.push(
                Bump::Major,
                Side::Requests,
                p,
                &ops,
                "path parameters",
                "path parameters changed",
                &format!("{} -> {}", o.path, n.path),
                &n.loc,
            );
        } else if o.path != n.path {
            self.push(
                Bump::Minor,
                Side::Callers,
                p,
                &ops,
                "path",
                "path changed",
                &format!("{} -> {}", o.path, n.path),
                &n.loc,
            );
        }
        if o.idempotent != n.idempotent {
            self.push(
                Bump::Minor,
                Side::Callers,
                p,
                &ops,
                "idempotent",
                "retry safety changed",
                &format!("{} -> {}", o.idempotent, n.idempotent),
                &n.loc,
            );
        }
        if o.idempotency_key != n.idempotency_key {
            // The key is documentation and a new value in `Operation`/`Call::idempotency_key`: adding
            // one adds to what handlers can use (minor); removing one only stops documenting it (the
            // field stays, `idempotent` is judged on its own), so it is a patch.
            let show = |k: &Option<String>| k.clone().unwrap_or_else(|| "none".to_owned());
            let bump = if n.idempotency_key.is_some() { Bump::Minor } else { Bump::Patch };
            self.push(
                bump,
                Side::Callers,
                p,
                &ops,
                "idempotency_key",
                "idempotency key changed",
                &format!("{} -> {}", show(&o.idempotency_key), show(&n.idempotency_key)),
                &n.loc,
            );
        }
        if o.effect != n.effect {
            // The effect is a value in `Operation`/`Call::effect`, read by recovery handlers: adding,
            // changing or removing one changes which calls they look up, which callers observe (an
            // outcome settled or left unknown) without their code breaking, like a code reclassified.
            let show = |e: Option<Effect>| e.map_or("none", Effect::as_str);
            self.push(
                Bump::Minor,
                Side::Callers,
                p,
                &ops,
                "effect",
                "money effect changed",
                &format!("{} -> {}", show(o.effect), show(n.effect)),
                &n.loc,
            );
        }
        if o.success_status != n.success_status {
            // The client takes any 2xx as success: the status is documentation (and the OpenAPI export).
            self.push(
                Bump::Patch,
                Side::Docs,
                p,
                &ops,
                "success_status",
                "success status changed",
                &format!("{} -> {}", o.success_status, n.success_status),
                &n.loc,
            );
        }
        if o.timeout_seconds != n.timeout_seconds {
            let show = |t: Option<u64>| t.map_or("none".to_owned(), |t| format!("{t} s"));
            self.push(
                Bump::Patch,
                Side::Callers,
                p,
                &ops,
                "timeout",
                "recommended timeout changed",
                &format!("{} -> {}", show(o.timeout_seconds), show(n.timeout_seconds)),
                &n.loc,
            );
        }
        if o.summary != n.summary || o.description != n.description {
            self.push(Bump::Patch, Side::Docs, p, &ops, "description", "description changed", "operation docs", &n.loc);
        }
        for (what, ot, nt, side) in [
            ("request", &o.request, &n.request, Side::Requests),
            ("response", &o.response, &n.response, Side::Responses),
        ] {
            let show = |t: &Option<TypeRef>| t.as_ref().map_or("none".to_owned(), |t| t.to_string());
            if show(ot) != show(nt) {
                self.push(
                    Bump::Major,
                    side,
                    p,
                    &ops,
                    what,
                    &format!("{what} type changed"),
                    &format!("{} -> {}", show(ot), show(nt)),
                    &n.loc,
                );
            }
        }
        let query_usage =
            Usage { operations: ops.iter().cloned().collect(), requests: true, responses: false, ..Usage::default() };
        self.constraints(
            p,
            &ops,
            "query",
            (&o.query_constraints, &o.query),
            (&n.query_constraints, &n.query),
            &query_usage,
            &n.loc,
        );
        self.fields(p, &ops, "query", &o.query, &n.query, &query_usage, &query_usage, &n.loc);

        let oc: BTreeMap<String, &Code> = o.codes.iter().map(|c| (c.code.clone(), c)).collect();
        let nc: BTreeMap<String, &Code> = n.codes.iter().map(|c| (c.code.clone(), c)).collect();
        for (code, c) in &oc {
            match nc.get(code) {
                None => self.push(
                    Bump::Major,
                    Side::Errors,
                    p,
                    &ops,
                    &format!("code {code}"),
                    "return code removed",
                    &format!("variant {} is gone", c.variant),
                    &c.loc,
                ),
                Some(new) => self.code(p, &ops, c, new),
            }
        }
        for (code, c) in nc.iter().filter(|(k, _)| !oc.contains_key(*k)) {
            self.push(
                Bump::Minor,
                Side::Errors,
                p,
                &ops,
                &format!("code {code}"),
                "return code added",
                &format!("new variant {}: {}", c.variant, c.description),
                &c.loc,
            );
        }
        if o.outcome_type.is_none() && n.outcome_type.is_some() {
            self.push(
                Bump::Major,
                Side::Responses,
                p,
                &ops,
                "outcome",
                "outcome enum added",
                "the client method now returns which success code answered, with the response",
                &n.loc,
            );
        }
        if o.outcome_type.is_some() && n.outcome_type.is_none() {
            self.push(
                Bump::Major,
                Side::Responses,
                p,
                &ops,
                "outcome",
                "outcome enum removed",
                "the client method returns the response alone",
                &n.loc,
            );
        }
        let successes = |op: &Operation| {
            op.success_codes
                .iter()
                .map(|c| match c.result_status {
                    Some(s) => format!("{} ({})", c.code, s.spec_name()),
                    None => c.code.clone(),
                })
                .collect::<BTreeSet<_>>()
        };
        for gone in successes(o).difference(&successes(n)) {
            self.push(
                Bump::Major,
                Side::Responses,
                p,
                &ops,
                &format!("success code {gone}"),
                "success code removed",
                "its outcome variant is gone",
                &n.loc,
            );
        }
        for added in successes(n).difference(&successes(o)) {
            self.push(
                Bump::Minor,
                Side::Responses,
                p,
                &ops,
                &format!("success code {added}"),
                "success code added",
                "a new outcome variant",
                &n.loc,
            );
        }
        self.types(p, &o.types, &n.types);
    }

    fn code(&mut self, p: &str, ops: &[String], o: &Code, n: &Code) {
        let item = format!("code {}", n.code);
        if o.variant != n.variant {
            self.push(
                Bump::Major,
                Side::Errors,
                p,
                ops,
                &item,
                "variant renamed",
                &format!("{} -> {}", o.variant, n.variant),
                &n.loc,
            );
        }
        let facts = |c: &Code| {
            let mut f: Vec<String> = Vec::new();
            if c.retryable {
                f.push("retryable".into());
            }
            if c.outcome_unknown {
                f.push("outcome unknown".into());
            }
            f.extend(c.classifications.iter().cloned());
            if let Some(cat) = &c.category {
                f.push(format!("category {}", cat.name));
            }
            if let Some(status) = c.result_status {
                f.push(format!("resultStatus {}", status.spec_name()));
            }
            if f.is_empty() { "nothing".into() } else { f.join(", ") }
        };
        if facts(o) != facts(n) {
            self.push(
                Bump::Minor,
                Side::Errors,
                p,
                ops,
                &item,
                "return code reclassified",
                &format!("{} -> {}", facts(o), facts(n)),
                &n.loc,
            );
        }
        if o.description != n.description {
            self.push(Bump::Patch, Side::Docs, p, ops, &item, "description changed", "code docs", &n.loc);
        }
    }

    fn types(&mut self, p: &str, old: &[TypeDef], new: &[TypeDef]) {
        let olds: BTreeMap<&str, &TypeDef> = old.iter().map(|t| (t.name.as_str(), t)).collect();
        for t in new {
            let Some(o) = olds.get(t.name.as_str()) else { continue };
            let (used_old, used) = (&o.usage, &t.usage);
            let ops: Vec<String> = used.operations.iter().cloned().collect();
            match (&o.kind, &t.kind) {
                (TypeKind::Struct(of), TypeKind::Struct(nf)) => {
                    self.fields(p, &ops, &t.name, of, nf, used_old, used, &t.loc);
                    // Keyed by the field a rule constrains: a rule whose terms change is one change.
                    let sums = |d: &TypeDef| {
                        d.sums.iter().map(|s| (s.equals.wire_name.clone(), s.describe())).collect::<BTreeMap<_, _>>()
                    };
                    let (old_sums, new_sums) = (sums(o), sums(t));
                    let breaks = if used.requests { (Bump::Major, Side::Requests) } else { (Bump::Patch, Side::Docs) };
                    for (equals, terms) in &new_sums {
                        let (change, detail) = match old_sums.get(equals) {
                            None => ("sum rule added", format!("{equals} = {terms}")),
                            Some(was) if was != terms => ("sum rule changed", format!("{equals} = {was} -> {terms}")),
                            Some(_) => continue,
                        };
                        self.push(breaks.0, breaks.1, p, &ops, &t.name, change, &detail, &t.loc);
                    }
                    self.constraints(p, &ops, &t.name, (&o.constraints, of), (&t.constraints, nf), used, &t.loc);
                    for (equals, terms) in old_sums.iter().filter(|(e, _)| !new_sums.contains_key(*e)) {
                        let detail = format!("{equals} = {terms}");
                        self.push(Bump::Patch, Side::Requests, p, &ops, &t.name, "sum rule removed", &detail, &t.loc);
                    }
                }
                (TypeKind::Enum(ov), TypeKind::Enum(nv)) => {
                    let o_values: BTreeMap<String, &EnumValue> = ov.iter().map(|e| (e.value.clone(), e)).collect();
                    let n_values: BTreeMap<String, &EnumValue> = nv.iter().map(|e| (e.value.clone(), e)).collect();
                    let side = side_of(used);
                    for (value, e) in &o_values {
                        if !n_values.contains_key(value) {
                            self.push(
                                Bump::Major,
                                side,
                                p,
                                &ops,
                                &format!("{} = {value}", t.name),
                                "enum value removed",
                                &format!("variant {} is gone", e.variant),
                                &t.loc,
                            );
                        }
                    }
                    for (value, e) in &n_values {
                        let Some(o) = o_values.get(value).filter(|o| o.minor_units != e.minor_units) else { continue };
                        let show = |u: Option<u32>| u.map_or_else(|| "none".into(), |u| u.to_string());
                        // Fewer fractional digits (or a first limit) refuses amounts that passed before.
                        let tightened = match (o.minor_units, e.minor_units) {
                            (Some(a), Some(b)) => b < a,
                            (None, Some(_)) => true,
                            _ => false,
                        };
                        let (bump, change) = match (tightened, used.requests) {
                            (true, true) => (Bump::Major, "limit tightened"),
                            (true, false) => (Bump::Patch, "limit tightened"),
                            (false, _) => (Bump::Patch, "limit loosened"),
                        };
                        let detail = format!("minor_units {} -> {}", show(o.minor_units), show(e.minor_units));
                        self.push(bump, side, p, &ops, &format!("{} = {value}", t.name), change, &detail, &e.loc);
                    }
                    for (value, e) in n_values.iter().filter(|(k, _)| !o_values.contains_key(*k)) {
                        self.push(
                            Bump::Minor,
                            side,
                            p,
                            &ops,
                            &format!("{} = {value}", t.name),
                            "enum value added",
                            &format!("new variant {}", e.variant),
                            &e.loc,
                        );
                    }
                }
                (
                    TypeKind::String { limits: ol, wire_number: ow },
                    TypeKind::String { limits: nl, wire_number: nw },
                ) => {
                    // Constrained strings are checked on construction and on decoding: both sides.
                    self.limits(
                        p,
                        &ops,
                        &t.name,
                        ol,
                        nl,
                        &Usage { requests: true, responses: used.responses, ..used.clone() },
                        &t.loc,
                        true,
                    );
                    if ow != nw {
                        self.push(
                            Bump::Minor,
                            Side::Callers,
                            p,
                            &ops,
                            &t.name,
                            "wire form changed",
                            &format!("number: {ow} -> {nw}"),
                            &t.loc,
                        );
                    }
                }
                _ => self.push(
                    Bump::Major,
                    side_of(used),
                    p,
                    &ops,
                    &t.name,
                    "type kind changed",
                    "struct, enum or string",
                    &t.loc,
                ),
            }
            if o.description != t.description {
                self.push(Bump::Patch, Side::Docs, p, &ops, &t.name, "description changed", "type docs", &t.loc);
            }
        }
    }

    /// Rules across fields: one added to what requests reach refuses calls that passed before.
    #[allow(clippy::too_many_arguments)]
    fn constraints(
        &mut self,
        p: &str,
        ops: &[String],
        owner: &str,
        (old, old_fields): (&[Constraint], &[Field]),
        (new, new_fields): (&[Constraint], &[Field]),
        used: &Usage,
        loc: &Loc,
    ) {
        let olds: BTreeSet<String> = old.iter().map(|c| c.describe(old_fields)).collect();
        let news: BTreeSet<String> = new.iter().map(|c| c.describe(new_fields)).collect();
        let breaks = if used.requests { (Bump::Major, Side::Requests) } else { (Bump::Patch, Side::Docs) };
        for added in news.difference(&olds) {
            self.push(breaks.0, breaks.1, p, ops, owner, "constraint added", added, loc);
        }
        for gone in olds.difference(&news) {
            self.push(Bump::Patch, Side::Requests, p, ops, owner, "constraint removed", gone, loc);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fields(
        &mut self,
        p: &str,
        ops: &[String],
        owner: &str,
        old: &[Field],
        new: &[Field],
        used_old: &Usage,
        used: &Usage,
        loc: &Loc,
    ) {
        let olds: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire_name.as_str(), f)).collect();
        let news: BTreeMap<&str, &Field> = new.iter().map(|f| (f.wire_name.as_str(), f)).collect();
        let side = side_of(used);
        for (name, f) in &olds {
            if !news.contains_key(name) {
                self.push(
                    Bump::Major,
                    side_of(used_old),
                    p,
                    ops,
                    &format!("{owner}.{name}"),
                    "field removed",
                    &f.ty.to_string(),
                    loc,
                );
            }
        }
        for (name, f) in &news {
            let item = format!("{owner}.{name}");
            let Some(o) = olds.get(name) else {
                let (bump, what) = if f.required {
                    (Bump::Major, "required field added")
                } else {
                    (Bump::Minor, "optional field added")
                };
                self.push(bump, side, p, ops, &item, what, &f.ty.to_string(), &f.loc);
                continue;
            };
            if o.ty != f.ty {
                self.push(Bump::Major, side, p, ops, &item, "type changed", &format!("{} -> {}", o.ty, f.ty), &f.loc);
            }
            if o.required != f.required {
                let detail = if f.required { "optional -> required" } else { "required -> optional" };
                self.push(Bump::Major, side, p, ops, &item, "required flag changed", detail, &f.loc);
            }
            self.limits(p, ops, &item, &o.limits, &f.limits, used, &f.loc, false);
            let currency = |f: &Field, fields: &[Field]| f.minor_units_from.map(|i| fields[i].wire_name.clone());
            let (was, is) = (currency(o, old), currency(f, new));
            if was != is {
                let show = |c: &Option<String>| c.clone().unwrap_or_else(|| "none".into());
                let detail = format!("minor_units_from {} -> {}", show(&was), show(&is));
                let (bump, change) = match (&was, used.requests) {
                    (None, true) => (Bump::Major, "limit tightened"),
                    (None, false) => (Bump::Patch, "limit tightened"),
                    (Some(_), _) => (Bump::Patch, "limit loosened"),
                };
                self.push(bump, side, p, ops, &item, change, &detail, &f.loc);
            }
            if o.default != f.default {
                let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
                self.push(
                    Bump::Patch,
                    Side::Requests,
                    p,
                    ops,
                    &item,
                    "default changed",
                    &format!("{} -> {}", show(&o.default), show(&f.default)),
                    &f.loc,
                );
            }
            if o.description != f.description || o.deprecated != f.deprecated {
                self.push(Bump::Patch, Side::Docs, p, ops, &item, "description changed", "field docs", &f.loc);
            }
        }
    }

    /// Each limit that moved: tightened limits break request builders (and, for constrained
    /// strings, response decoding); loosened ones and limits on response-only fields are patches.
    #[allow(clippy::too_many_arguments)]
    fn limits(
        &mut self,
        p: &str,
        ops: &[String],
        item: &str,
        o: &Limits,
        n: &Limits,
        used: &Usage,
        loc: &Loc,
        decoded: bool,
    ) {
        // Each limit as shown and as an exact comparable value; a charset compares by name only.
        type Shown = Option<(String, i128)>;
        let count = |v: Option<u64>| v.map(|v| (v.to_string(), i128::from(v)));
        let number = |v: Option<Number>| v.map(|v| (v.to_string(), v.exact()));
        let charset = |v: Option<Charset>| v.map(|c| (c.spec_name().to_owned(), 0));
        // Canonical < Positive: a format compares by strictness.
        let numeral = |v: Option<Numeral>| {
            v.map(|n| match n {
                Numeral::Canonical => ("integer without leading zeros".to_owned(), 1),
                Numeral::Positive => ("positive_integer".to_owned(), 2),
            })
        };
        let url = |v: bool| v.then(|| ("url".to_owned(), 1));
        let pattern = |v: &Option<String>| v.as_ref().map(|p| (format!("`{p}`"), 0));
        let checks: [(&str, Shown, Shown, bool); 13] = [
            ("max_bytes", count(o.max_bytes), count(n.max_bytes), true),
            ("max_chars", count(o.max_chars), count(n.max_chars), true),
            ("max_items", count(o.max_items), count(n.max_items), true),
            ("maximum", number(o.maximum), number(n.maximum), true),
            ("min_bytes", count(o.min_bytes), count(n.min_bytes), false),
            ("min_chars", count(o.min_chars), count(n.min_chars), false),
            ("min_items", count(o.min_items), count(n.min_items), false),
            ("minimum", number(o.minimum), number(n.minimum), false),
            ("exclusive_minimum", number(o.exclusive_minimum), number(n.exclusive_minimum), false),
            ("charset", charset(o.charset), charset(n.charset), true),
            ("format", numeral(o.numeral), numeral(n.numeral), false),
            ("format", url(o.url), url(n.url), false),
            ("pattern", pattern(&o.pattern), pattern(&n.pattern), true),
        ];
        for (key, old, new, upper) in checks {
            if old == new {
                continue;
            }
            let tightened = match (&old, &new) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                // Another charset or pattern may refuse what the old one allowed.
                (Some((a, _)), Some((b, _))) if key == "charset" || key == "pattern" => a != b,
                (Some((_, a)), Some((_, b))) if upper => b < a,
                (Some((_, a)), Some((_, b))) => b > a,
                (None, None) => false,
            };
            let show = |v: &Shown| v.as_ref().map_or_else(|| "none".into(), |(text, _)| text.clone());
            let detail = format!("{key} {} -> {}", show(&old), show(&new));
            let breaks = used.requests || (decoded && used.responses);
            let (bump, side, change) = match (tightened, breaks) {
                (true, true) => {
                    (Bump::Major, if used.requests { Side::Requests } else { Side::Responses }, "limit tightened")
                }
                (true, false) => (Bump::Patch, Side::Docs, "limit tightened"),
                (false, _) => (Bump::Patch, if used.requests { Side::Requests } else { Side::Docs }, "limit loosened"),
            };
            self.push(bump, side, p, ops, item, change, &detail, loc);
        }
    }
}

/// Documented examples only feed the generated tests (compiled under `cfg(test)`): a change to one is
/// documentation, a patch.
impl Differ {
    fn examples(&mut self, p: &str, ops: &[String], o: &Operation, n: &Operation) {
        let old: BTreeMap<&str, &Example> = o.examples.iter().map(|e| (e.name.as_str(), e)).collect();
        let new: BTreeMap<&str, &Example> = n.examples.iter().map(|e| (e.name.as_str(), e)).collect();
        for (name, e) in &old {
            let item = format!("example {name}");
            match new.get(name) {
                None => {
                    let detail = e.description.clone().unwrap_or_default();
                    self.push(Bump::Patch, Side::Docs, p, ops, &item, "example removed", &detail, &e.loc);
                }
                Some(now) => {
                    let detail = changed_parts(e, now);
                    if !detail.is_empty() {
                        self.push(Bump::Patch, Side::Docs, p, ops, &item, "example changed", &detail, &now.loc);
                    }
                }
            }
        }
        for (name, e) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
            let detail = e.description.clone().unwrap_or_default();
            self.push(Bump::Patch, Side::Docs, p, ops, &format!("example {name}"), "example added", &detail, &e.loc);
        }
    }
}

fn describe_field(f: &Field) -> String {
    format!("{}{}", if f.required { "" } else { "optional " }, f.ty)
}

fn describe_payload(p: &Payload) -> String {
    match p {
        Payload::Body(t) => format!("body {t}"),
        Payload::Query(fields) => {
            let names: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
            format!("query {}", names.join(", "))
        }
    }
}

/// Which parts of an example changed, in a few words.
fn changed_parts(o: &Example, n: &Example) -> String {
    let mut parts = Vec::new();
    if o.path != n.path {
        parts.push("path parameters");
    }
    if o.query.as_ref().map(|j| &j.text) != n.query.as_ref().map(|j| &j.text) {
        parts.push("query JSON");
    }
    if o.request.as_ref().map(|j| &j.text) != n.request.as_ref().map(|j| &j.text) {
        parts.push("request JSON");
    }
    if o.response.as_ref().map(|j| &j.text) != n.response.as_ref().map(|j| &j.text) {
        parts.push("response JSON");
    }
    let expect = |j: &Option<ExampleJson>| j.as_ref().map(|j| j.expect.clone());
    let expects = |e: &Example| [expect(&e.query), expect(&e.request), expect(&e.response)];
    if expects(o) != expects(n) {
        parts.push("expected outcome");
    }
    if (o.status, &o.error) != (n.status, &n.error) {
        parts.push("status or error code");
    }
    parts.join(", ")
}

fn side_of(u: &Usage) -> Side {
    match (u.requests, u.responses) {
        (true, false) => Side::Requests,
        (false, true) => Side::Responses,
        (true, true) => Side::Callers,
        (false, false) => Side::Docs,
    }
}
