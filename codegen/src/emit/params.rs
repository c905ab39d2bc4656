//! `params.rs`: one parameter struct per operation, with its constructor (the required
//! parameters), chainable setters (the optional ones), the query it sends and the checks it makes
//! before sending.

use proc_macro2::TokenStream;
use quote::quote;

use super::param_checks::{checks, listed_only, segment_check};
use super::text::{self, Code, Tree};
use super::{docs, ident, rust_type_code};
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

fn operation(api: &Api, op: &Operation, example: Option<String>) -> TokenStream {
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
    let body = op.body.as_ref().map(|b| Body::of(api, b));
    let definition = definition(api, op, &text, body.as_ref());
    let name = ident(&op.params_name);
    let constants = constants(op);
    let new = constructor(api, op, body.as_ref());
    let body_setter = body.as_ref().filter(|b| !b.required).map(|b| {
        let mut code = Code::member();
        code.doc(&b.doc);
        chainable(
            &mut code,
            &b.rust_name,
            &b.rust_name,
            Tree::code(b.ty.clone()),
            &format!("self.{0} = Some({0});", b.rust_name),
        );
        text::member(code)
    });
    let setters = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| setter(api, p, &op.params))
        .chain(body_setter);
    let to_path = to_path(op);
    let to_query = to_query(op);
    let validate = validate(api, op, body.as_ref());
    quote! {
        #definition

        impl #name {
            #constants
            #new
            #(#setters)*
            #to_path
            #to_query
            #validate
        }
    }
}

/// The parameter struct itself: a private field per parameter (and the body).
fn definition(api: &Api, op: &Operation, doc: &str, body: Option<&Body>) -> TokenStream {
    let required = op.params.iter().any(|p| p.required) || body.is_some_and(|b| b.required);
    let mut code = Code::new();
    code.doc(doc).line_of(&[
        "#[derive(Clone, Debug, ",
        // With nothing required, every field starts empty: that is `Default`, and clippy
        // wants it.
        if required { "" } else { "Default, " },
        "PartialEq)]",
    ]);
    code.line("#[must_use]");
    super::deprecated_line(&mut code, &op.deprecated);
    let name = &op.params_name;
    if op.params.is_empty() && body.is_none() {
        code.line_of(&["pub struct ", name, " {}"]);
        return text::item(code);
    }
    code.open(&format!("pub struct {name}"));
    for p in &op.params {
        code.line_of(&[&p.rust_name, ": ", &field_type_code(api, p), ","]);
    }
    if let Some(b) = body {
        if b.required {
            code.line_of(&[&b.rust_name, ": ", &b.ty, ","]);
        } else {
            code.line_of(&[&b.rust_name, ": Option<", &b.ty, ">,"]);
        }
    }
    code.close("}");
    text::item(code)
}

/// The operation's identity as constants.
fn constants(op: &Operation) -> TokenStream {
    let mut code = Code::member();
    code.line("/// The `operationId` of the operation these parameters are for.")
        .line_of(&[
            "pub const OPERATION_ID: &'static str = ",
            &text::string(&op.id),
            ";",
        ])
        .line("/// The HTTP method of the operation.")
        .line_of(&[
            "pub const METHOD: &'static str = ",
            &text::string(op.http_method.as_str()),
            ";",
        ])
        .line("/// The path template of the operation, relative to the server URL, as the spec")
        .line("/// writes it; [`to_path`](Self::to_path) fills its placeholders in.")
        .line_of(&[
            "pub const PATH: &'static str = ",
            &text::string(&op.path.template),
            ";",
        ]);
    text::member(code)
}

