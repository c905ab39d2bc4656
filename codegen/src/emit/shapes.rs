//! The table of the spec's types that the client walks to report what a response holds that the
//! spec does not describe (`ClientBuilder::on_unrecognized`); built by [`crate::describe`].

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Api;
use crate::unrecognized::{Shape, TypeShape};

/// `static SHAPES`, one entry per named type, in the order of `Api::types`.
pub fn table(api: &Api) -> TokenStream {
    // Only the operations' `Request` impls read it.
    if api.operations.is_empty() {
        return TokenStream::new();
    }
    let entries = crate::describe::types(api)
        .into_iter()
        .map(|shape| match shape {
            TypeShape::Struct {
                schema,
                fields,
                constants,
            } => {
                let fields = fields.iter().map(|(wire, shape)| {
                    let shape = shape_tokens(shape);
                    quote!((#wire, #shape))
                });
                let constants = constants
                    .iter()
                    .map(|(wire, value)| quote!((#wire, #value)));
                quote!(crate::runtime::unrecognized::TypeShape::Struct {
                    schema: #schema,
                    fields: &[#(#fields),*],
                    constants: &[#(#constants),*],
                })
            }
            TypeShape::Enum { schema, values } => {
                quote!(crate::runtime::unrecognized::TypeShape::Enum { schema: #schema, values: &[#(#values),*] })
            }
            TypeShape::Union {
                schema,
                property,
                variants,
            } => {
                let variants = variants.iter().map(|(tag, index)| {
                    let index = proc_macro2::Literal::usize_unsuffixed(*index);
                    quote!((#tag, #index))
                });
                quote!(crate::runtime::unrecognized::TypeShape::Union {
                    schema: #schema,
                    property: #property,
                    variants: &[#(#variants),*],
                })
            }
        });
    quote! {
        /// The spec's types as the check for unrecognized response content reads them, in the
        /// order `Shape::Named` indexes them.
        pub(super) static SHAPES: &[crate::runtime::unrecognized::TypeShape] = &[#(#entries),*];
    }
}

/// A `Shape` as a constant expression.
pub fn shape_tokens(shape: &Shape) -> TokenStream {
    let path = quote!(crate::runtime::unrecognized::Shape);
    match shape {
        Shape::Leaf => quote!(#path::Leaf),
        Shape::Named(index) => {
            let index = proc_macro2::Literal::usize_unsuffixed(*index);
            quote!(#path::Named(#index))
        }
        Shape::Array(inner) => {
            let inner = shape_tokens(inner);
            quote!(#path::Array(&#inner))
        }
        Shape::Map(inner) => {
            let inner = shape_tokens(inner);
            quote!(#path::Map(&#inner))
        }
        Shape::Nullable(inner) => {
            let inner = shape_tokens(inner);
            quote!(#path::Nullable(&#inner))
        }
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
        let table = table(&api).to_string().replace(' ', "");
        let r = table.find("TypeShape::Struct{schema:\"#/components/schemas/R\",fields:&[(\"unit\",crate::runtime::unrecognized::Shape::Named(1)),(\"n\",crate::runtime::unrecognized::Shape::Leaf)]");
        let u =
            table.find("TypeShape::Enum{schema:\"#/components/schemas/U\",values:&[\"tokens\"]}");
        assert!(r.is_some() && u.is_some() && r < u, "{table}");
    }

    #[test]
    fn a_crate_without_operations_has_no_table() {
        let api = api(&doc("  {}", ""));
        assert!(table(&api).is_empty());
    }
}
