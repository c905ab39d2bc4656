//! Cross-checks over the whole build, made once every operation and type is known: enums a
//! response can hold are opened, client method names must not collide, and no type may contain
//! itself directly.

use crate::error::Result;
use crate::ir::{Openness, Operation, Type, TypeDef, TypeId, TypeKind};
use crate::load::Node;
use crate::naming;
use crate::naming::Scope;

/// Every named type reachable from `starts`: the types themselves, inside lists, maps and
/// nullables, through struct fields and union members, at any depth; each once, in the order
/// reached.
fn reachable<'t>(types: &[TypeDef], starts: impl IntoIterator<Item = &'t Type>) -> Vec<TypeId> {
    fn named(ty: &Type, out: &mut Vec<TypeId>) {
        match ty {
            Type::Named(id) => out.push(*id),
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => named(inner, out),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    for ty in starts {
        named(ty, &mut pending);
    }
    let mut seen = std::collections::HashSet::new();
    let mut order = Vec::new();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        order.push(id);
        match &types[id.0].kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| named(&f.ty, &mut pending)),
            TypeKind::Union(u) => pending.extend(u.variants.iter().map(|v| v.ty)),
            TypeKind::Enum(_) => {}
        }
    }
    order
}

/// Opens every closed enum a response can hold (alone, in a list or map, in a field, in a union
/// member, at any depth), so that a value the API adds decodes instead of failing the page.
/// Parameters of such an enum still send listed values only (`Openness::OpenInResponses`).
pub(super) fn open_response_enums(types: &mut [TypeDef], operations: &[Operation]) {
    let responses = operations
        .iter()
        .flat_map(|op| op.response.iter().chain(&op.error));
    for id in reachable(types, responses) {
        if let TypeKind::Enum(e) = &mut types[id.0].kind {
            if e.openness == Openness::Closed {
                e.openness = Openness::OpenInResponses;
            }
        }
    }
}

/// Marks every struct a request body holds (at any depth) as one the user builds: it gets a
/// constructor, setters and `validate`. A union in a request body is refused at its schema (the
/// generator builds union values only by decoding them).
pub(super) fn mark_request_types(
    types: &mut [TypeDef],
    operations: &[Operation],
    file: &std::path::Path,
) -> Result<()> {
    let bodies = operations
        .iter()
        .filter_map(|op| op.body.as_ref().map(|b| &b.ty));
    for id in reachable(types, bodies) {
        let def = &mut types[id.0];
        match &mut def.kind {
            TypeKind::Struct(s) => s.request = true,
            TypeKind::Union(_) => {
                return Err(crate::error::Error::at(
                    file,
                    &def.pointer,
                    format!(
                        "`{}` is a union that a request body holds, which this generator does not support (it builds unions only by decoding them): leave the operation out of the spec",
                        def.name
                    ),
                ))
            }
            TypeKind::Enum(_) => {}
        }
    }
    Ok(())
}

/// Every method the client gets from the operations is unique and leaves the client's own alone.
pub(super) fn check_client_methods(root: &Node<'_>, operations: &[Operation]) -> Result<()> {
    let mut scope = Scope::default();
    for method in crate::reserved::CLIENT_METHODS {
        scope
            .claim(method, "the client itself")
            .expect("fresh scope");
    }
    for op in operations {
        let mut methods = vec![
            op.method_name.clone(),
            format!("{}_with_response", op.method_name),
        ];
        if let Some(paging) = &op.paging {
            methods.push(paging.pages_method.clone());
            methods.push(paging.items_method.clone());
        }
        for method in methods {
            let owner = format!("operation `{}`", op.id);
            if let Err(first) = scope.claim(naming::unraw(&method), &owner) {
                return Err(crate::error::Error::at(
                    root.file(),
                    &op.pointer,
                    format!("the client method `{method}` of operation `{}` is already taken by {first}; give one of them another name with `x-method-name`", op.id),
                ));
            }
        }
    }
    Ok(())
}

