//! Review: what changes for users of the generated crate between two specs.
//!
//! Both specs are built into the IR and compared by wire identity: operations by `operationId`,
//! parameters and properties by wire name, enum values by their string, union members by their
//! discriminator value. Rust names are what the report shows; when the same wire thing gets
//! another Rust name, that is reported as a rename. Each change is marked for code that uses the
//! generated crate (whose types are `#[non_exhaustive]`, so new values, variants and fields are
//! additive): breaking, additive, or docs only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::ir::{
    Accessor, Api, AuthKind, Deprecation, Field, MaximumBy, Number, Operation, Param, Type,
    TypeDef, TypeKind,
};
use crate::naming;

/// How a change affects code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Code that compiled may no longer compile, may fail where it worked, or behaves otherwise.
    Breaking,
    /// New things, or checks loosened; existing code is unaffected.
    Additive,
    /// Something is now deprecated (uses warn) or its sunset changed.
    Deprecation,
    /// Only documentation changed.
    Docs,
}

/// How a breaking change breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Code that uses the item no longer compiles.
    Compile,
    /// Code compiles, but a call that worked can now fail (a tighter check, before sending or on
    /// the server).
    Runtime,
    /// Code compiles and calls succeed, but what goes over the wire, or what comes back, differs.
    Behaviour,
    /// Not a breaking change.
    None,
}

impl Effect {
    fn text(self) -> &'static str {
        match self {
            Effect::Compile => " (breaks compilation)",
            Effect::Runtime => " (breaks at run time)",
            Effect::Behaviour => " (changes behaviour)",
            Effect::None => "",
        }
    }
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    /// How it affects users.
    pub impact: Impact,
    /// Only the Rust surface changed (a name, a stream method), not what goes over the wire.
    pub rust_only: bool,
    /// How it breaks, when it does.
    pub effect: Effect,
    /// The Rust item it concerns (`UsageCompletionsGroupBy::ServiceTier`).
    pub item: String,
    /// What changed.
    pub message: String,
}

/// Every change between two specs, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, breaking first.
    pub changes: Vec<Change>,
    /// The crate's version before the change (`MAJOR.MINOR.PATCH`), when known: the version
    /// line then names the next one, by the rules of its major version.
    pub crate_version: Option<String>,
}

impl Report {
    /// Whether anything breaks.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// The changes of one section of the report.
    fn section(&self, section: Section) -> Vec<&Change> {
        self.changes
            .iter()
            .filter(|c| match section {
                Section::Breaking => c.impact == Impact::Breaking && !c.rust_only,
                Section::Additive => c.impact == Impact::Additive && !c.rust_only,
                Section::RustOnly => {
                    matches!(c.impact, Impact::Breaking | Impact::Additive) && c.rust_only
                }
                Section::Deprecation => c.impact == Impact::Deprecation,
                Section::Docs => c.impact == Impact::Docs,
            })
            .collect()
    }

    /// The report, with the crate's current version (the version line then names the next).
    pub fn with_crate_version(mut self, version: &str) -> Report {
        self.crate_version = Some(version.to_owned());
        self
    }

    /// The version bump the changes imply for the crate. Semver's rules: before 1.0 anything
    /// breaking bumps the minor version and anything else the patch version; from 1.0, breaking
    /// bumps the major version, additions the minor version, docs the patch version. With the
    /// crate's version known, the line names the next one (`0.1.0 -> 0.2.0`).
    pub fn version_bump(&self) -> String {
        let parts: Option<Vec<u64>> = self
            .crate_version
            .as_deref()
            .map(|v| {
                v.split('.')
                    .map(|p| p.parse().ok())
                    .collect::<Option<Vec<u64>>>()
            })
            .and_then(|p| p.filter(|p| p.len() == 3));
        let additive = self.changes.iter().any(|c| c.impact == Impact::Additive);
        let pre_1 = parts.as_ref().is_none_or(|p| p[0] == 0);
        let (kind, why) = if self.changes.is_empty() {
            return "none".to_owned();
        } else if self.is_breaking() && pre_1 {
            (
                "minor",
                "something breaks; under 0.x a breaking change bumps the minor version",
            )
        } else if self.is_breaking() {
            ("major", "something breaks")
        } else if additive && !pre_1 {
            ("minor", "something is added, nothing breaks")
        } else {
            ("patch", "nothing breaks")
        };
        let next = parts.map(|p| {
            let next = match kind {
                "major" => [p[0] + 1, 0, 0],
                "minor" => [p[0], p[1] + 1, 0],
                _ => [p[0], p[1], p[2] + 1],
            };
            format!(
                ": {}.{}.{} -> {}.{}.{}",
                p[0], p[1], p[2], next[0], next[1], next[2]
            )
        });
        format!("{kind} ({why}){}", next.unwrap_or_default())
    }

    /// Plain text, one change a line, grouped by impact, ending with the version bump.
    pub fn to_text(&self) -> String {
        if self.changes.is_empty() {
            return "No changes for users of the generated crate.\n".to_owned();
        }
        let mut out = String::new();
        for (section, title) in SECTIONS {
            let changes = self.section(section);
            if changes.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "{title} ({}):", changes.len());
            for c in changes {
                let _ = writeln!(
                    out,
                    "  {} {}: {}{}",
                    mark(c),
                    c.item,
                    c.message,
                    c.effect.text()
                );
            }
        }
        let _ = writeln!(out, "\nVersion bump: {}", self.version_bump());
        out
    }

    /// Markdown for a pull request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("## Changes for users of the generated crate\n");
        if self.changes.is_empty() {
            out.push_str("\nNone.\n");
            return out;
        }
        for (section, title) in SECTIONS {
            let changes = self.section(section);
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title} ({})\n", changes.len());
            for c in changes {
                let impact = match (section, c.impact) {
                    (Section::RustOnly, Impact::Breaking) => "**breaking** ",
                    (Section::RustOnly, _) => "additive: ",
                    _ => "",
                };
                let _ = writeln!(
                    out,
                    "- `{}`: {impact}{}{}",
                    c.item,
                    c.message,
                    c.effect.text()
                );
            }
        }
        let _ = writeln!(out, "\n**Version bump:** {}", self.version_bump());
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Breaking,
    Additive,
    RustOnly,
    Deprecation,
    Docs,
}