/// `new`, from the required parameters (and a required body).
fn constructor(api: &Api, op: &Operation, body: Option<&Body>) -> TokenStream {
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let mut doc = String::from(
        "Creates the parameters from the required ones; every optional one starts unset.",
    );
    for p in &required {
        doc.push_str(&format!(
            "\n\n`{}`: {}",
            naming::unraw(&p.rust_name),
            param_doc_text(p, &op.params)
        ));
    }
    let required_body = body.filter(|b| b.required);
    if let Some(b) = required_body {
        doc.push_str(&format!("\n\n`{}`: {}", b.name, b.doc));
    }
    let args = required
        .iter()
        .map(|p| Tree::prefixed(&format!("{}: ", p.rust_name), arg_type(api, p)))
        .chain(required_body.map(|b| Tree::code(format!("{}: {}", b.rust_name, b.ty))))
        .collect();
    let mut code = Code::member();
    code.doc(&doc)
        .statement("pub fn new", &Tree::list("(", args, ")"), " -> Self {")
        .indented(|code| {
            if required.is_empty() && required_body.is_none() {
                code.line("Self::default()");
                return;
            }
            let inits = op
                .params
                .iter()
                .map(|p| {
                    let id = &p.rust_name;
                    Tree::code(match (p.required, is_array(p)) {
                        (true, true) => format!("{id}: {id}.into_iter().map(Into::into).collect()"),
                        (true, false) if is_string(p) || is_timestamp(p) => {
                            format!("{id}: {id}.into()")
                        }
                        (true, false) => id.clone(),
                        (false, true) => format!("{id}: Vec::new()"),
                        (false, false) => format!("{id}: None"),
                    })
                })
                .chain(body.map(|b| {
                    Tree::code(if b.required {
                        b.rust_name.clone()
                    } else {
                        format!("{}: None", b.rust_name)
                    })
                }))
                .collect();
            code.statement("", &Tree::fields("Self", inits), "");
        })
        .line("}");
    text::member(code)
}

