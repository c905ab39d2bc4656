//! `params.rs`: one parameter struct per operation, with its constructor (the required
//! parameters), chainable setters (the optional ones), the query it sends and the checks it makes
//! before sending.

use proc_macro2::TokenStream;
use quote::quote;

use super::param_checks::{checks, listed_only, segment_check};
use super::text::{self, Code};
use super::{docs, ident, rust_type, rust_type_code};
use crate::ir::{Api, Location, Operation, Param, PathPart, Type, TypeKind};
use crate::naming;

/// The parameter structs of `operations[range]`; with `head`, the module's doc comment first.
pub fn file(
    api: &Api,
    range: std::ops::Range<usize>,
    head: bool,
    options: &crate::Options,
) -> TokenStream {
    // One parameter struct carries the example (each doctest is a compilation of its own);
    // which one is found once, not per operation.
    let shown = super::examples::showcase(api).map(|op| op.id.as_str());
    let items = api.operations[range].iter().map(|op| {
        let example = (shown == Some(op.id.as_str()))
            .then(|| super::examples::params(api, op, options))
            .flatten();
        let params = operation(api, op, example);
        let request = super::glue::request_impl(api, op);
        quote!(#params #request)
    });
    let doc = if head {
        quote! {
            #![doc = " The parameters of each operation."]
            // Deprecated operations and parameters stay usable; only their users are warned.
            #![allow(deprecated)]
        }
    } else {
        quote!()
    };
    quote! {
        #doc
        #(#items)*
    }
}

fn types_path() -> TokenStream {
    quote!(super::types::)
}

fn operation(api: &Api, op: &Operation, example: Option<String>) -> TokenStream {
    let name = ident(&op.params_name);
    let (id, method, path) = (&op.id, op.http_method.as_str(), &op.path.template);
    let mut text = format!("Parameters of `{method} {path}` (operation `{id}`).");
    if let Some(summary) = &op.summary {
        text = format!("{}\n\n{text}", docs::sanitize(summary));
    }
    if let Some(description) = &op.description {
        text.push_str(&format!("\n\n{}", docs::sanitize(description)));
    }
    text.push_str(
        "\n\nRequired parameters are the arguments of [`new`](Self::new); each optional one has a \
         chainable setter of the same name and is not sent while unset.",
    );
    match &op.body {
        Some(b) if b.required => text.push_str(&format!(
            " The JSON request body is the last argument of `new` (`{}`); `validate` checks it too.",
            naming::unraw(&b.rust_name)
        )),
        Some(b) => text.push_str(&format!(
            " The JSON request body is optional: set it with [`{0}`](Self::{0}); `validate` checks it too.",
            naming::unraw(&b.rust_name)
        )),
        None => {}
    }
    if let Some(example) = example {
        text.push_str("\n\n");
        text.push_str(&example);
    }
    let doc = docs::attrs(&text);
    let struct_deprecated = super::deprecated(&op.deprecated);

    let body = op.body.as_ref().map(|b| Body::of(api, b));
    let fields = op.params.iter().map(|p| {
        let id = ident(&p.rust_name);
        let ty = field_type(api, p);
        quote!(#id: #ty,)
    });
    let body_field = body.as_ref().map(|b| {
        let (id, ty) = (&b.id, &b.ty);
        if b.required {
            quote!(#id: #ty,)
        } else {
            quote!(#id: Option<#ty>,)
        }
    });
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let body_arg = body.as_ref().filter(|b| b.required).map(|b| {
        let (id, ty) = (&b.id, &b.ty);
        quote!(#id: #ty)
    });
    let args = required
        .iter()
        .map(|p| {
            let id = ident(&p.rust_name);
            let ty = arg_type(api, p);
            quote!(#id: #ty)
        })
        .chain(body_arg);
    let body_init = body.as_ref().map(|b| {
        let id = &b.id;
        if b.required {
            quote!(#id)
        } else {
            quote!(#id: None)
        }
    });
    let inits = op
        .params
        .iter()
        .map(|p| {
            let id = ident(&p.rust_name);
            match (p.required, is_array(p)) {
                (true, true) => quote!(#id: #id.into_iter().map(Into::into).collect()),
                (true, false) if is_string(p) || is_timestamp(p) => quote!(#id: #id.into()),
                (true, false) => quote!(#id),
                (false, true) => quote!(#id: Vec::new()),
                (false, false) => quote!(#id: None),
            }
        })
        .chain(body_init);
    let mut new_doc = String::from(
        "Creates the parameters from the required ones; every optional one starts unset.",
    );
    for p in &required {
        new_doc.push_str(&format!(
            "\n\n`{}`: {}",
            p.rust_name.trim_start_matches("r#"),
            param_doc_text(p, &op.params)
        ));
    }
    if let Some(b) = body.as_ref().filter(|b| b.required) {
        new_doc.push_str(&format!("\n\n`{}`: {}", b.name, b.doc));
    }
    let new_doc = docs::attrs(&new_doc);
    let body_setter = body.as_ref().filter(|b| !b.required).map(|b| {
        let (id, ty) = (&b.id, &b.ty);
        let doc = docs::attrs(&b.doc);
        quote! {
            #doc
            pub fn #id(mut self, #id: #ty) -> Self {
                self.#id = Some(#id);
                self
            }
        }
    });
    let setters = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| setter(api, p, &op.params))
        .chain(body_setter);
    let body_check = body.as_ref().and_then(|b| {
        let (id, name) = (&b.id, &b.name);
        let check = b.validated.then(|| {
            quote!(value.validate().map_err(|e| e.within(#name).in_operation(Self::OPERATION_ID))?;)
        })?;
        Some(if b.required {
            quote! {
                {
                    let value = &self.#id;
                    #check
                }
            }
        } else {
            quote! {
                if let Some(value) = &self.#id {
                    #check
                }
            }
        })
    });
    // With nothing required, every field starts empty: that is `Default`, and clippy wants it.
    let (derive_default, body) =
        if required.is_empty() && !body.as_ref().is_some_and(|b| b.required) {
            (quote!(Default,), quote!(Self::default()))
        } else {
            (quote!(), quote!(Self { #(#inits,)* }))
        };
    let query: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .map(query_push)
        .collect();
    let query_body = if query.is_empty() {
        quote!(Vec::new())
    } else {
        quote! {
            let mut query = Vec::new();
            #(#query)*
            query
        }
    };
    let checks = op.params.iter().map(|p| {
        let listed = listed_only(api, p);
        let bounds = checks(p, op);
        let segment = segment_check(p);
        quote!(#segment #listed #bounds)
    });
    let to_path = to_path(op);

    quote! {
        #doc
        #[derive(Clone, Debug, #derive_default PartialEq)]
        #[must_use]
        #struct_deprecated
        pub struct #name {
            #(#fields)*
            #body_field
        }

        impl #name {
            /// The `operationId` of the operation these parameters are for.
            pub const OPERATION_ID: &'static str = #id;
            /// The HTTP method of the operation.
            pub const METHOD: &'static str = #method;
            /// The path template of the operation, relative to the server URL, as the spec
            /// writes it; [`to_path`](Self::to_path) fills its placeholders in.
            pub const PATH: &'static str = #path;

            #new_doc
            pub fn new(#(#args),*) -> Self {
                #body
            }

            #(#setters)*

            #to_path

            /// The query string as `(name, value)` pairs, in the order the spec lists the
            /// parameters, exactly as they are sent (before percent-encoding): enums as their wire
            /// strings, booleans as `true`/`false`, arrays as the spec's style says. Unset
            /// parameters are left out.
            pub fn to_query(&self) -> Vec<(&'static str, String)> {
                #query_body
            }

            /// Checks the bounds the spec states, and that each path parameter can be one path
            /// segment, so that a request the API would reject (or a different path) is not sent.
            pub fn validate(&self) -> Result<(), crate::runtime::InvalidParam> {
                #(#checks)*
                #body_check
                Ok(())
            }
        }
    }
}

/// An operation's request body as a field of its parameter struct.
struct Body {
    id: proc_macro2::Ident,
    /// The field's name, as errors and docs name it.
    name: String,
    ty: TokenStream,
    required: bool,
    /// The body is a struct with its own `validate`.
    validated: bool,
    doc: String,
}

impl Body {
    fn of(api: &Api, b: &crate::ir::RequestBody) -> Body {
        let presence = if b.required { "Required." } else { "Optional." };
        let lead = format!("The JSON request body. {presence}");
        Body {
            id: ident(&b.rust_name),
            name: naming::unraw(&b.rust_name).to_owned(),
            ty: rust_type(api, &b.ty, &types_path()),
            required: b.required,
            validated: matches!(&b.ty, Type::Named(id) if matches!(&api.ty(*id).kind, TypeKind::Struct(s) if s.request)),
            doc: docs::item(b.description.as_deref(), &lead),
        }
    }
}

/// `to_path`: the template with each path parameter percent-encoded as one segment.
fn to_path(op: &Operation) -> TokenStream {
    let pieces = op.path.parts.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(path.push_str(#text);),
        PathPart::Param(id) => {
            let p = op.param(*id);
            let id = ident(&p.rust_name);
            if is_string(p) {
                quote!(path.push_str(&crate::runtime::path::segment(&self.#id));)
            } else {
                quote!(path.push_str(&crate::runtime::path::segment(&self.#id.to_string()));)
            }
        }
    });
    let body = if op
        .path
        .parts
        .iter()
        .all(|p| matches!(p, PathPart::Literal(_)))
    {
        let template = &op.path.template;
        quote!(#template.to_owned())
    } else {
        quote! {
            let mut path = String::new();
            #(#pieces)*
            path
        }
    };
    quote! {
        /// The path as sent, relative to the server URL: every path parameter fills exactly one
        /// segment, percent-encoded (a `/`, `?`, `#`, `%`, space or non-ASCII character in a
        /// value is data, never part of the path's syntax).
        pub fn to_path(&self) -> String {
            #body
        }
    }
}

pub(super) fn is_array(p: &Param) -> bool {
    matches!(p.ty.non_null(), Type::Array(_))
}

pub(super) fn is_string(p: &Param) -> bool {
    matches!(p.ty.non_null(), Type::String)
}

pub(super) fn is_timestamp(p: &Param) -> bool {
    matches!(p.ty.non_null(), Type::Timestamp)
}

/// `value` as the text sent for it: a timestamp as its Unix seconds, anything else as printed.
fn wire_text(ty: &Type, value: TokenStream) -> TokenStream {
    match ty.non_null() {
        Type::Timestamp => quote!(#value.as_unix_seconds().to_string()),
        _ => quote!(#value.to_string()),
    }
}

/// The stored type: arrays as a `Vec` (empty = unset), optional scalars as an `Option`.
fn field_type(api: &Api, p: &Param) -> TokenStream {
    let ty = rust_type(api, p.ty.non_null(), &types_path());
    if p.required || is_array(p) {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// The argument type of the constructor or setter.
fn arg_type(api: &Api, p: &Param) -> TokenStream {
    arg_type_code(api, p)
        .parse()
        .expect("a Rust type written by the generator")
}

/// [`arg_type`] written as text.
fn arg_type_code(api: &Api, p: &Param) -> String {
    let types = "super::types::";
    match p.ty.non_null() {
        Type::Array(item) => format!(
            "impl IntoIterator<Item = impl Into<{}>>",
            rust_type_code(api, item, types)
        ),
        Type::String => "impl Into<String>".into(),
        Type::Timestamp => "impl Into<crate::runtime::Timestamp>".into(),
        other => rust_type_code(api, other, types),
    }
}

fn param_doc_text(p: &Param, params: &[Param]) -> String {
    let presence = if p.required { "Required." } else { "Optional." };
    let place = match p.location {
        Location::Query => "Query",
        Location::Path => "Path",
    };
    let lead = format!("{place} parameter `{}`. {presence}", p.wire_name);
    let facts = docs::facts(&p.doc, lead, Some(&p.bounds), params);
    docs::item(p.doc.description.as_deref(), &facts)
}

fn setter(api: &Api, p: &Param, params: &[Param]) -> TokenStream {
    let (id, setter) = (&p.rust_name, &p.setter_name);
    let assign = if is_array(p) {
        format!("self.{id} = {id}.into_iter().map(Into::into).collect();")
    } else if is_string(p) || is_timestamp(p) {
        format!("self.{id} = Some({id}.into());")
    } else {
        format!("self.{id} = Some({id});")
    };
    let mut code = Code::member();
    code.doc(&docs::visible(&param_doc_text(p, params)));
    if let Some(note) = super::deprecation_note(&p.deprecated) {
        code.line_of(&["#[deprecated(note = ", &text::string(&note), ")]"]);
    }
    code.open(&format!(
        "pub fn {setter}(mut self, {id}: {}) -> Self",
        arg_type_code(api, p)
    ))
    .line(&assign)
    .line("self")
    .close("}");
    text::member(code)
}

fn query_push(p: &Param) -> TokenStream {
    let id = ident(&p.rust_name);
    let wire = &p.wire_name;
    let item = match p.ty.non_null() {
        Type::Array(item) => item.as_ref(),
        other => other,
    };
    let text = wire_text(item, quote!(value));
    match (is_array(p), p.explode, p.required) {
        (true, true, _) => quote! {
            for value in &self.#id {
                query.push((#wire, #text));
            }
        },
        (true, false, _) => {
            let map = match item.non_null() {
                Type::Timestamp => quote!(|value| #text),
                _ => quote!(ToString::to_string),
            };
            quote! {
                if !self.#id.is_empty() {
                    let values: Vec<String> = self.#id.iter().map(#map).collect();
                    query.push((#wire, values.join(",")));
                }
            }
        }
        (false, _, true) => {
            let text = wire_text(item, quote!(self.#id));
            quote!(query.push((#wire, #text));)
        }
        (false, _, false) => quote! {
            if let Some(value) = &self.#id {
                query.push((#wire, #text));
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api, doc, get, methods, parse};

    fn printed(params: &str) -> (String, Vec<String>) {
        let api = api(&doc(&get(params, "{type: object}"), ""));
        let file = parse(file(
            &api,
            0..1,
            true,
            &crate::Options::for_spec(std::path::Path::new("t.yaml")),
        ));
        let names = methods(&file, "AParams");
        (super::super::print(&file), names)
    }

    #[test]
    fn required_parameters_are_arguments_of_new_and_optional_ones_have_setters() {
        let (text, names) = printed("[{name: start_time, in: query, required: true, schema: {type: integer}}, {name: limit, in: query, schema: {type: integer}}]");
        assert!(
            text.contains("pub fn new(start_time: i64) -> Self"),
            "{text}"
        );
        assert!(names.contains(&"limit".to_string()), "{names:?}");
        assert!(!names.contains(&"start_time".to_string()), "{names:?}");
        // Fields are private: values reach them through `new` and the setters only.
        assert!(text.contains("    limit: Option<i64>,"), "{text}");
        assert!(!text.contains("pub limit"), "{text}");
    }

    #[test]
    fn bounds_become_checks_that_name_the_parameter() {
        let (text, _) = printed(
            "[{name: limit, in: query, schema: {type: integer, minimum: 1, exclusiveMaximum: 32}}]",
        );
        assert!(text.contains("if value < 1 {"), "{text}");
        assert!(text.contains("if value >= 32 {"), "{text}");
        assert!(text.contains("\"limit\",\n"), "{text}");
        assert!(
            text.contains("format!(\"{value} is below the minimum, 1\")"),
            "{text}"
        );
    }

    #[test]
    fn arrays_are_sent_as_repeated_keys_or_joined_as_the_style_says() {
        let (text, _) = printed("[{name: ids, in: query, schema: {type: array, items: {type: string}}}, {name: tags, in: query, explode: false, schema: {type: array, items: {type: string}}}]");
        assert!(text.contains("for value in"), "{text}");
        assert!(text.contains(".join(\",\")"), "{text}");
    }
}