const SECTIONS: [(Section, &str); 5] = [
    (Section::Breaking, "Breaking"),
    (Section::Additive, "Additive"),
    (
        Section::RustOnly,
        "Rust names and methods only (the wire is unchanged)",
    ),
    (Section::Deprecation, "Deprecated"),
    (Section::Docs, "Docs"),
];

fn mark(change: &Change) -> &'static str {
    match change.impact {
        Impact::Breaking => "!",
        Impact::Additive => "+",
        Impact::Deprecation => "-",
        Impact::Docs => "~",
    }
}

/// The changes from `old` to `new`.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ {
        old,
        new,
        changes: BTreeSet::new(),
        compared: BTreeSet::new(),
    };
    d.client(old, new);
    d.operations();
    d.unreached_types();
    let mut changes: Vec<Change> = d.changes.into_iter().collect();
    changes.sort_by(|a, b| {
        (a.rust_only, a.impact, &a.item, &a.message).cmp(&(
            b.rust_only,
            b.impact,
            &b.item,
            &b.message,
        ))
    });
    Report {
        changes,
        crate_version: None,
    }
}

struct Differ<'a> {
    old: &'a Api,
    new: &'a Api,
    changes: BTreeSet<Change>,
    /// Pairs of named types already compared (shared types are reported once).
    compared: BTreeSet<(String, String)>,
}

impl<'a> Differ<'a> {
    /// A change; a breaking one breaks compilation unless [`Self::push_effect`] says otherwise.
    fn push(&mut self, impact: Impact, item: impl Into<String>, message: impl Into<String>) {
        let effect = default_effect(impact);
        self.push_effect(impact, effect, item, message);
    }

    fn push_effect(
        &mut self,
        impact: Impact,
        effect: Effect,
        item: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.changes.insert(Change {
            impact,
            rust_only: false,
            effect,
            item: item.into(),
            message: message.into(),
        });
    }

    /// A change of the Rust surface only (a rename, stream methods).
    fn push_rust(&mut self, impact: Impact, item: impl Into<String>, message: impl Into<String>) {
        self.changes.insert(Change {
            impact,
            rust_only: true,
            effect: default_effect(impact),
            item: item.into(),
            message: message.into(),
        });
    }

    /// What the client as a whole depends on: the server, where the key comes from and how it
    /// is sent.
    fn client(&mut self, old: &Api, new: &Api) {
        if old.version != new.version {
            self.push(
                Impact::Docs,
                "crate",
                format!("API version now `{}` (was `{}`)", new.version, old.version),
            );
        }
        if (&old.title, &old.description) != (&new.title, &new.description) {
            self.push(
                Impact::Docs,
                "crate",
                "title or description of the API changed",
            );
        }
        if old.server_url != new.server_url {
            self.push_effect(
                Impact::Breaking,
                Effect::Behaviour,
                "DEFAULT_BASE_URL",
                format!(
                    "the server is now {} (was {}): requests go elsewhere",
                    shown(&new.server_url),
                    shown(&old.server_url)
                ),
            );
        }
        if old.server_url_env != new.server_url_env {
            self.push_effect(
                Impact::Breaking,
                Effect::Behaviour,
                "Client::from_env",
                format!(
                    "the server URL override (`x-env-var` of the server) is now read from {} (was {})",
                    shown(&new.server_url_env),
                    shown(&old.server_url_env)
                ),
            );
        }
        let key_env = |api: &Api| api.auth.as_ref().and_then(|a| a.env_var.clone());
        let (old_env, new_env) = (key_env(old), key_env(new));
        if old_env != new_env {
            // Without a variable there is no `from_env`; with another, a program that sets only
            // the old one gets an error from `from_env` when it runs.
            let effect = if new_env.is_none() {
                Effect::Compile
            } else {
                Effect::Runtime
            };
            let message = match (&old_env, &new_env) {
                (Some(was), None) => format!(
                    "removed: the spec names no variable for the key any more (was `{was}`)"
                ),
                (None, Some(now)) => format!("added: reads the key from `{now}`"),
                _ => format!(
                    "the key (`x-env-var` of the security scheme) is now read from {} (was {}): a program that sets only the old one gets an error",
                    shown(&new_env),
                    shown(&old_env)
                ),
            };
            let impact = if old_env.is_none() {
                Impact::Additive
            } else {
                Impact::Breaking
            };
            self.push_effect(impact, effect, "Client::from_env", message);
        }
        // Where a key given to the builder goes: a spec without a security scheme still sends
        // one, the builder's default way (bearer).
        let placement = |api: &Api| match api.auth.as_ref().map(|a| &a.kind) {
            None | Some(AuthKind::Bearer) => "`Authorization: Bearer <key>`".to_owned(),
            Some(AuthKind::Header(name)) => format!("the `{name}` header"),
        };
        let (was, now) = (placement(old), placement(new));
        if was != now {
            self.push_effect(
                Impact::Breaking,
                Effect::Behaviour,
                "Client::builder",
                format!("the key is now sent as {now} (was {was})"),
            );
        }
        match (old.auth.is_some(), new.auth.is_some()) {
            (true, false) => self.push(
                Impact::Additive,
                "Client::builder",
                format!("the spec no longer requires a key: a key given is still sent as {now}"),
            ),
            (false, true) => self.push(
                Impact::Additive,
                "Client::builder",
                format!("the spec now requires a key, sent as {now}"),
            ),
            _ => {}
        }
    }

