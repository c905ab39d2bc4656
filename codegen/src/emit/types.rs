//! `types.rs`: one Rust item per named type of the spec.

use proc_macro2::TokenStream;
use quote::quote;

use super::text::{self, Code, Tree};
use super::{docs, ident, rust_type, rust_type_code};
use crate::ir::{Api, Enum, Field, Openness, Struct, Type, TypeDef, TypeId, TypeKind};
use crate::naming;

/// The named types `types[range]`; with `head`, the module's doc comment first.
pub fn file(
    api: &Api,
    range: std::ops::Range<usize>,
    head: bool,
    options: &crate::Options,
) -> TokenStream {
    let start = range.start;
    let items = api.types[range].iter().enumerate().map(|(i, def)| {
        let id = TypeId(start + i);
        let item = type_def(api, def, &origin(api, id, def), options);
        // A response type that operations page through reads as a page (once, however many
        // operations share it).
        let page = api
            .operations
            .iter()
            .filter_map(|op| op.paging.as_ref())
            .find(|paging| paging.page.ty == id)
            .map(|paging| super::glue::page_impl(api, &paging.page));
        quote!(#item #page)
    });
    let doc = if head {
        quote!(#![doc = " The types of the spec's schemas: request enums, response objects and unions."])
    } else {
        quote!()
    };
    quote! {
        #doc
        #(#items)*
    }
}

fn type_def(api: &Api, def: &TypeDef, origin: &str, options: &crate::Options) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => structure(api, def, s, origin),
        TypeKind::Enum(e) => enumeration(def, e, origin),
        TypeKind::Union(u) => super::unions::union(api, def, u, origin, options),
    }
}

/// Where a type comes from, in words: the spec's schema of that name, the values of an
/// operation's parameter, or a property of another schema; the JSON pointer when none fits.
fn origin(api: &Api, id: TypeId, def: &TypeDef) -> String {
    let segments: Vec<String> = def
        .pointer
        .trim_start_matches("#/")
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let uses = |ty: &Type| {
        matches!(ty.non_null(), Type::Named(n) if *n == id)
            || matches!(ty.non_null(), Type::Array(item) if matches!(item.non_null(), Type::Named(n) if *n == id))
    };
    match segments.as_slice() {
        [components, schemas, name] if components == "components" && schemas == "schemas" => {
            format!("The spec's schema `{name}`.")
        }
        [components, schemas, parent, .., properties, field]
            if components == "components" && schemas == "schemas" && properties == "properties" =>
        {
            format!("The `{field}` property of the spec's schema `{parent}`.")
        }
        _ if api
            .operations
            .iter()
            .any(|op| op.body.as_ref().is_some_and(|b| uses(&b.ty))) =>
        {
            let op = api
                .operations
                .iter()
                .find(|op| op.body.as_ref().is_some_and(|b| uses(&b.ty)))
                .expect("just found");
            let method = naming::unraw(&op.method_name);
            format!(
                "The request body of [`Client::{method}`](super::client::Client::{method}) (`{} {}`).",
                op.http_method, op.path.template
            )
        }
        _ => {
            let users: Vec<_> = api
                .operations
                .iter()
                .filter_map(|op| Some((op, op.params.iter().find(|p| uses(&p.ty))?)))
                .collect();
            let link = |op: &crate::ir::Operation| {
                let method = naming::unraw(&op.method_name);
                format!("[`Client::{method}`](super::client::Client::{method})")
            };
            match users.as_slice() {
                [] => format!("Schema `{}`.", def.pointer),
                [(op, param)] => format!(
                    "The values of the `{}` parameter of {} (`{} {}`).",
                    param.wire_name,
                    link(op),
                    op.http_method,
                    op.path.template
                ),
                [(op, param), rest @ ..] => format!(
                    "The values of the `{}` parameter of {} and {} other operation{}.",
                    param.wire_name,
                    link(op),
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ),
            }
        }
    }
}

