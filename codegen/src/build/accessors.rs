//! `x-accessors`: methods of an object that follow a path of possibly absent fields to a value,
//! read with the object and resolved once every type is built.

use crate::error::Result;
use crate::ir::{Accessor, AccessorStep, Type, TypeDef, TypeId, TypeKind};
use crate::load::Node;
use crate::naming::{self, Scope};

/// The `x-accessors` of an object schema, their paths still to be followed (once every type is
/// built: `resolve_accessors`). Each is `name: {path: [field, ...], description: ...}`; the name
/// must be a snake_case method name no field of the object takes.
pub(super) fn accessors(node: &Node<'_>, fields: &Scope) -> Result<Vec<Accessor>> {
    let Some(list) = node.get("x-accessors") else {
        return Ok(Vec::new());
    };
    let mut accessors = Vec::new();
    for (name, spec) in list.entries()? {
        if naming::field_name(&name).as_deref() != Some(name.as_str()) || name.starts_with("r#") {
            return Err(spec.error(format!(
                "`{name}` must be a snake_case Rust method name (like `amount_value`)"
            )));
        }
        if fields.contains(&name) {
            return Err(spec.error(format!("`{name}` is also a field of this object")));
        }
        let path = spec
            .get("path")
            .ok_or_else(|| spec.error("missing `path`: the fields to follow, outermost first"))?
            .items()?
            .into_iter()
            .map(|step| step.as_str().map(str::to_owned))
            .collect::<Result<Vec<_>>>()?;
        if path.len() < 2 {
            return Err(spec.error("`path` follows at least two fields (one is the field itself)"));
        }
        let description = spec
            .str("description")?
            .map(str::to_owned)
            .ok_or_else(|| spec.error("missing `description`: say what the method returns"))?;
        accessors.push(Accessor {
            name,
            description,
            path,
            steps: Vec::new(),
            ty: Type::Any,
        });
    }
    Ok(accessors)
}

/// Follows the path of every accessor through the built types: each step a field of the object
/// the step before reaches (the last may be of any type), named in errors by the schema's place.
pub(super) fn resolve_accessors(types: &mut [TypeDef], file: &std::path::Path) -> Result<()> {
    let snapshot: Vec<TypeDef> = types.to_vec();
    for (index, def) in types.iter_mut().enumerate() {
        let TypeKind::Struct(structure) = &mut def.kind else {
            continue;
        };
        let pointer = format!("{}/x-accessors", def.pointer);
        for accessor in &mut structure.accessors {
            let error = |message: String| {
                crate::error::Error::at(file, &format!("{pointer}/{}", accessor.name), message)
            };
            let mut steps = Vec::new();
            let mut current = TypeId(index);
            let mut reached = Type::Any;
            for (index, wire) in accessor.path.iter().enumerate() {
                let fields = match &snapshot[current.0].kind {
                    TypeKind::Struct(s) => &s.fields,
                    _ => {
                        return Err(error(format!(
                            "`{}` leads to `{}`, which is not an object with fields",
                            accessor.path[..index].join("."),
                            snapshot[current.0].name
                        )))
                    }
                };
                let field = fields
                    .iter()
                    .find(|f| &f.wire_name == wire)
                    .ok_or_else(|| {
                        error(format!(
                            "`{}` has no field `{wire}`",
                            snapshot[current.0].name
                        ))
                    })?;
                steps.push(AccessorStep {
                    rust_name: field.rust_name.clone(),
                    option: field.is_option(),
                });
                reached = field.ty.non_null().clone();
                if let Type::Named(next) = &reached {
                    current = *next;
                }
            }
            accessor.steps = steps;
            accessor.ty = reached;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeKind;
    use crate::testing::{api, at, error, kind, with_schemas as with};

    #[test]
    fn an_accessor_follows_its_path_and_a_bad_path_is_named() {
        let spec = |path: &str| {
            with(&format!("    R: {{type: object, x-accessors: {{inner_n: {{path: {path}, description: The n.}}}}, properties: {{inner: {{$ref: '#/components/schemas/I'}}}}}}\n    I: {{type: object, properties: {{n: {{type: integer}}}}}}"))
        };
        let api = api(&spec("[inner, n]"));
        let TypeKind::Struct(r) = kind(&api, "R") else {
            panic!("a struct")
        };
        let accessor = &r.accessors[0];
        assert_eq!(accessor.ty, crate::ir::Type::Integer);
        let steps: Vec<(&str, bool)> = accessor
            .steps
            .iter()
            .map(|s| (s.rust_name.as_str(), s.option))
            .collect();
        assert_eq!(steps, [("inner", true), ("n", true)]);
        let e = error(&spec("[inner, m]"));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/R/x-accessors/inner_n");
        assert_eq!(message, "`I` has no field `m`");
    }
}
