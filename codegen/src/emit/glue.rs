//! The impls that connect the generated types to the runtime: `Request` (and `Paged`) for each
//! operation's parameter struct, `Page` for each response type that operations page through.
//! Everything the runtime needs to know about an operation passes through here.

use proc_macro2::TokenStream;
use quote::quote;

use super::text::{self, Code, Tree};
use super::{ident, rust_type, rust_type_code};
use crate::ir::{Api, Operation, PageShape};

/// `impl Page` for a response type that operations page through.
pub fn page_impl(api: &Api, shape: &PageShape) -> TokenStream {
    let name = ident(&api.ty(shape.ty).name);
    let items = ident(&shape.items.rust_name);
    let item_ty = rust_type(api, &shape.item, &quote!());
    let (into_items, item_count) = if shape.items.optional {
        (
            quote!(self.#items.unwrap_or_default()),
            quote!(self.#items.as_ref().map_or(0, Vec::len)),
        )
    } else {
        (quote!(self.#items), quote!(self.#items.len()))
    };
    let next = ident(&shape.next_cursor.rust_name);
    let next_cursor = if shape.next_cursor.optional {
        quote!(self.#next.as_deref().filter(|c| !c.is_empty()))
    } else {
        quote!(Some(self.#next.as_str()).filter(|c| !c.is_empty()))
    };
    let says_has_more = shape.has_more.is_some();
    let has_more = match &shape.has_more {
        Some(field) => {
            let id = ident(&field.rust_name);
            if field.optional {
                quote!(self.#id.unwrap_or(false))
            } else {
                quote!(self.#id)
            }
        }
        None => quote!(true),
    };
    quote! {
        impl crate::runtime::Page for #name {
            type Item = #item_ty;

            const SAYS_HAS_MORE: bool = #says_has_more;

            fn has_more(&self) -> bool {
                #has_more
            }

            fn next_cursor(&self) -> Option<&str> {
                #next_cursor
            }

            fn item_count(&self) -> usize {
                #item_count
            }

            fn into_items(self) -> Vec<Self::Item> {
                #into_items
            }
        }
    }
}

/// `impl Request` (and `Paged`) for an operation's parameter struct, written as text.
pub fn request_impl(api: &Api, op: &Operation) -> TokenStream {
    let types = "super::types::";
    let response = match &op.response {
        Some(ty) => rust_type_code(api, ty, types),
        None => "::serde_json::Value".to_owned(),
    };
    let response_shape = match &op.response {
        Some(ty) => super::shapes::shape_tree(&crate::describe::shape(
            ty,
            &crate::describe::Arena::default(),
        )),
        None => Tree::word("crate::runtime::unrecognized::Shape::Leaf"),
    };
    let mut code = Code::new();
    code.open(&format!(
        "impl crate::runtime::Request for {}",
        op.params_name
    ))
    .line_of(&["type Response = ", &response, ";"])
    .line_of(&[
        "type ErrorBody = ",
        &rust_type_code(api, &api.error_body, types),
        ";",
    ])
    .line_of(&[
        "const METHOD: ::reqwest::Method = ::reqwest::Method::",
        op.http_method.as_str(),
        ";",
    ])
    .line_of(&[
        "const OPERATION_ID: &'static str = ",
        &text::string(&op.id),
        ";",
    ])
    .line_of(&[
        "const IDEMPOTENT: bool = ",
        if op.idempotent { "true" } else { "false" },
        ";",
    ])
    .statement(
        "const RESPONSE_SHAPE: crate::runtime::unrecognized::Shape = ",
        &response_shape,
        ";",
    )
    .unbreakable(
        "const SHAPES: &'static [crate::runtime::unrecognized::TypeShape] = super::client::SHAPES;",
    )
    .open("fn path(&self) -> String")
    .line("self.to_path()")
    .close("}")
    .open("fn query(&self) -> Vec<(&'static str, String)>")
    .line("self.to_query()")
    .close("}")
    .open("fn check(&self) -> Result<(), crate::runtime::InvalidParam>")
    .line("self.validate()")
    .close("}");
    if let Some(b) = &op.body {
        let id = &b.rust_name;
        code.open("fn json_body(&self) -> Option<::serde_json::Result<Vec<u8>>>");
        if b.required {
            code.line_of(&["Some(::serde_json::to_vec(&self.", id, "))"]);
        } else {
            code.line_of(&["self.", id, ".as_ref().map(::serde_json::to_vec)"]);
        }
        code.close("}");
    }
    code.close("}");
    let request = text::item(code);
    let paged = op.paging.as_ref().map(|paging| {
        let cursor = &op.param(paging.cursor).rust_name;
        let mut code = Code::new();
        code.open(&format!(
            "impl crate::runtime::Paged for {}",
            op.params_name
        ))
        .open("fn set_cursor(&mut self, cursor: Option<String>)")
        .line_of(&["self.", cursor, " = cursor;"])
        .close("}")
        .open("fn cursor(&self) -> Option<&str>")
        .line_of(&["self.", cursor, ".as_deref()"])
        .close("}")
        .close("}");
        text::item(code)
    });
    quote! {
        #request
        #paged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api, doc, parse, trait_impl};

    const PAGED: &str = "x-pagination: {cursor-param: after, next-cursor: last_id, has-more: has_more, items: data}\n";

    fn sample() -> Api {
        let paths = "  /things/{id}:\n    delete:\n      operationId: delete-thing\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}, {name: after, in: query, schema: {type: string}}]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}}}\n";
        let text = doc(paths, "    Page: {type: object, required: [data], properties: {data: {type: array, items: {type: string}}, last_id: {type: string}, has_more: {type: boolean}}}")
            .replace("  schemas: {}\n", "  schemas:\n")
            .replace("paths:\n", &format!("{PAGED}paths:\n"));
        api(&text)
    }

    #[test]
    fn the_request_impl_sends_the_operation_method_and_its_path() {
        let api = sample();
        let file = parse(request_impl(&api, &api.operations[0]));
        let request = trait_impl(&file, "Request", "DeleteThingParams");
        assert!(
            request.contains("const METHOD: ::reqwest::Method = ::reqwest::Method::DELETE;"),
            "{request}"
        );
        assert!(
            request.contains("const OPERATION_ID: &'static str = \"delete-thing\";"),
            "{request}"
        );
        assert!(
            request.contains("type Response = super::types::Page;"),
            "{request}"
        );
        assert!(request.contains("self.to_path()"), "{request}");
        let paged = trait_impl(&file, "Paged", "DeleteThingParams");
        assert!(paged.contains("self.after = cursor;"), "{paged}");
    }

    #[test]
    fn the_page_impl_reads_the_fields_the_style_names() {
        let api = sample();
        let paging = api.operations[0].paging.as_ref().expect("pages");
        let file = parse(page_impl(&api, &paging.page));
        let page = trait_impl(&file, "Page", "Page");
        assert!(page.contains("type Item = String;"), "{page}");
        // Optional `has_more` and `last_id`: absent means no more, and an empty cursor ends too.
        assert!(page.contains("self.has_more.unwrap_or(false)"), "{page}");
        assert!(
            page.contains("self.last_id.as_deref().filter(|c| !c.is_empty())"),
            "{page}"
        );
        assert!(
            page.contains("fn into_items(self) -> Vec<Self::Item> {\n        self.data\n"),
            "{page}"
        );
    }
}