/// A type that holds itself directly (not through a list or a map) would have no finite size.
pub(super) fn check_finite(root: &Node<'_>, types: &[TypeDef]) -> Result<()> {
    fn direct(ty: &Type) -> Option<TypeId> {
        match ty {
            Type::Named(id) => Some(*id),
            Type::Nullable(inner) => direct(inner),
            _ => None,
        }
    }
    let edges = |def: &TypeDef| -> Vec<(String, TypeId)> {
        match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| direct(&f.ty).map(|t| (f.wire_name.clone(), t)))
                .collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| (v.tag.clone(), v.ty)).collect(),
            TypeKind::Enum(_) => Vec::new(),
        }
    };
    for (index, start) in types.iter().enumerate() {
        // Depth-first from `start`, looking for a way back to it.
        let mut stack = vec![(TypeId(index), vec![start.name.clone()])];
        let mut seen = std::collections::HashSet::new();
        while let Some((id, path)) = stack.pop() {
            for (via, target) in edges(&types[id.0]) {
                let mut path = path.clone();
                path.push(format!("{via} -> {}", types[target.0].name));
                if target.0 == index {
                    return Err(crate::error::Error::at(
                        root.file(),
                        &start.pointer,
                        format!(
                            "`{}` contains itself ({}) other than through a list or map, so it would have no finite size",
                            start.name,
                            path.join(": ")
                        ),
                    ));
                }
                if seen.insert(target) {
                    stack.push((target, path));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeKind;
    use crate::testing::{api, at, doc, error, get};

    fn with(params: &str, components: &str) -> String {
        doc(&get(params, "{$ref: '#/components/schemas/R'}"), components)
            .replace("  schemas: {}\n", "  schemas:\n")
    }

    #[test]
    fn a_union_in_a_request_body_is_refused_at_its_schema_and_structs_are_marked() {
        let union = "{type: object, required: [channel], properties: {channel: {$ref: '#/components/schemas/U'}}}";
        let components = "    U: {oneOf: [{$ref: '#/components/schemas/A'}], discriminator: {propertyName: kind}}\n    A: {type: object, required: [kind], properties: {kind: {type: string, enum: [a]}}}";
        let spec = doc(&crate::testing::post(union), components)
            .replace("  schemas: {}\n", "  schemas:\n");
        let e = error(&spec);
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/U");
        assert!(
            message.contains("a union that a request body holds"),
            "{message}"
        );
        let nested =
            "{type: object, properties: {inner: {type: object, properties: {n: {type: integer}}}}}";
        let api = api(&doc(&crate::testing::post(nested), ""));
        let request = |name: &str| matches!(crate::testing::kind(&api, name), TypeKind::Struct(s) if s.request);
        assert!(request("ABody") && request("ABodyInner"));
    }

    #[test]
    fn enums_a_response_holds_are_opened_and_parameter_enums_stay_closed() {
        let api = api(&with(
            "[{name: p, in: query, schema: {$ref: '#/components/schemas/P'}}]",
            "    R: {type: object, properties: {list: {type: array, items: {$ref: '#/components/schemas/E'}}}}\n    E: {type: string, enum: [x]}\n    P: {type: string, enum: [y]}",
        ));
        let open = |name: &str| match &api.types.iter().find(|t| t.name == name).unwrap().kind {
            TypeKind::Enum(e) => e.openness.is_open(),
            _ => panic!("{name} is an enum"),
        };
        assert!(open("E"));
        assert!(!open("P"));
    }

    #[test]
    fn an_operation_may_not_take_a_method_of_the_client() {
        let text =
            with("[]", "    R: {type: object}").replace("operationId: a", "operationId: builder");
        let e = error(&text);
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/paths/~1a/get");
        assert!(message.starts_with("the client method `builder` of operation `builder` is already taken by the client itself"), "{message}");
    }

    #[test]
    fn a_type_that_contains_itself_directly_is_refused_and_through_a_list_is_not() {
        let e = error(&with("[]", "    R: {type: object, required: [next], properties: {next: {$ref: '#/components/schemas/R'}}}"));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/R");
        assert_eq!(message, "`R` contains itself (R: next -> R) other than through a list or map, so it would have no finite size");
        api(&with("[]", "    R: {type: object, properties: {children: {type: array, items: {$ref: '#/components/schemas/R'}}}}"));
    }
}