    fn operations(&mut self) {
        let old: BTreeMap<&str, &Operation> = self
            .old
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        let new: BTreeMap<&str, &Operation> = self
            .new
            .operations
            .iter()
            .map(|o| (o.id.as_str(), o))
            .collect();
        for (id, op) in &old {
            if !new.contains_key(id) {
                self.push(
                    Impact::Breaking,
                    format!("Client::{}", naming::unraw(&op.method_name)),
                    format!(
                        "operation `{id}` (`{} {}`) removed, with `{}`",
                        op.http_method, op.path, op.params_name
                    ),
                );
            }
        }
        for (id, op) in &new {
            match old.get(id) {
                None => self.push(
                    Impact::Additive,
                    format!("Client::{}", naming::unraw(&op.method_name)),
                    format!(
                        "operation `{id}` (`{} {}`) added, with `{}`",
                        op.http_method, op.path, op.params_name
                    ),
                ),
                Some(before) => self.operation(before, op),
            }
        }
    }

    fn operation(&mut self, old: &Operation, new: &Operation) {
        let item = format!("Client::{}", naming::unraw(&new.method_name));
        if (old.http_method.as_str(), old.path.template.as_str())
            != (new.http_method.as_str(), new.path.template.as_str())
        {
            // The method and path are the wire: code still compiles, but calls go elsewhere.
            self.push_effect(
                Impact::Breaking,
                Effect::Behaviour,
                item.clone(),
                format!(
                    "now `{} {}` (was `{} {}`)",
                    new.http_method, new.path, old.http_method, old.path
                ),
            );
        }
        if old.method_name != new.method_name {
            self.push_rust(
                Impact::Breaking,
                format!("Client::{}", naming::unraw(&old.method_name)),
                format!("renamed to `Client::{}`", naming::unraw(&new.method_name)),
            );
        }
        if old.params_name != new.params_name {
            self.push_rust(
                Impact::Breaking,
                old.params_name.clone(),
                format!("renamed to `{}`", new.params_name),
            );
        }
        if (&old.summary, &old.description) != (&new.summary, &new.description) {
            self.push(Impact::Docs, item.clone(), "description changed");
        }
        if old.doc_example != new.doc_example {
            let now = if new.doc_example { "now" } else { "no longer" };
            self.push(
                Impact::Docs,
                item.clone(),
                format!("the crate's doc examples {now} show it (`x-doc-example`)"),
            );
        }
        match (&old.response, &new.response) {
            (Some(a), Some(b)) => self.type_use(&format!("{item} (response)"), a, b),
            (None, Some(_)) => self.push(
                Impact::Breaking,
                item.clone(),
                "now returns a typed response",
            ),
            (Some(_), None) => self.push(
                Impact::Breaking,
                item.clone(),
                "no longer returns a typed response",
            ),
            (None, None) => {}
        }
        if old.paging.is_some() != new.paging.is_some() {
            let (impact, what) = if new.paging.is_some() {
                (Impact::Additive, "now pages: stream methods added")
            } else {
                (Impact::Breaking, "no longer pages: stream methods removed")
            };
            self.push_rust(impact, item.clone(), what);
        }
        if let (Some(a), Some(b)) = (&old.paging, &new.paging) {
            for (what, before, after) in [
                ("page stream", &a.pages_method, &b.pages_method),
                ("item stream", &a.items_method, &b.items_method),
            ] {
                if before != after {
                    self.push_rust(
                        Impact::Breaking,
                        format!("Client::{}", naming::unraw(before)),
                        format!("{what} renamed to `Client::{}`", naming::unraw(after)),
                    );
                }
            }
            let how = |p: &crate::ir::Paging| {
                (
                    p.cursor_param.clone(),
                    p.page.next_cursor.rust_name.clone(),
                    p.page.has_more.as_ref().map(|h| h.rust_name.clone()),
                    p.page.items.rust_name.clone(),
                )
            };
            if how(a) != how(b) {
                let describe = |p: &crate::ir::Paging| {
                    format!(
                        "`{}` from `{}`, items in `{}`",
                        naming::unraw(&p.cursor_param),
                        naming::unraw(&p.page.next_cursor.rust_name),
                        naming::unraw(&p.page.items.rust_name)
                    )
                };
                self.push_effect(
                    Impact::Breaking,
                    Effect::Behaviour,
                    item.clone(),
                    format!("pages differently: {} (was {})", describe(b), describe(a)),
                );
            }
        }
        self.deprecation(&item, "operation", &old.deprecated, &new.deprecated);
        self.body(&item, old, new);
        self.params(old, new);
    }

    /// The request body: added, removed, required or not, its type (and through it, its
    /// fields); and whether the operation is retried after failures that may have reached the
    /// server.
    fn body(&mut self, item: &str, old: &Operation, new: &Operation) {
        let params = &new.params_name;
        match (&old.body, &new.body) {
            (None, None) => {}
            (None, Some(b)) => {
                let (impact, how) = if b.required {
                    (
                        Impact::Breaking,
                        format!("required: `{params}::new` takes it"),
                    )
                } else {
                    (
                        Impact::Additive,
                        format!(
                            "optional: set with `{params}::{}`",
                            naming::unraw(&b.rust_name)
                        ),
                    )
                };
                self.push(
                    impact,
                    item,
                    format!("takes a request body `{}` ({how})", render(&b.ty)),
                );
            }
            (Some(_), None) => self.push_effect(
                Impact::Breaking,
                Effect::Compile,
                item,
                "no longer takes a request body",
            ),
            (Some(a), Some(b)) => {
                if a.required != b.required {
                    let what = if b.required {
                        format!("the request body is now required: `{params}::new` takes it")
                    } else {
                        format!(
                            "the request body is now optional: `{params}::new` no longer takes it"
                        )
                    };
                    self.push_effect(Impact::Breaking, Effect::Compile, item, what);
                }
                self.type_use(&format!("{item} (request body)"), &a.ty, &b.ty);
                if a.description != b.description {
                    self.push(Impact::Docs, item, "request body description changed");
                }
            }
        }
        // A method change is reported on its own, and says this too.
        if old.idempotent != new.idempotent && old.http_method == new.http_method {
            let what = if new.idempotent {
                "now idempotent: retried after timeouts and 5xx answers too"
            } else {
                "no longer idempotent: not retried after failures that may have reached the server"
            };
            self.push_effect(Impact::Breaking, Effect::Behaviour, item, what);
        }
    }