fn structure(api: &Api, def: &TypeDef, s: &Struct, origin: &str) -> TokenStream {
    let name = &def.name;
    let mut lead = origin.to_owned();
    for constant in &s.constants {
        lead.push_str(&format!(
            " Its `{}` is always `{}` (written when serializing, not stored).",
            constant.wire_name, constant.value
        ));
    }
    // A request struct with nothing required starts empty: that is `Default`, and clippy wants it.
    let derive_default = if s.request && s.fields.iter().all(|f| !f.required) {
        "Default, "
    } else {
        ""
    };
    let mut code = Code::new();
    code.doc(&docs::item(def.doc.description.as_deref(), &lead))
        .line_of(&[
            "#[derive(Clone, Debug, ",
            derive_default,
            "PartialEq, ::serde::Deserialize)]",
        ])
        .line("#[non_exhaustive]");
    if s.fields.is_empty() {
        code.line_of(&["pub struct ", name, " {}"]);
    } else {
        code.open(&format!("pub struct {name}"));
        for f in &s.fields {
            field(&mut code, api, f);
        }
        code.close("}");
    }
    let definition = text::item(code);

    let count = s.fields.len() + s.constants.len();
    let mut code = Code::new();
    code.open(&format!("impl ::serde::Serialize for {name}"))
        // Always wider than a line: prettyplease's layout of this signature.
        .line("fn serialize<S: ::serde::Serializer>(")
        .indented(|code| {
            code.line("&self,").line("serializer: S,");
        })
        .line(") -> Result<S::Ok, S::Error> {")
        .indented(|code| {
            let state = if count == 0 { "state" } else { "mut state" };
            code.line("use ::serde::ser::SerializeStruct as _;")
                .line_of(&[
                    "let ",
                    state,
                    " = serializer.serialize_struct(",
                    &text::string(name),
                    ", ",
                    &count.to_string(),
                    ")?;",
                ]);
            // A method call that does not fit is laid out by prettyplease (through
            // `text::item`'s check of the width); a function call here.
            let field = |code: &mut Code, wire: &str, value: &str| {
                code.line_of(&["state.serialize_field(", wire, ", ", value, ")?;"]);
            };
            for c in &s.constants {
                let (wire, value) = (text::string(&c.wire_name), text::string(&c.value));
                field(code, &wire, &value);
            }
            for f in &s.fields {
                let (wire, id) = (text::string(&f.wire_name), &f.rust_name);
                // A decimal is written as the JSON number it is, with its exact digits.
                let decimal = f.ty.non_null() == &Type::Decimal;
                // An unset optional field is left out; in a response type, a nullable one is
                // written as the `null` it was read from.
                let omitted = !f.required && (s.request || !matches!(f.ty, Type::Nullable(_)));
                let value = match (decimal, f.is_option()) {
                    (false, _) => format!("&self.{id}"),
                    (true, true) => {
                        format!("&self.{id}.as_ref().map(crate::runtime::ser::DecimalNumber)")
                    }
                    (true, false) => format!("&crate::runtime::ser::DecimalNumber(&self.{id})"),
                };
                if omitted {
                    let args = [String::from("&mut state"), wire, value];
                    let call = Tree::list(
                        "crate::runtime::ser::optional(",
                        args.into_iter().map(Tree::word).collect(),
                        ")",
                    );
                    code.statement("", &call, "?;");
                } else {
                    field(code, &wire, &value);
                }
            }
            code.line("state.end()");
        });
    code.line("}").close("}");
    let serialize = text::item(code);

    let accessors = accessors(api, &ident(name), s);
    let constructible = s
        .request
        .then(|| super::request::constructible(api, def, s));
    quote! {
        #definition
        #serialize
        #accessors
        #constructible
    }
}

