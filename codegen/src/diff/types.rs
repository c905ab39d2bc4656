//! What changes for named types: structs (their fields, accessors, and for request structs the
//! constructor and bounds), enums (values, openness, default) and unions (members), and types
//! added or removed.

use std::collections::BTreeMap;

use super::{field_type, find, kind, render, same_kind, Differ, Effect, Impact};
use crate::ir::{Accessor, Field, Openness, Type, TypeKind};
use crate::naming;

impl Differ<'_> {
    /// Compares the types at one use site (a parameter, a field, a response).
    pub(super) fn type_use(&mut self, item: &str, old: &Type, new: &Type) {
        match (old, new) {
            (Type::Nullable(a), Type::Nullable(b)) => self.type_use(item, a, b),
            (Type::Array(a), Type::Array(b)) | (Type::Map(a), Type::Map(b)) => {
                self.type_use(item, a, b)
            }
            (Type::Named(a), Type::Named(b)) => {
                let (a, b) = (self.old.ty(*a).name.clone(), self.new.ty(*b).name.clone());
                self.named(item, &a, &b)
            }
            (a, b) if a == b => {}
            _ => self.push(
                Impact::Breaking,
                item.to_owned(),
                format!(
                    "type changed from `{}` to `{}`",
                    render(&self.old.types, old),
                    render(&self.new.types, new)
                ),
            ),
        }
    }

    /// `x-accessors` of a struct, matched by method name.
    pub(super) fn accessors(&mut self, owner: &str, old: &[Accessor], new: &[Accessor]) {
        for b in new {
            let item = format!("{owner}::{}", b.name);
            match old.iter().find(|a| a.name == b.name) {
                None => self.push(
                    Impact::Additive,
                    item,
                    format!("accessor added (follows `{}`)", b.path.join(".")),
                ),
                Some(a) if render(&self.old.types, &a.ty) != render(&self.new.types, &b.ty) => self
                    .push(
                        Impact::Breaking,
                        item,
                        format!(
                            "accessor now returns `{}` (was `{}`)",
                            render(&self.new.types, &b.ty),
                            render(&self.old.types, &a.ty)
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

    pub(super) fn named(&mut self, item: &str, old_name: &str, new_name: &str) {
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
                match (a.openness, b.openness) {
                    (x, y) if x == y => {}
                    (Openness::Open, Openness::OpenInResponses) => self.push_effect(
                        Impact::Breaking,
                        Effect::Runtime,
                        new_name.to_owned(),
                        "now closed in the spec: as a parameter, only listed values are sent",
                    ),
                    (Openness::OpenInResponses, Openness::Open) => self.push_effect(
                        Impact::Breaking,
                        Effect::Runtime,
                        new_name.to_owned(),
                        "now open in the spec: as a parameter, any value is sent",
                    ),
                    (Openness::Closed, _) => self.push(
                        Impact::Breaking,
                        new_name.to_owned(),
                        "now open: other values are kept in a new variant instead of rejected",
                    ),
                    (_, Openness::Closed) => self.push(
                        Impact::Breaking,
                        new_name.to_owned(),
                        "now closed: other values are rejected",
                    ),
                    _ => unreachable!("every pair of different opennesses is above"),
                }
                let old_values: BTreeMap<&str, &str> = a
                    .variants
                    .iter()
                    .map(|v| (v.wire.as_str(), v.rust_name.as_str()))
                    .collect();
                // What adding a value changes besides the new variant: the list constant's
                // type grows, and a response value the crate kept as text is now a variant.
                let (list, kept) = if b.openness.is_open() {
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
                            if let (Some(other), true) = (kept, a.openness.is_open()) {
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
                            format!(
                                "result type `{}` added (`{}`)",
                                v.tag,
                                self.new.ty(v.ty).name
                            ),
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
                            let (was, now) = (
                                self.old.ty(before.ty).name.clone(),
                                self.new.ty(v.ty).name.clone(),
                            );
                            self.named(&at, &was, &now);
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
    pub(super) fn fields(&mut self, type_name: &str, old: &[Field], new: &[Field], request: bool) {
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
                            field_type(&self.new.types, f)
                        ),
                    );
                } else {
                    self.push(
                        Impact::Additive,
                        item,
                        format!(
                            "field `{}` added: `{}`",
                            f.wire_name,
                            field_type(&self.new.types, f)
                        ),
                    );
                }
                continue;
            };
            if request {
                self.bounds(&item, &f.wire_name, &before.bounds, &f.bounds);
            }
            let (was, now) = (
                field_type(&self.old.types, before),
                field_type(&self.new.types, f),
            );
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
    pub(super) fn unreached_types(&mut self) {
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
