//! The spec's types as the walk in [`crate::unrecognized`] reads them: what a response may hold.
//! The same table serves `cargo xtask check-response` (built here, in memory) and the generated
//! crate (written out by `emit::shapes`), so both report exactly the same things.

use crate::ir::{Api, Type, TypeKind};
use crate::unrecognized::{ShapeOf, TypeShapeOf, UnrecognizedOf};

/// The memory a table of shapes is built in (the walk's tables hold references: a generated
/// crate's are statics, the generator's live here). Make one, build tables with it, drop it.
#[derive(Default)]
pub struct Arena(bumpalo::Bump);

/// The table of named types, in the order of [`Api::types`] (so a type's index is its position);
/// names and pointers are borrowed from `api`, the rest is built in `arena`.
pub fn types<'a>(api: &'a Api, arena: &'a Arena) -> Vec<TypeShapeOf<'a>> {
    let bump = &arena.0;
    api.types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => TypeShapeOf::Struct {
                schema: &def.pointer,
                fields: bump.alloc_slice_fill_iter(
                    s.fields
                        .iter()
                        .map(|f| (f.wire_name.as_str(), shape(&f.ty, arena))),
                ),
                constants: bump.alloc_slice_fill_iter(
                    s.constants
                        .iter()
                        .map(|c| (c.wire_name.as_str(), c.value.as_str())),
                ),
            },
            TypeKind::Enum(e) => TypeShapeOf::Enum {
                schema: &def.pointer,
                values: bump.alloc_slice_fill_iter(e.variants.iter().map(|v| v.wire.as_str())),
            },
            TypeKind::Union(u) => TypeShapeOf::Union {
                schema: &def.pointer,
                property: &u.property,
                variants: bump
                    .alloc_slice_fill_iter(u.variants.iter().map(|v| (v.tag.as_str(), v.ty.0))),
            },
        })
        .collect()
}

/// The shape of one use of a type.
pub fn shape<'a>(ty: &Type, arena: &'a Arena) -> ShapeOf<'a> {
    let inner = |ty: &Type| &*arena.0.alloc(shape(ty, arena));
    match ty {
        Type::Integer
        | Type::Number
        | Type::Decimal
        | Type::Timestamp
        | Type::Boolean
        | Type::String
        | Type::Any => ShapeOf::Leaf,
        Type::Named(id) => ShapeOf::Named(id.0),
        Type::Array(item) => ShapeOf::Array(inner(item)),
        Type::Map(value) => ShapeOf::Map(inner(value)),
        Type::Nullable(value) => ShapeOf::Nullable(inner(value)),
    }
}

/// What a response body of `operation_id` holds that the spec does not describe.
pub fn check_response<'a>(
    api: &'a Api,
    arena: &'a Arena,
    operation_id: &str,
    body: &serde_json::Value,
) -> Result<Vec<UnrecognizedOf<'a>>, String> {
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
    let table = types(api, arena);
    Ok(crate::unrecognized::unrecognized(
        &table,
        &shape(response, arena),
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
        let arena = Arena::default();
        assert_eq!(shape(&response, &arena), ShapeOf::Array(&ShapeOf::Named(0)));
        let types = types(&api, &arena);
        assert!(
            matches!(&types[0], TypeShapeOf::Struct { fields, .. } if fields.len() == 1 && fields[0].0 == "unit" && fields[0].1 == ShapeOf::Named(1)),
            "{types:?}"
        );
        assert!(
            matches!(&types[1], TypeShapeOf::Enum { schema, values } if values == &["tokens"] && *schema == "#/components/schemas/U"),
            "{types:?}"
        );
    }
}