/// The `x-accessors` of a struct: each follows its fields, any of them absent, to the value.
fn accessors(api: &Api, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    if s.accessors.is_empty() {
        return TokenStream::new();
    }
    let methods = s.accessors.iter().map(|a| {
        let method = ident(&a.name);
        let path = a.path.join(".");
        let doc = docs::attrs(&docs::item(
            Some(&a.description),
            &format!("Follows `{path}`; `None` where any of them is absent or null."),
        ));
        let mut chain = quote!(Some(self));
        for step in &a.steps {
            let field = ident(&step.rust_name);
            chain = if step.option {
                quote!(#chain.and_then(|v| v.#field.as_ref()))
            } else {
                quote!(#chain.map(|v| &v.#field))
            };
        }
        // Plain values come back by value; others by reference.
        let copied = matches!(
            a.ty,
            Type::Integer | Type::Number | Type::Decimal | Type::Timestamp | Type::Boolean
        );
        let ty = rust_type(api, &a.ty, &quote!());
        if copied {
            quote! { #doc pub fn #method(&self) -> Option<#ty> { #chain.copied() } }
        } else {
            quote! { #doc pub fn #method(&self) -> Option<&#ty> { #chain } }
        }
    });
    quote! {
        impl #name { #(#methods)* }
    }
}

fn field(code: &mut Code, api: &Api, f: &Field) {
    let presence = match (f.required, matches!(f.ty, Type::Nullable(_))) {
        (true, false) => "Required.",
        (true, true) => "Required; may be `null` (decoded as `None`, as is a missing value).",
        (false, true) => "Optional; may be `null` (decoded as `None`).",
        (false, false) => "Optional.",
    };
    let lead = format!("JSON property `{}`. {presence}", f.wire_name);
    let facts = docs::facts(&f.doc, lead, None, &[]);
    code.doc(&docs::item(f.doc.description.as_deref(), &facts));
    let mut serde = Vec::new();
    if naming::unraw(&f.rust_name) != f.wire_name {
        serde.push(format!("rename = {}", text::string(&f.wire_name)));
    }
    if f.is_option() {
        serde.push("default".to_owned());
    }
    let deserialize_with = match (f.ty.non_null(), f.is_option()) {
        (Type::Number, false) => Some("number"),
        (Type::Number, true) => Some("option_number"),
        (Type::Decimal, false) => Some("decimal"),
        (Type::Decimal, true) => Some("option_decimal"),
        _ => None,
    };
    if let Some(function) = deserialize_with {
        serde.push(format!(
            "deserialize_with = \"crate::runtime::de::{function}\""
        ));
    }
    if !serde.is_empty() {
        code.line_of(&["#[serde(", &serde.join(", "), ")]"]);
    }
    let ty = rust_type_code(api, f.ty.non_null(), "");
    if f.is_option() {
        code.line_of(&["pub ", &f.rust_name, ": Option<", &ty, ">,"]);
    } else {
        code.line_of(&["pub ", &f.rust_name, ": ", &ty, ","]);
    }
}

fn enumeration(def: &TypeDef, e: &Enum, origin: &str) -> TokenStream {
    let name = &def.name;
    let kind = if e.openness == Openness::OpenInResponses {
        format!(
            "{} A response may hold it, so a value the spec does not list is kept in [`{}::{}`] rather than failing the page; as a parameter, only the listed values are sent (`validate` rejects the other).",
            origin,
            def.name,
            e.other_name
        )
    } else if e.openness == Openness::Open {
        format!(
            "{} Open: a value the spec does not list is kept in [`{}::{}`] rather than rejected.",
            origin, def.name, e.other_name
        )
    } else {
        origin.to_owned()
    };
    let facts = docs::facts(&def.doc, kind, None, &[]);
    let open = e.openness.is_open();
    let mut code = Code::new();
    code.doc(&docs::item(def.doc.description.as_deref(), &facts))
        .line_of(&[
            "#[derive(Clone, ",
            if open { "" } else { "Copy, " },
            "Debug, ",
            if e.default.is_some() { "Default, " } else { "" },
            "PartialEq, Eq, Hash, PartialOrd, Ord)]",
        ])
        .line("#[non_exhaustive]")
        .open(&format!("pub enum {name}"));
    for v in &e.variants {
        code.doc(&format!("`{}`", v.wire));
        if e.default.as_deref() == Some(v.rust_name.as_str()) {
            code.line("#[default]");
        }
        code.line_of(&[&v.rust_name, ","]);
    }
    if open {
        code.line("/// A value the spec does not list, as it was received.")
            .line_of(&[&e.other_name, "(String),"]);
    }
    let values = Tree::list(
        "[",
        e.variants
            .iter()
            .map(|v| Tree::word(format!("Self::{}", v.rust_name)))
            .collect(),
        "]",
    );
    let count = e.variants.len();
    code.close("}").open(&format!("impl {name}"));
    if open {
        code.line("/// Every value the spec lists, in its order.")
            .statement(
                &format!("pub const KNOWN: [Self; {count}] = "),
                &values,
                ";",
            )
            .line("/// The value as it is sent and received.")
            .open("pub fn as_str(&self) -> &str");
    } else {
        code.line("/// Every value, in the order the spec lists them.")
            .statement(&format!("pub const ALL: [Self; {count}] = "), &values, ";")
            .line("/// The value as it is sent and received.")
            .open("pub const fn as_str(&self) -> &'static str");
    }
    code.open("match self");
    for v in &e.variants {
        code.line_of(&["Self::", &v.rust_name, " => ", &text::string(&v.wire), ","]);
    }
    if open {
        code.line_of(&["Self::", &e.other_name, "(value) => value,"]);
    }
    code.close("}").close("}").close("}");
    if open {
        code.line_of(&["crate::open_enum_impls!(", name, ", ", &e.other_name, ");"]);
    } else {
        code.line_of(&["crate::closed_enum_impls!(", name, ");"]);
    }
    text::item(code)
}

#[cfg(test)]
mod tests {
    use crate::testing::{api, doc, get, parse};

    fn printed(components: &str) -> String {
        let text = doc(&get("[]", "{$ref: '#/components/schemas/R'}"), components)
            .replace("  schemas: {}\n", "  schemas:\n");
        let api = api(&text);
        super::super::print(&parse(super::file(
            &api,
            0..api.types.len(),
            true,
            &crate::Options::for_spec(std::path::Path::new("t.yaml")),
        )))
    }

    #[test]
    fn optional_fields_are_options_and_required_ones_are_not() {
        let text = printed("    R: {type: object, required: [id], properties: {id: {type: string}, note: {type: string}}}");
        assert!(text.contains("pub id: String,"), "{text}");
        assert!(text.contains("pub note: Option<String>,"), "{text}");
        assert!(text.contains("pub struct R {"), "{text}");
    }

    #[test]
    fn a_response_enum_keeps_unknown_values_and_lists_its_known_ones() {
        let text = printed("    R: {type: object, properties: {unit: {$ref: '#/components/schemas/Unit'}}}\n    Unit: {type: string, enum: [tokens, seconds]}");
        assert!(text.contains("pub enum Unit {"), "{text}");
        assert!(text.contains("Other(String)"), "{text}");
        assert!(
            text.contains("pub const KNOWN: [Self; 2] = [Self::Tokens, Self::Seconds];"),
            "{text}"
        );
        assert!(
            text.contains("crate::open_enum_impls!(Unit, Other);"),
            "{text}"
        );
    }

    #[test]
    fn a_union_keeps_objects_with_an_unknown_discriminator() {
        let text = printed("    R: {oneOf: [{$ref: '#/components/schemas/A'}], discriminator: {propertyName: kind}}\n    A: {type: object, required: [kind], properties: {kind: {type: string, enum: [a]}}}");
        assert!(text.contains("pub enum R {"), "{text}");
        assert!(text.contains("A(Box<A>)"), "{text}");
        assert!(text.contains("Unknown(::serde_json::Value)"), "{text}");
        assert!(
            text.contains("const TAGS: &'static [&'static str] = &[\"a\"];"),
            "{text}"
        );
    }
}
