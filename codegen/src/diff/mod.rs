//! The diff: what changes for users of the generated crate between two specs.
//!
//! Both specs are built into the IR and compared by wire identity: operations by `operationId`,
//! parameters and properties by wire name, enum values by their string, union members by their
//! discriminator value. Rust names are what the report shows; when the same wire thing gets
//! another Rust name, that is reported as a rename. Each change is marked for code that uses the
//! generated crate (whose types are `#[non_exhaustive]`, so new values, variants and fields are
//! additive): breaking, additive, or docs only.

mod operations;
mod params;
mod report;
mod types;

use std::collections::BTreeSet;

use crate::ir::{Api, Field, Number, Type, TypeDef, TypeKind};

pub use report::{Change, Effect, Impact, Report};

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
    api.type_named(name).map(|id| api.ty(id))
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
        TypeKind::Enum(e) if e.openness.is_open() => "open enum",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
    }
}

/// The Rust type of a field as declared.
fn field_type(types: &[TypeDef], f: &Field) -> String {
    let inner = render(types, f.ty.non_null());
    if f.is_option() {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

/// A type of the API whose named types are `types`, as Rust code shows it.
fn render(types: &[TypeDef], ty: &Type) -> String {
    crate::rust_type::of(types, ty).text()
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

    /// The diff of a request body's schema change, as (impact, message) pairs.
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
}
