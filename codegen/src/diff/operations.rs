//! What changes for the client and each operation: the server and key, an operation's method,
//! path, names, response, paging, deprecation and request body.

use std::collections::BTreeMap;

use super::{render, shown, Differ, Effect, Impact};
use crate::ir::{Api, AuthKind, Deprecation, Operation};
use crate::naming;

impl Differ<'_> {
    /// What the client as a whole depends on: the server, where the key comes from and how it
    /// is sent.
    pub(super) fn client(&mut self, old: &Api, new: &Api) {
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

    pub(super) fn operations(&mut self) {
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

    pub(super) fn operation(&mut self, old: &Operation, new: &Operation) {
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
            let how = |op: &Operation, p: &crate::ir::Paging| {
                (
                    op.param(p.cursor).rust_name.clone(),
                    p.page.next_cursor.rust_name.clone(),
                    p.page.has_more.as_ref().map(|h| h.rust_name.clone()),
                    p.page.items.rust_name.clone(),
                )
            };
            if how(old, a) != how(new, b) {
                let describe = |op: &Operation, p: &crate::ir::Paging| {
                    format!(
                        "`{}` from `{}`, items in `{}`",
                        naming::unraw(&op.param(p.cursor).rust_name),
                        naming::unraw(&p.page.next_cursor.rust_name),
                        naming::unraw(&p.page.items.rust_name)
                    )
                };
                self.push_effect(
                    Impact::Breaking,
                    Effect::Behaviour,
                    item.clone(),
                    format!(
                        "pages differently: {} (was {})",
                        describe(new, b),
                        describe(old, a)
                    ),
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
    pub(super) fn body(&mut self, item: &str, old: &Operation, new: &Operation) {
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
                    format!(
                        "takes a request body `{}` ({how})",
                        render(&self.new.types, &b.ty)
                    ),
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

    pub(super) fn deprecation(
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
}