    fn deprecation(
        &mut self,
        item: &str,
        what: &str,
        old: &Option<Deprecation>,
        new: &Option<Deprecation>,
    ) {
        match (old, new) {
            (None, Some(d)) => {
                let sunset = d
                    .sunset
                    .as_ref()
                    .map(|s| format!(", sunset {s}"))
                    .unwrap_or_default();
                self.push(
                    Impact::Deprecation,
                    item,
                    format!("{what} deprecated{sunset}: uses now warn (`{}`)", d.note),
                );
            }
            (Some(_), None) => self.push(
                Impact::Deprecation,
                item,
                format!("{what} no longer deprecated"),
            ),
            (Some(a), Some(b)) if a.sunset != b.sunset => self.push(
                Impact::Deprecation,
                item,
                format!(
                    "sunset of the deprecated {what} now {} (was {})",
                    shown(&b.sunset),
                    shown(&a.sunset)
                ),
            ),
            _ => {}
        }
    }

    fn params(&mut self, old_op: &Operation, new_op: &Operation) {
        let struct_name = &new_op.params_name;
        let old: BTreeMap<&str, &Param> = old_op
            .params
            .iter()
            .map(|p| (p.wire_name.as_str(), p))
            .collect();
        let new: BTreeMap<&str, &Param> = new_op
            .params
            .iter()
            .map(|p| (p.wire_name.as_str(), p))
            .collect();
        let setter = |p: &Param| format!("{struct_name}::{}", naming::unraw(&p.setter_name));
        let constructor = format!("{struct_name}::new");
        for (wire, p) in &old {
            if !new.contains_key(wire) {
                let item = if p.required {
                    constructor.clone()
                } else {
                    setter(p)
                };
                let kind = if p.required { "required" } else { "optional" };
                self.push(
                    Impact::Breaking,
                    item,
                    format!("{kind} parameter `{wire}` removed"),
                );
            }
        }
        for (wire, p) in &new {
            let Some(before) = old.get(wire) else {
                if p.required {
                    self.push(
                        Impact::Breaking,
                        constructor.clone(),
                        format!("required parameter `{wire}` added: `new` takes it"),
                    );
                } else {
                    self.push(
                        Impact::Additive,
                        setter(p),
                        format!("optional parameter `{wire}` added"),
                    );
                }
                continue;
            };
            match (before.required, p.required) {
                (false, true) => self.push(
                    Impact::Breaking,
                    constructor.clone(),
                    format!("parameter `{wire}` is now required: `new` takes it, the setter is gone"),
                ),
                (true, false) => self.push(
                    Impact::Breaking,
                    constructor.clone(),
                    format!("parameter `{wire}` is now optional: `new` no longer takes it, set it with `{}`", naming::unraw(&p.setter_name)),
                ),
                _ => {}
            }
            if before.location != p.location {
                self.push_effect(
                    Impact::Breaking,
                    Effect::Behaviour,
                    constructor.clone(),
                    format!(
                        "parameter `{wire}` is now sent in the {} (was the {})",
                        p.location.as_str(),
                        before.location.as_str()
                    ),
                );
            }
            let item = if p.required {
                constructor.clone()
            } else {
                setter(p)
            };
            self.type_use(&format!("{item} (`{wire}`)"), &before.ty, &p.ty);
            self.param_rules(&item, before, p);
            self.deprecation(
                &item,
                &format!("parameter `{wire}`"),
                &before.deprecated,
                &p.deprecated,
            );
            if before.doc.description != p.doc.description {
                self.push(
                    Impact::Docs,
                    item.clone(),
                    format!("description of `{wire}` changed"),
                );
            }
            if before.doc.example != p.doc.example {
                self.push(
                    Impact::Docs,
                    item,
                    format!("example value of `{wire}` changed (used by the doc examples)"),
                );
            }
        }
    }

    /// What else of a parameter the crate or the wire depends on: its bounds (checked by
    /// `validate` or by the server), its default (what the server assumes when it is not sent)
    /// and how an array is sent.
    fn param_rules(&mut self, item: &str, old: &Param, new: &Param) {
        let wire = &new.wire_name;
        let (a, b) = (&old.bounds, &new.bounds);
        self.bounds(item, wire, a, b);
        self.maximum_by(item, wire, &a.maximum_by, &b.maximum_by);
        let than = |r: &Option<crate::ir::ParamRef>| r.as_ref().map(|r| r.wire_name.clone());
        match (than(&a.greater_than), than(&b.greater_than)) {
            (None, None) => {}
            (x, y) if x == y => {}
            (None, Some(other)) => self.push_effect(
                Impact::Breaking,
                Effect::Runtime,
                item,
                format!("`{wire}` must now be greater than `{other}`: `validate()` rejects values it accepted"),
            ),
            (Some(other), None) => self.push(
                Impact::Additive,
                item,
                format!("`{wire}` no longer has to be greater than `{other}`"),
            ),
            (Some(was), Some(now)) => self.push_effect(
                Impact::Breaking,
                Effect::Runtime,
                item,
                format!("`{wire}` must now be greater than `{now}` (was `{was}`)"),
            ),
        }
        match (&old.doc.default, &new.doc.default) {
            (None, None) => {}
            (x, y) if x == y => {}
            (Some(was), Some(now)) => self.push_effect(
                Impact::Breaking,
                Effect::Behaviour,
                item,
                format!("default of `{wire}` now `{now}` (was `{was}`): requests that leave it unset get other results"),
            ),
            (None, Some(now)) => self.push(
                Impact::Docs,
                item,
                format!("default of `{wire}` stated: `{now}`"),
            ),
            (Some(was), None) => self.push(
                Impact::Docs,
                item,
                format!("default of `{wire}` (`{was}`) no longer stated"),
            ),
        }
        if old.explode != new.explode && matches!(new.ty.non_null(), Type::Array(_)) {
            let shape = |explode: bool| {
                if explode {
                    format!("`{wire}=a&{wire}=b`")
                } else {
                    format!("`{wire}=a,b`")
                }
            };
            self.push_effect(
                Impact::Breaking,
                Effect::Behaviour,
                item,
                format!(
                    "`{wire}` is now sent as {} (was {}): `explode` changed",
                    shape(new.explode),
                    shape(old.explode)
                ),
            );
        }
    }

