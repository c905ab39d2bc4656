//! Helpers for the unit tests beside each module: a small spec in, the IR (or the error) out.

use std::path::Path;

use crate::ir::{Api, Operation};
use crate::Error;

/// A 3.1 document with `paths` and `components` (YAML in flow or block style, indented by two).
pub fn doc(paths: &str, components: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{title: Test, version: '1'}}\npaths:\n{paths}\ncomponents:\n  schemas: {{}}\n{components}\n"
    )
}

/// One `GET /a` operation `a` with these parameters (a YAML flow list) answering `schema`.
pub fn get(params: &str, schema: &str) -> String {
    format!(
        "  /a:\n    get:\n      operationId: a\n      parameters: {params}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\n"
    )
}

/// One `POST /a` operation `a` taking a required JSON body of `schema` (a YAML flow mapping).
pub fn post(schema: &str) -> String {
    format!(
        "  /a:\n    post:\n      operationId: a\n      requestBody: {{required: true, content: {{application/json: {{schema: {schema}}}}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: object}}\n"
    )
}

/// A document whose one operation answers the component schema `R`, with these component
/// schemas (YAML lines indented by four).
pub fn with_schemas(components: &str) -> String {
    doc(&get("[]", "{$ref: '#/components/schemas/R'}"), components)
        .replace("  schemas: {}\n", "  schemas:\n")
}

/// What the named type `name` of `api` is.
pub fn kind<'a>(api: &'a Api, name: &str) -> &'a crate::ir::TypeKind {
    let id = api
        .type_named(name)
        .unwrap_or_else(|| panic!("no type {name}"));
    &api.ty(id).kind
}

/// The IR of `text`; a build error fails the test with its message.
pub fn api(text: &str) -> Api {
    crate::api_from_str(Path::new("test.yaml"), text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The one operation of `text`.
pub fn operation(text: &str) -> Operation {
    api(text).operations.remove(0)
}

/// The error building `text` gives (the test fails if it builds).
pub fn error(text: &str) -> Error {
    match crate::api_from_str(Path::new("test.yaml"), text) {
        Ok(_) => panic!("expected an error for\n{text}"),
        Err(e) => e,
    }
}

/// The JSON pointer of an error, and its message.
pub fn at(error: &Error) -> (&str, &str) {
    match &error.place {
        crate::Place::Pointer(p) => (p.as_str(), error.message.as_str()),
        other => panic!("expected a pointer, found {other:?}: {}", error.message),
    }
}

/// Generated tokens parsed as a file (the test fails if they are not Rust), with the items
/// written as text (`emit::text`) spliced in: the file as it is generated.
pub fn parse(tokens: proc_macro2::TokenStream) -> syn::File {
    let file: syn::File = syn::parse2(tokens.clone()).unwrap_or_else(|e| panic!("{e}\n{tokens}"));
    let printed = crate::emit::print(&file);
    crate::emit::text::take_blocks();
    syn::parse_file(&printed).unwrap_or_else(|e| panic!("{e}\n{printed}"))
}

/// The names of the functions in the inherent `impl` blocks of `type_name` in `file`.
pub fn methods(file: &syn::File, type_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(self_ty) = imp.self_ty.as_ref() else {
            continue;
        };
        if imp.trait_.is_some() || !self_ty.path.is_ident(type_name) {
            continue;
        }
        for item in &imp.items {
            if let syn::ImplItem::Fn(f) = item {
                out.push(f.sig.ident.to_string());
            }
        }
    }
    out
}

/// The impl of `trait_name` for `type_name` in `file`, printed.
pub fn trait_impl(file: &syn::File, trait_name: &str, type_name: &str) -> String {
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let (Some((path, _)), syn::Type::Path(self_ty)) = (&imp.trait_, imp.self_ty.as_ref())
        else {
            continue;
        };
        let last = path.segments.last().map(|s| s.ident.to_string());
        if last.as_deref() == Some(trait_name) && self_ty.path.is_ident(type_name) {
            let file: syn::File = syn::parse_quote!(#item);
            return crate::emit::print(&file);
        }
    }
    panic!("no impl {trait_name} for {type_name}")
}
