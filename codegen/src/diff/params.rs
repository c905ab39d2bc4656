//! What changes for an operation's parameters: added, removed, required, typed, bounded
//! (and the bounds of a request body's fields, which `validate` checks the same way).

use std::collections::{BTreeMap, BTreeSet};

use super::{num, Differ, Direction, Effect, Impact};
use crate::ir::{MaximumBy, Operation, Param, Type};
use crate::naming;

impl Differ<'_> {
    pub(super) fn params(&mut self, old_op: &Operation, new_op: &Operation) {
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
            self.param_rules(&item, (old_op, before), (new_op, p));
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
    /// Each side is the operation and its parameter: rules that name another parameter are
    /// compared by that parameter's wire name.
    pub(super) fn param_rules(
        &mut self,
        item: &str,
        (old_op, old): (&Operation, &Param),
        (new_op, new): (&Operation, &Param),
    ) {
        let wire = &new.wire_name;
        let (a, b) = (&old.bounds, &new.bounds);
        self.bounds(item, wire, a, b);
        self.maximum_by(item, wire, (old_op, &a.maximum_by), (new_op, &b.maximum_by));
        let than = |op: &Operation, r: &Option<crate::ir::ParamId>| {
            r.map(|id| op.param(id).wire_name.clone())
        };
        match (than(old_op, &a.greater_than), than(new_op, &b.greater_than)) {
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
    pub(super) fn bounds(
        &mut self,
        item: &str,
        wire: &str,
        a: &crate::ir::Bounds,
        b: &crate::ir::Bounds,
    ) {
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
    pub(super) fn bound(
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
    pub(super) fn maximum_by(
        &mut self,
        item: &str,
        wire: &str,
        (old_op, old): (&Operation, &Option<MaximumBy>),
        (new_op, new): (&Operation, &Option<MaximumBy>),
    ) {
        let values = |m: &Option<MaximumBy>| -> BTreeMap<String, f64> {
            m.iter()
                .flat_map(|m| &m.values)
                .map(|(k, v)| (k.clone(), *v as f64))
                .collect()
        };
        let (was, now) = (values(old), values(new));
        let keys: BTreeSet<&String> = was.keys().chain(now.keys()).collect();
        let basis = match (new, old) {
            (Some(m), _) => Some(new_op.param(m.param).wire_name.clone()),
            (None, Some(m)) => Some(old_op.param(m.param).wire_name.clone()),
            (None, None) => None,
        };
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
                        new_op.param(b.param).wire_name,
                        b.default,
                        a.default
                    ),
                );
            }
        }
    }
}