    /// The bounds of a parameter or of a request body's field: numbers, counts and patterns.
    fn bounds(&mut self, item: &str, wire: &str, a: &crate::ir::Bounds, b: &crate::ir::Bounds) {
        let lower = [
            ("minimum", num(&a.minimum), num(&b.minimum)),
            (
                "exclusive minimum",
                num(&a.exclusive_minimum),
                num(&b.exclusive_minimum),
            ),
            (
                "minItems",
                a.min_items.map(|n| n as f64),
                b.min_items.map(|n| n as f64),
            ),
            (
                "minLength",
                a.min_length.map(|n| n as f64),
                b.min_length.map(|n| n as f64),
            ),
        ];
        for (name, was, now) in lower {
            self.bound(item, wire, name, was, now, Direction::Lower);
        }
        let upper = [
            ("maximum", num(&a.maximum), num(&b.maximum)),
            (
                "exclusive maximum",
                num(&a.exclusive_maximum),
                num(&b.exclusive_maximum),
            ),
            (
                "maxItems",
                a.max_items.map(|n| n as f64),
                b.max_items.map(|n| n as f64),
            ),
            (
                "maxLength",
                a.max_length.map(|n| n as f64),
                b.max_length.map(|n| n as f64),
            ),
        ];
        for (name, was, now) in upper {
            self.bound(item, wire, name, was, now, Direction::Upper);
        }
        // A string's pattern, and the pattern of each value of an array.
        for (removed, must, was, now) in [
            ("pattern removed", "must", &a.pattern, &b.pattern),
            (
                "pattern of each value removed",
                "each value must",
                &a.items_pattern,
                &b.items_pattern,
            ),
        ] {
            match (was, now) {
                (x, y) if x == y => {}
                (_, None) => self.push(
                    Impact::Additive,
                    item,
                    format!("`{wire}`: {removed}: any string is accepted"),
                ),
                (_, Some(p)) => self.push_effect(
                    Impact::Breaking,
                    Effect::Runtime,
                    item,
                    format!(
                        "`{wire}`: {must} now match the pattern `{p}` (the server rejects other values)"
                    ),
                ),
            }
        }
    }

    /// One bound: tighter breaks at run time, looser is additive.
    fn bound(
        &mut self,
        item: &str,
        wire: &str,
        name: &str,
        was: Option<f64>,
        now: Option<f64>,
        direction: Direction,
    ) {
        let tighter = match (was, now) {
            (None, None) => return,
            (Some(a), Some(b)) if a == b => return,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => match direction {
                Direction::Lower => b > a,
                Direction::Upper => b < a,
            },
        };
        let show = |v: Option<f64>| v.map_or("none".to_owned(), |v| v.to_string());
        let message = format!("`{wire}`: {name} now {} (was {})", show(now), show(was));
        if tighter {
            self.push_effect(
                Impact::Breaking,
                Effect::Runtime,
                item,
                format!("{message}: tightened, `validate()` rejects values it accepted"),
            );
        } else {
            self.push(Impact::Additive, item, format!("{message}: loosened"));
        }
    }

    /// `x-maximum-by`: a lower maximum for some value of the other parameter breaks at run time.
    fn maximum_by(
        &mut self,
        item: &str,
        wire: &str,
        old: &Option<MaximumBy>,
        new: &Option<MaximumBy>,
    ) {
        let values = |m: &Option<MaximumBy>| -> BTreeMap<String, f64> {
            m.iter()
                .flat_map(|m| &m.values)
                .map(|(k, v)| (k.clone(), *v as f64))
                .collect()
        };
        let (was, now) = (values(old), values(new));
        let keys: BTreeSet<&String> = was.keys().chain(now.keys()).collect();
        let basis = new
            .as_ref()
            .or(old.as_ref())
            .map(|m| m.param.wire_name.clone());
        for key in keys {
            let name = format!(
                "maximum for `{}={key}` (`x-maximum-by`)",
                basis.as_deref().unwrap_or("?")
            );
            self.bound(
                item,
                wire,
                &name,
                was.get(key).copied(),
                now.get(key).copied(),
                Direction::Upper,
            );
        }
        if let (Some(a), Some(b)) = (old, new) {
            if a.default != b.default {
                self.push_effect(
                    Impact::Breaking,
                    Effect::Runtime,
                    item,
                    format!(
                        "`{wire}`: the `x-maximum-by` default of `{}` is now `{}` (was `{}`)",
                        b.param.wire_name, b.default, a.default
                    ),
                );
            }
        }
    }

    /// Compares the types at one use site (a parameter, a field, a response).
    fn type_use(&mut self, item: &str, old: &Type, new: &Type) {
        match (old, new) {
            (Type::Nullable(a), Type::Nullable(b)) => self.type_use(item, a, b),
            (Type::Array(a), Type::Array(b)) | (Type::Map(a), Type::Map(b)) => {
                self.type_use(item, a, b)
            }
            (Type::Named(a), Type::Named(b)) => self.named(item, a, b),
            (a, b) if a == b => {}
            _ => self.push(
                Impact::Breaking,
                item.to_owned(),
                format!("type changed from `{}` to `{}`", render(old), render(new)),
            ),
        }
    }