/// `validate`: the parameters' bounds and path segments, and the body's own `validate`.
fn validate(api: &Api, op: &Operation, body: Option<&Body>) -> TokenStream {
    let body_check = body.and_then(|b| {
        let (id, name) = (ident(&b.rust_name), &b.name);
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
    let checks = op.params.iter().map(|p| {
        let listed = listed_only(api, p);
        let bounds = checks(p, op);
        let segment = segment_check(p);
        quote!(#segment #listed #bounds)
    });
    quote! {
        /// Checks the bounds the spec states, and that each path parameter can be one path
        /// segment, so that a request the API would reject (or a different path) is not sent.
        pub fn validate(&self) -> Result<(), crate::runtime::InvalidParam> {
            #(#checks)*
            #body_check
            Ok(())
        }
    }
}

/// `to_query`: the query parameters as `(name, value)` pairs.
fn to_query(op: &Operation) -> TokenStream {
    let mut code = Code::member();
    code.line("/// The query string as `(name, value)` pairs, in the order the spec lists the")
        .line("/// parameters, exactly as they are sent (before percent-encoding): enums as their wire")
        .line("/// strings, booleans as `true`/`false`, arrays as the spec's style says. Unset")
        .line("/// parameters are left out.")
        .open("pub fn to_query(&self) -> Vec<(&'static str, String)>");
    let query: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .collect();
    if query.is_empty() {
        code.line("Vec::new()");
    } else {
        code.line("let mut query = Vec::new();");
        for p in query {
            query_push(&mut code, p);
        }
        code.line("query");
    }
    code.close("}");
    text::member(code)
}

/// An operation's request body as a field of its parameter struct.
struct Body {
    rust_name: String,
    /// The field's name, as errors and docs name it.
    name: String,
    /// Its type, written as code.
    ty: String,
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
            rust_name: b.rust_name.clone(),
            name: naming::unraw(&b.rust_name).to_owned(),
            ty: rust_type_code(api, &b.ty, TYPES),
            required: b.required,
            validated: matches!(&b.ty, Type::Named(id) if matches!(&api.ty(*id).kind, TypeKind::Struct(s) if s.request)),
            doc: docs::item(b.description.as_deref(), &lead),
        }
    }
}

/// `to_path`: the template with each path parameter percent-encoded as one segment.
fn to_path(op: &Operation) -> TokenStream {
    let mut code = Code::member();
    code.line(
        "/// The path as sent, relative to the server URL: every path parameter fills exactly one",
    )
    .line("/// segment, percent-encoded (a `/`, `?`, `#`, `%`, space or non-ASCII character in a")
    .line("/// value is data, never part of the path's syntax).")
    .open("pub fn to_path(&self) -> String");
    if op
        .path
        .parts
        .iter()
        .all(|p| matches!(p, PathPart::Literal(_)))
    {
        code.line_of(&[&text::string(&op.path.template), ".to_owned()"]);
    } else {
        code.line("let mut path = String::new();");
        for part in &op.path.parts {
            match part {
                PathPart::Literal(literal) => {
                    code.line_of(&["path.push_str(", &text::string(literal), ");"]);
                }
                PathPart::Param(id) => {
                    let p = op.param(*id);
                    let value = if is_string(p) {
                        format!("&self.{}", p.rust_name)
                    } else {
                        format!("&self.{}.to_string()", p.rust_name)
                    };
                    code.line_of(&[
                        "path.push_str(&crate::runtime::path::segment(",
                        &value,
                        "));",
                    ]);
                }
            }
        }
        code.line("path");
    }
    code.close("}");
    text::member(code)
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
fn wire_text(ty: &Type, value: &str) -> String {
    match ty.non_null() {
        Type::Timestamp => format!("{value}.as_unix_seconds().to_string()"),
        _ => format!("{value}.to_string()"),
    }
}

/// Where `params.rs` finds the spec's types.
const TYPES: &str = "super::types::";

/// The stored type: arrays as a `Vec` (empty = unset), optional scalars as an `Option`.
fn field_type_code(api: &Api, p: &Param) -> String {
    let ty = rust_type_code(api, p.ty.non_null(), TYPES);
    if p.required || is_array(p) {
        ty
    } else {
        format!("Option<{ty}>")
    }
}

/// The argument type of the constructor or setter, as code: generic arguments break as a list
/// when the type does not fit on its line.
fn arg_type(api: &Api, p: &Param) -> Tree {
    match p.ty.non_null() {
        Type::Array(item) => Tree::list(
            "impl IntoIterator<",
            vec![Tree::list(
                "Item = impl Into<",
                vec![Tree::code(rust_type_code(api, item, TYPES))],
                ">",
            )],
            ">",
        ),
        Type::String => Tree::code("impl Into<String>"),
        Type::Timestamp => Tree::code("impl Into<crate::runtime::Timestamp>"),
        other => Tree::code(rust_type_code(api, other, TYPES)),
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
    code.doc(&param_doc_text(p, params));
    super::deprecated_line(&mut code, &p.deprecated);
    chainable(&mut code, setter, id, arg_type(api, p), &assign);
    text::member(code)
}

/// A chainable setter: `pub fn method(mut self, arg: ty) -> Self { assign; self }`.
fn chainable(code: &mut Code, method: &str, arg: &str, ty: Tree, assign: &str) {
    let args = vec![
        Tree::code("mut self"),
        Tree::prefixed(&format!("{arg}: "), ty),
    ];
    code.statement(
        &format!("pub fn {method}"),
        &Tree::list("(", args, ")"),
        " -> Self {",
    )
    .indented(|code| {
        code.line(assign).line("self");
    })
    .line("}");
}

fn query_push(code: &mut Code, p: &Param) {
    let (id, wire) = (&p.rust_name, text::string(&p.wire_name));
    let item = match p.ty.non_null() {
        Type::Array(item) => item.as_ref(),
        other => other,
    };
    let push = |code: &mut Code, value: &str| {
        code.line_of(&["query.push((", &wire, ", ", value, "));"]);
    };
    match (is_array(p), p.explode, p.required) {
        (true, true, _) => {
            code.open(&format!("for value in &self.{id}"));
            push(code, &wire_text(item, "value"));
            code.close("}");
        }
        (true, false, _) => {
            let map = match item.non_null() {
                Type::Timestamp => format!("|value| {}", wire_text(item, "value")),
                _ => "ToString::to_string".to_owned(),
            };
            code.open(&format!("if !self.{id}.is_empty()")).line_of(&[
                "let values: Vec<String> = self.",
                id,
                ".iter().map(",
                &map,
                ").collect();",
            ]);
            push(code, "values.join(\",\")");
            code.close("}");
        }
        (false, _, true) => push(code, &wire_text(item, &format!("self.{id}"))),
        (false, _, false) => {
            code.open(&format!("if let Some(value) = &self.{id}"));
            push(code, &wire_text(item, "value"));
            code.close("}");
        }
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
