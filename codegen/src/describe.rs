//! The spec's types as the walk in [`crate::unrecognized`] reads them: what a response may hold.
//! The same table serves `cargo xtask check-response` (built here, in memory) and the generated
//! crate (written out by `emit::shapes`), so both report exactly the same things.

use crate::ir::{Api, Type, TypeKind};
use crate::unrecognized::{Shape, TypeShape, Unrecognized};

/// The table of named types, in the order of [`Api::types`] (so a type's index is its position).
pub fn types(api: &Api) -> Vec<TypeShape> {
    api.types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => TypeShape::Struct {
                schema: leak_str(&def.pointer),
                fields: leak(
                    s.fields
                        .iter()
                        .map(|f| (leak_str(&f.wire_name), shape(&f.ty)))
                        .collect(),
                ),
                constants: leak(
                    s.constants
                        .iter()
                        .map(|c| (leak_str(&c.wire_name), leak_str(&c.value)))
                        .collect(),
                ),
            },
            TypeKind::Enum(e) => TypeShape::Enum {
                schema: leak_str(&def.pointer),
                values: leak(e.variants.iter().map(|v| leak_str(&v.wire)).collect()),
            },
            TypeKind::Union(u) => TypeShape::Union {
                schema: leak_str(&def.pointer),
                property: leak_str(&u.property),
                variants: leak(
                    u.variants
                        .iter()
                        .map(|v| (leak_str(&v.tag), v.ty.0))
                        .collect(),
                ),
            },
        })
        .collect()
}

/// The shape of one use of a type.
pub fn shape(ty: &Type) -> Shape {
    match ty {
        Type::Integer
        | Type::Number
        | Type::Decimal
        | Type::Timestamp
        | Type::Boolean
        | Type::String
        | Type::Any => Shape::Leaf,
        Type::Named(id) => Shape::Named(id.0),
        Type::Array(item) => Shape::Array(Box::leak(Box::new(shape(item)))),
        Type::Map(value) => Shape::Map(Box::leak(Box::new(shape(value)))),
        Type::Nullable(inner) => Shape::Nullable(Box::leak(Box::new(shape(inner)))),
    }
}

// The walk's tables are `'static` so that generated crates can hold them in statics; here they
// are built once per command and live until it ends.
fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// What a response body of `operation_id` holds that the spec does not describe.
pub fn check_response(
    api: &Api,
    operation_id: &str,
    body: &serde_json::Value,
) -> Result<Vec<Unrecognized>, String> {
    let Some(op) = api.operations.iter().find(|o| o.id == operation_id) else {
        let ids = api.operations.iter().map(|o| o.id.as_str());
        let hint = crate::import::closest(operation_id, ids)
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        let all: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
        return Err(format!(
            "no operation `{operation_id}` in the spec{hint}; its operations: {}",
            all.join(", ")
        ));
    };
    let Some(response) = &op.response else {
        return Err(format!(
            "operation `{operation_id}` has no JSON response in the spec"
        ));
    };
    let table = types(api);
    Ok(crate::unrecognized::unrecognized(
        &table,
        &shape(response),
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api, doc, get};

    #[test]
    fn types_are_described_by_wire_names_and_indexes() {
        let text = doc(&get("[]", "{type: array, items: {$ref: '#/components/schemas/R'}}"), "    R: {type: object, properties: {unit: {$ref: '#/components/schemas/U'}}}\n    U: {type: string, enum: [tokens]}")
            .replace("  schemas: {}\n", "  schemas:\n");
        let api = api(&text);
        let response = api.operations[0].response.clone().unwrap();
        assert_eq!(shape(&response), Shape::Array(&Shape::Named(0)));
        let types = types(&api);
        assert!(
            matches!(&types[0], TypeShape::Struct { fields, .. } if fields.len() == 1 && fields[0].0 == "unit" && fields[0].1 == Shape::Named(1)),
            "{types:?}"
        );
        assert!(
            matches!(&types[1], TypeShape::Enum { schema, values } if values == &["tokens"] && *schema == "#/components/schemas/U"),
            "{types:?}"
        );
    }
}