    /// `x-accessors` of a struct, matched by method name.
    fn accessors(&mut self, owner: &str, old: &[Accessor], new: &[Accessor]) {
        for b in new {
            let item = format!("{owner}::{}", b.name);
            match old.iter().find(|a| a.name == b.name) {
                None => self.push(
                    Impact::Additive,
                    item,
                    format!("accessor added (follows `{}`)", b.path.join(".")),
                ),
                Some(a) if a.ty != b.ty => self.push(
                    Impact::Breaking,
                    item,
                    format!(
                        "accessor now returns `{}` (was `{}`)",
                        crate::rust_type::of(&b.ty).text(),
                        crate::rust_type::of(&a.ty).text()
                    ),
                ),
                Some(a) if a.path != b.path => self.push_effect(
                    Impact::Breaking,
                    Effect::Behaviour,
                    item,
                    format!(
                        "accessor now follows `{}` (was `{}`)",
                        b.path.join("."),
                        a.path.join(".")
                    ),
                ),
                Some(a) if a.description != b.description => {
                    self.push(Impact::Docs, item, "description changed".to_owned())
                }
                Some(_) => {}
            }
        }
        for a in old.iter().filter(|a| !new.iter().any(|b| b.name == a.name)) {
            self.push(
                Impact::Breaking,
                format!("{owner}::{}", a.name),
                "accessor removed".to_owned(),
            );
        }
    }

