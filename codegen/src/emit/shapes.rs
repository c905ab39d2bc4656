//! The table of the spec's types that the client walks to report what a response holds that the
//! spec does not describe (`ClientBuilder::on_unrecognized`); built by [`crate::describe`].

use proc_macro2::TokenStream;

use super::text::{string, Code, Tree};
use crate::ir::Api;
use crate::unrecognized::{ShapeOf, TypeShapeOf};

/// `static SHAPES`, one entry per named type, in the order of `Api::types`. Written as text
/// ([`super::text`]): on a large spec this table is a sixth of the generated code.
pub fn table(api: &Api) -> TokenStream {
    // Only the operations' `Request` impls read it.
    if api.operations.is_empty() {
        return TokenStream::new();
    }
    let arena = crate::describe::Arena::default();
    let entries: Vec<Tree> = crate::describe::types(api, &arena)
        .iter()
        .map(|shape| match shape {
            TypeShapeOf::Struct {
                schema,
                fields,
                constants,
            } => {
                let fields = fields
                    .iter()
                    .map(|(wire, shape)| {
                        Tree::list("(", vec![Tree::word(string(wire)), shape_tree(shape)], ")")
                    })
                    .collect();
                let constants = constants
                    .iter()
                    .map(|(wire, value)| {
                        Tree::list(
                            "(",
                            vec![Tree::word(string(wire)), Tree::word(string(value))],
                            ")",
                        )
                    })
                    .collect();
                Tree::fields(
                    &format!("{PATH}::TypeShape::Struct"),
                    vec![
                        Tree::prefixed("schema: ", Tree::word(string(schema))),
                        Tree::prefixed("fields: ", Tree::list("&[", fields, "]")),
                        Tree::prefixed("constants: ", Tree::list("&[", constants, "]")),
                    ],
                )
            }
            TypeShapeOf::Enum { schema, values } => Tree::fields(
                &format!("{PATH}::TypeShape::Enum"),
                vec![
                    Tree::prefixed("schema: ", Tree::word(string(schema))),
                    Tree::prefixed(
                        "values: ",
                        Tree::list(
                            "&[",
                            values.iter().map(|v| Tree::word(string(v))).collect(),
                            "]",
                        ),
                    ),
                ],
            ),
            TypeShapeOf::Union {
                schema,
                property,
                variants,
            } => {
                let variants = variants
                    .iter()
                    .map(|(tag, index)| {
                        Tree::list(
                            "(",
                            vec![Tree::word(string(tag)), Tree::word(index.to_string())],
                            ")",
                        )
                    })
                    .collect();
                Tree::fields(
                    &format!("{PATH}::TypeShape::Union"),
                    vec![
                        Tree::prefixed("schema: ", Tree::word(string(schema))),
                        Tree::prefixed("property: ", Tree::word(string(property))),
                        Tree::prefixed("variants: ", Tree::list("&[", variants, "]")),
                    ],
                )
            }
        })
        .collect();
    let mut code = Code::new();
    code.doc(
        "The spec's types as the check for unrecognized response content reads them, in the\n\
         order `Shape::Named` indexes them.",
    );
    let head = format!("pub(super) static SHAPES: &[{PATH}::TypeShape] = &[");
    if entries.is_empty() {
        code.line(&format!("{head}];"));
    } else {
        code.line(&head).indented(|code| {
            for (i, entry) in entries.iter().enumerate() {
                code.element(entry, i + 1 == entries.len());
            }
        });
        code.line("];");
    }
    super::text::item(code)
}

/// Where the walk's types are, in the generated crate.
const PATH: &str = "crate::runtime::unrecognized";

/// A `Shape` as a constant expression, written as text.
pub(super) fn shape_tree(shape: &ShapeOf<'_>) -> Tree {
    let call = |variant: &str, argument: Tree| {
        Tree::list(format!("{PATH}::Shape::{variant}("), vec![argument], ")")
    };
    match shape {
        ShapeOf::Leaf => Tree::word(format!("{PATH}::Shape::Leaf")),
        ShapeOf::Named(index) => call("Named", Tree::word(index.to_string())),
        ShapeOf::Array(inner) => call("Array", Tree::prefixed("&", shape_tree(inner))),
        ShapeOf::Map(inner) => call("Map", Tree::prefixed("&", shape_tree(inner))),
        ShapeOf::Nullable(inner) => call("Nullable", Tree::prefixed("&", shape_tree(inner))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api, doc, get};

    #[test]
    fn the_table_has_one_entry_per_type_in_order_and_names_fields_by_wire_name() {
        let text = doc(&get("[]", "{$ref: '#/components/schemas/R'}"), "    R: {type: object, properties: {unit: {$ref: '#/components/schemas/U'}, n: {type: integer}}}\n    U: {type: string, enum: [tokens]}")
            .replace("  schemas: {}\n", "  schemas:\n");
        let api = api(&text);
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["R", "U"]);
        let table =
            crate::emit::print(&crate::testing::parse(table(&api))).replace([' ', '\n'], "");
        crate::emit::text::take_blocks();
        let r = table.find("TypeShape::Struct{schema:\"#/components/schemas/R\",fields:&[(\"unit\",crate::runtime::unrecognized::Shape::Named(1)),(\"n\",crate::runtime::unrecognized::Shape::Leaf),]");
        let u =
            table.find("TypeShape::Enum{schema:\"#/components/schemas/U\",values:&[\"tokens\"],}");
        assert!(r.is_some() && u.is_some() && r < u, "{table}");
    }

    #[test]
    fn a_crate_without_operations_has_no_table() {
        let api = api(&doc("  {}", ""));
        assert!(table(&api).is_empty());
    }
}