    fn named(&mut self, item: &str, old_name: &str, new_name: &str) {
        let (Some(old), Some(new)) = (find(self.old, old_name), find(self.new, new_name)) else {
            return;
        };
        if !same_kind(old, new) {
            self.push(
                Impact::Breaking,
                item.to_owned(),
                format!(
                    "type changed from `{old_name}` ({}) to `{new_name}` ({})",
                    kind(old),
                    kind(new)
                ),
            );
            return;
        }
        if old_name != new_name {
            self.push_rust(
                Impact::Breaking,
                old_name.to_owned(),
                format!("renamed to `{new_name}`"),
            );
        }
        if !self
            .compared
            .insert((old_name.to_owned(), new_name.to_owned()))
        {
            return;
        }
        if old.doc.description != new.doc.description {
            self.push(Impact::Docs, new_name.to_owned(), "description changed");
        }
        match (&old.kind, &new.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                if a.request && !b.request {
                    self.push_rust(
                        Impact::Breaking,
                        new_name.to_owned(),
                        "no request body holds it any more: `new`, its setters and `validate` are gone",
                    );
                } else if !a.request && b.request {
                    self.push_rust(
                        Impact::Additive,
                        new_name.to_owned(),
                        "a request body holds it: it gets `new`, setters and `validate`",
                    );
                }
                self.fields(new_name, &a.fields, &b.fields, a.request && b.request);
                self.accessors(new_name, &a.accessors, &b.accessors);
            }
            (TypeKind::Enum(a), TypeKind::Enum(b)) => {
                let default_of = |e: &crate::ir::Enum| {
                    e.default.as_ref().and_then(|d| {
                        e.variants
                            .iter()
                            .find(|v| &v.rust_name == d)
                            .map(|v| v.wire.clone())
                    })
                };
                match (default_of(a), default_of(b)) {
                    (None, None) => {}
                    (x, y) if x == y => {}
                    (Some(was), None) => self.push(
                        Impact::Breaking,
                        new_name.to_owned(),
                        format!("no default any more (was `{was}`): the `Default` impl is gone"),
                    ),
                    (None, Some(now)) => self.push(
                        Impact::Additive,
                        new_name.to_owned(),
                        format!("now implements `Default` (`{now}`)"),
                    ),
                    (Some(was), Some(now)) => self.push_effect(
                        Impact::Breaking,
                        Effect::Behaviour,
                        new_name.to_owned(),
                        format!("`Default` is now `{now}` (was `{was}`)"),
                    ),
                }
                if a.requests_listed_only != b.requests_listed_only && a.open && b.open {
                    let what = if b.requests_listed_only {
                        "now closed in the spec: as a parameter, only listed values are sent"
                    } else {
                        "now open in the spec: as a parameter, any value is sent"
                    };
                    self.push_effect(Impact::Breaking, Effect::Runtime, new_name.to_owned(), what);
                }
                if a.open != b.open {
                    let what = if b.open {
                        "now open: other values are kept in a new variant instead of rejected"
                    } else {
                        "now closed: other values are rejected"
                    };
                    self.push(Impact::Breaking, new_name.to_owned(), what);
                }
                let old_values: BTreeMap<&str, &str> = a
                    .variants
                    .iter()
                    .map(|v| (v.wire.as_str(), v.rust_name.as_str()))
                    .collect();
                // What adding a value changes besides the new variant: the list constant's
                // type grows, and a response value the crate kept as text is now a variant.
                let (list, kept) = if b.open {
                    ("KNOWN", Some(&b.other_name))
                } else {
                    ("ALL", None)
                };
                for v in &b.variants {
                    match old_values.get(v.wire.as_str()) {
                        None => {
                            let mut message = format!(
                                "allowed value `{}` added; `{new_name}::{list}` becomes `[Self; {}]` (was `[Self; {}]`)",
                                v.wire,
                                b.variants.len(),
                                a.variants.len()
                            );
                            if let (Some(other), true) = (kept, a.open) {
                                message.push_str(&format!(
                                    "; a `{}` the crate read as `{other}(\"{}\")` now reads as `{}` (changes behaviour for code that matched `{other}`)",
                                    v.wire, v.wire, v.rust_name
                                ));
                            }
                            self.push(
                                Impact::Additive,
                                format!("{new_name}::{}", v.rust_name),
                                message,
                            )
                        }
                        Some(before) if *before != v.rust_name => self.push_rust(
                            Impact::Breaking,
                            format!("{old_name}::{before}"),
                            format!(
                                "renamed to `{new_name}::{}` (value `{}`)",
                                v.rust_name, v.wire
                            ),
                        ),
                        Some(_) => {}
                    }
                }
                for v in &a.variants {
                    if !b.variants.iter().any(|n| n.wire == v.wire) {
                        self.push(
                            Impact::Breaking,
                            format!("{old_name}::{}", v.rust_name),
                            format!("allowed value `{}` removed", v.wire),
                        );
                    }
                }
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                if a.property != b.property {
                    // The union's accessor is named after the property, so code that calls it
                    // no longer compiles; crates built before decode every object as unknown.
                    let accessor =
                        |p: &str| crate::naming::field_name(p).unwrap_or_else(|| p.to_owned());
                    self.push_effect(
                        Impact::Breaking,
                        Effect::Compile,
                        new_name.to_owned(),
                        format!(
                            "told apart by `{}` now (was `{}`): the accessor `{}()` is now `{}()`, and crates built before decode every object as `{}`",
                            b.property,
                            a.property,
                            accessor(&a.property),
                            accessor(&b.property),
                            b.unknown_name
                        ),
                    );
                }
                for v in &b.variants {
                    match a.variants.iter().find(|o| o.tag == v.tag) {
                        None => self.push(
                            Impact::Additive,
                            format!("{new_name}::{}", v.rust_name),
                            format!("result type `{}` added (`{}`)", v.tag, v.type_name),
                        ),
                        Some(before) => {
                            if before.rust_name != v.rust_name {
                                self.push_rust(
                                    Impact::Breaking,
                                    format!("{old_name}::{}", before.rust_name),
                                    format!(
                                        "renamed to `{new_name}::{}` (`{}`)",
                                        v.rust_name, v.tag
                                    ),
                                );
                            }
                            let at = format!("{new_name}::{}", v.rust_name);
                            self.named(&at, &before.type_name, &v.type_name);
                        }
                    }
                }
                for v in &a.variants {
                    if !b.variants.iter().any(|n| n.tag == v.tag) {
                        self.push(
                            Impact::Breaking,
                            format!("{old_name}::{}", v.rust_name),
                            format!(
                                "result type `{}` removed (objects with it now decode as `{}`)",
                                v.tag, b.unknown_name
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// The fields of a struct; `request` when a request body holds it before and after (then
    /// its constructor takes the required fields and `validate` checks the bounds).
    fn fields(&mut self, type_name: &str, old: &[Field], new: &[Field], request: bool) {
        for f in new {
            let item = format!("{type_name}::{}", naming::unraw(&f.rust_name));
            let Some(before) = old.iter().find(|o| o.wire_name == f.wire_name) else {
                if request && f.required {
                    self.push_effect(
                        Impact::Breaking,
                        Effect::Compile,
                        item,
                        format!(
                            "required field `{}` added: `{type_name}::new` takes it (`{}`)",
                            f.wire_name,
                            field_type(f)
                        ),
                    );
                } else {
                    self.push(
                        Impact::Additive,
                        item,
                        format!("field `{}` added: `{}`", f.wire_name, field_type(f)),
                    );
                }
                continue;
            };
            if request {
                self.bounds(&item, &f.wire_name, &before.bounds, &f.bounds);
            }
            let (was, now) = (field_type(before), field_type(f));
            if before.is_option() != f.is_option() {
                let what = if f.is_option() {
                    "now optional or nullable"
                } else {
                    "now required and not nullable"
                };
                self.push(
                    Impact::Breaking,
                    item,
                    format!("{what}: `{was}` became `{now}`"),
                );
            } else {
                self.type_use(&item, before.ty.non_null(), f.ty.non_null());
            }
            if before.doc.description != f.doc.description {
                self.push(
                    Impact::Docs,
                    format!("{type_name}::{}", naming::unraw(&f.rust_name)),
                    "description changed",
                );
            }
        }
        for f in old {
            if !new.iter().any(|n| n.wire_name == f.wire_name) {
                self.push(
                    Impact::Breaking,
                    format!("{type_name}::{}", naming::unraw(&f.rust_name)),
                    format!("field `{}` removed", f.wire_name),
                );
            }
        }
    }

    /// Types the walk from the operations did not compare: matched by name, so that a type
    /// added or removed is listed even when the item that uses it is reported too.
    fn unreached_types(&mut self) {
        for def in &self.new.types {
            if self.compared.iter().any(|(_, n)| *n == def.name) {
                continue;
            }
            match find(self.old, &def.name) {
                Some(old) if !self.compared.iter().any(|(o, _)| *o == old.name) => {
                    self.named(&def.name, &old.name, &def.name)
                }
                Some(_) => {}
                None => self.push(
                    Impact::Additive,
                    def.name.clone(),
                    format!("type added ({})", kind(def)),
                ),
            }
        }
        for def in &self.old.types {
            let compared = self.compared.iter().any(|(o, _)| *o == def.name);
            if !compared && find(self.new, &def.name).is_none() {
                self.push(
                    Impact::Breaking,
                    def.name.clone(),
                    format!("type removed ({})", kind(def)),
                );
            }
        }
    }
}

/// Which way a bound tightens.
#[derive(Clone, Copy)]
enum Direction {
    /// A lower bound: raising it tightens.
    Lower,
    /// An upper bound: lowering it tightens.
    Upper,
}

fn default_effect(impact: Impact) -> Effect {
    if impact == Impact::Breaking {
        Effect::Compile
    } else {
        Effect::None
    }
}

fn num(bound: &Option<Number>) -> Option<f64> {
    bound.map(Number::as_f64)
}

fn shown(value: &Option<String>) -> String {
    value
        .as_ref()
        .map_or("nothing".to_owned(), |v| format!("`{v}`"))
}

fn find<'a>(api: &'a Api, name: &str) -> Option<&'a TypeDef> {
    api.types.iter().find(|t| t.name == name)
}

fn same_kind(a: &TypeDef, b: &TypeDef) -> bool {
    matches!(
        (&a.kind, &b.kind),
        (TypeKind::Struct(_), TypeKind::Struct(_))
            | (TypeKind::Enum(_), TypeKind::Enum(_))
            | (TypeKind::Union(_), TypeKind::Union(_))
    )
}

fn kind(def: &TypeDef) -> &'static str {
    match &def.kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(e) if e.open => "open enum",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
    }
}

/// The Rust type of a field as declared.
fn field_type(f: &Field) -> String {
    let inner = render(f.ty.non_null());
    if f.is_option() {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

/// A type as Rust code shows it.
fn render(ty: &Type) -> String {
    crate::rust_type::of(ty).text()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api, doc, get};

    fn with_values(values: &str) -> Api {
        api(&doc(
            &get(
                &format!("[{{name: w, in: query, schema: {{type: string, enum: [{values}]}}}}]"),
                "{type: object}",
            ),
            "",
        ))
    }

    /// The review of a request body's schema change, as (impact, message) pairs.
    fn body_change(old: &str, new: &str) -> Vec<(Impact, String)> {
        let build = |schema: &str| api(&doc(&crate::testing::post(schema), ""));
        diff(&build(old), &build(new))
            .changes
            .into_iter()
            .map(|c| (c.impact, c.message))
            .collect()
    }

    #[test]
    fn request_body_fields_are_reviewed_as_the_constructor_and_validate_see_them() {
        let base =
            "{type: object, required: [amount], properties: {amount: {type: integer, minimum: 1}}}";
        // A new required field: `new` takes another argument.
        let required = body_change(base, "{type: object, required: [amount, currency], properties: {amount: {type: integer, minimum: 1}, currency: {type: string}}}");
        assert!(
            required
                .iter()
                .any(|(i, m)| *i == Impact::Breaking
                    && m.contains("required field `currency` added")),
            "{required:?}"
        );
        // A new optional field: a setter more.
        let optional = body_change(base, "{type: object, required: [amount], properties: {amount: {type: integer, minimum: 1}, note: {type: string}}}");
        assert!(
            optional.iter().all(|(i, _)| *i != Impact::Breaking)
                && optional
                    .iter()
                    .any(|(i, m)| *i == Impact::Additive && m.contains("field `note` added")),
            "{optional:?}"
        );
        // A removed field.
        let removed = body_change("{type: object, required: [amount], properties: {amount: {type: integer}, note: {type: string}}}", "{type: object, required: [amount], properties: {amount: {type: integer}}}");
        assert!(
            removed
                .iter()
                .any(|(i, m)| *i == Impact::Breaking && m.contains("field `note` removed")),
            "{removed:?}"
        );
        // A bound raised: `validate` rejects what it accepted; lowered: additive.
        let tighter = body_change(
            base,
            "{type: object, required: [amount], properties: {amount: {type: integer, minimum: 5}}}",
        );
        assert!(
            tighter
                .iter()
                .any(|(i, m)| *i == Impact::Breaking && m.contains("minimum now 5 (was 1)")),
            "{tighter:?}"
        );
        let looser = body_change(
            base,
            "{type: object, required: [amount], properties: {amount: {type: integer, minimum: 0}}}",
        );
        assert!(
            looser.iter().all(|(i, _)| *i != Impact::Breaking)
                && looser.iter().any(|(_, m)| m.contains("loosened")),
            "{looser:?}"
        );
        // An enum value of a body field removed; one added.
        let values = |v: &str| {
            format!("{{type: object, required: [kind], properties: {{kind: {{type: string, enum: [{v}]}}}}}}")
        };
        let fewer = body_change(&values("email, sms"), &values("email, slack"));
        assert!(
            fewer
                .iter()
                .any(|(i, m)| *i == Impact::Breaking && m.contains("`sms` removed")),
            "{fewer:?}"
        );
        assert!(
            fewer
                .iter()
                .any(|(i, m)| *i == Impact::Additive && m.contains("`slack` added")),
            "{fewer:?}"
        );
        assert!(body_change(base, base).is_empty());
    }

    #[test]
    fn an_added_value_is_additive_and_a_removed_one_breaks() {
        let (old, new) = (with_values("1m, 1d"), with_values("1m, 1h, 1d"));
        let added = diff(&old, &new);
        assert!(!added.is_breaking(), "{:?}", added.changes);
        assert!(
            added
                .changes
                .iter()
                .any(|c| c.impact == Impact::Additive && c.message.contains("`1h`")),
            "{:?}",
            added.changes
        );
        let removed = diff(&new, &old);
        assert!(removed.is_breaking(), "{:?}", removed.changes);
        assert!(diff(&old, &old).changes.is_empty());
    }

    #[test]
    fn a_type_change_is_shown_as_rust_spells_it() {
        let int = api(&doc(
            &get(
                "[{name: n, in: query, schema: {type: integer}}]",
                "{type: object}",
            ),
            "",
        ));
        let list = api(&doc(
            &get(
                "[{name: n, in: query, schema: {type: array, items: {type: integer}}}]",
                "{type: object}",
            ),
            "",
        ));
        let report = diff(&int, &list);
        assert!(report.is_breaking());
        let change = &report.changes[0];
        assert_eq!(change.item, "AParams::n (`n`)");
        assert_eq!(change.message, "type changed from `i64` to `Vec<i64>`");
        assert_eq!(
            (change.impact, change.effect),
            (Impact::Breaking, Effect::Compile)
        );
    }

    #[test]
    fn the_version_line_follows_semver_before_and_after_1_0() {
        let (old, new) = (with_values("1m, 1d"), with_values("1m, 1h, 1d"));
        let added = diff(&old, &new);
        let removed = diff(&new, &old);
        assert_eq!(added.version_bump(), "patch (nothing breaks)");
        assert_eq!(
            added.clone().with_crate_version("0.4.2").version_bump(),
            "patch (nothing breaks): 0.4.2 -> 0.4.3"
        );
        assert_eq!(
            added.with_crate_version("1.4.2").version_bump(),
            "minor (something is added, nothing breaks): 1.4.2 -> 1.5.0"
        );
        assert_eq!(
            removed.clone().with_crate_version("0.4.2").version_bump(),
            "minor (something breaks; under 0.x a breaking change bumps the minor version): 0.4.2 -> 0.5.0"
        );
        assert_eq!(
            removed.with_crate_version("1.4.2").version_bump(),
            "major (something breaks): 1.4.2 -> 2.0.0"
        );
        assert_eq!(diff(&old, &old).version_bump(), "none");
    }
}
