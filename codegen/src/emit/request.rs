//! What a struct that a request body holds gets besides its fields: a constructor taking the
//! required fields (so a body missing one does not compile), a chainable setter per optional
//! field, and `validate`, which checks the bounds and values the spec states before sending.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, rust_type};
use crate::ir::{Api, Field, Struct, Type, TypeDef, TypeKind};
use crate::naming;

/// The `impl` block of a request struct.
pub(super) fn constructible(api: &Api, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let required: Vec<&Field> = s.fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let id = ident(&f.rust_name);
        let ty = arg_type(api, f);
        quote!(#id: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let id = ident(&f.rust_name);
        if f.required {
            let value = convert(f, quote!(#id));
            if id == value.to_string() {
                quote!(#id)
            } else {
                quote!(#id: #value)
            }
        } else {
            quote!(#id: None)
        }
    });
    let mut new_doc = String::from(
        "Creates the value from its required fields; every optional one starts unset (and is not sent).",
    );
    for f in &required {
        new_doc.push_str(&format!(
            "\n\n`{}`: {}",
            naming::unraw(&f.rust_name),
            field_text(f)
        ));
    }
    let new_doc = docs::attrs(&new_doc);
    let setters = s.fields.iter().filter(|f| !f.required).map(|f| {
        let id = ident(&f.rust_name);
        let setter = ident(&f.setter_name);
        let ty = arg_type(api, f);
        let value = convert(f, quote!(#id));
        let doc = docs::attrs(&field_text(f));
        quote! {
            #doc
            pub fn #setter(mut self, #id: #ty) -> Self {
                self.#id = Some(#value);
                self
            }
        }
    });
    let checks = s.fields.iter().map(|f| field_checks(api, f));
    quote! {
        impl #name {
            #new_doc
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits,)* }
            }

            #(#setters)*

            /// Checks the bounds and values the spec states, so that a body the API would reject
            /// is not sent. The error names the field (`outer.inner` for a nested one).
            pub fn validate(&self) -> Result<(), crate::runtime::InvalidParam> {
                #(#checks)*
                Ok(())
            }
        }
    }
}

/// The field's doc as a constructor argument or setter: the property, its presence, its facts.
fn field_text(f: &Field) -> String {
    let presence = if f.required { "Required." } else { "Optional." };
    let lead = format!("JSON property `{}`. {presence}", f.wire_name);
    let facts = docs::facts(&f.doc, lead, Some(&f.bounds), &[]);
    docs::item(f.doc.description.as_deref(), &facts)
}

/// The argument type of the constructor or setter: text and lists of text take anything that
/// converts.
fn arg_type(api: &Api, f: &Field) -> TokenStream {
    let inner = match f.ty.non_null() {
        Type::String => quote!(impl Into<String>),
        Type::Timestamp => quote!(impl Into<crate::runtime::Timestamp>),
        Type::Array(item) if matches!(item.as_ref(), Type::String) => {
            quote!(impl IntoIterator<Item = impl Into<String>>)
        }
        other => rust_type(api, other, &quote!()),
    };
    // Required but nullable: the argument says whether it is null.
    if f.required && f.is_option() {
        let ty = rust_type(api, f.ty.non_null(), &quote!());
        return quote!(Option<#ty>);
    }
    inner
}

/// The stored value from the argument `value`.
fn convert(f: &Field, value: TokenStream) -> TokenStream {
    if f.required && f.is_option() {
        return value;
    }
    match f.ty.non_null() {
        Type::String | Type::Timestamp => quote!(#value.into()),
        Type::Array(item) if matches!(item.as_ref(), Type::String) => {
            quote!(#value.into_iter().map(Into::into).collect())
        }
        _ => value,
    }
}

/// The checks of one field, run on its value when it is set.
fn field_checks(api: &Api, f: &Field) -> TokenStream {
    let wire = &f.wire_name;
    let fail = |message: String| quote!(return Err(crate::runtime::InvalidParam::field(#wire, format!(#message))););
    let b = &f.bounds;
    let mut checks: Vec<TokenStream> = Vec::new();
    match f.ty.non_null() {
        Type::Integer | Type::Number => {
            // Numbers are copied out, so the checks compare values.
            let numeric = super::checks::numeric(b, &fail);
            if numeric.is_empty() {
                return quote!();
            }
            let id = ident(&f.rust_name);
            return if f.is_option() {
                quote! {
                    if let Some(value) = self.#id {
                        #(#numeric)*
                    }
                }
            } else {
                quote! {
                    {
                        let value = self.#id;
                        #(#numeric)*
                    }
                }
            };
        }
        Type::String => {
            let limits = super::checks::count(b.min_length, b.max_length, "characters", &fail);
            if !limits.is_empty() {
                checks.push(quote! {
                    let count = value.chars().count() as u64;
                    #(#limits)*
                });
            }
        }
        Type::Array(item) => {
            let limits = super::checks::count(b.min_items, b.max_items, "values", &fail);
            if !limits.is_empty() {
                checks.push(quote! {
                    let count = value.len() as u64;
                    #(#limits)*
                });
            }
            if let Some(each) = named_check(api, item, wire) {
                checks.push(quote! {
                    for value in value {
                        #each
                    }
                });
            }
        }
        other => {
            if let Some(each) = named_check(api, other, wire) {
                checks.push(each);
            }
        }
    }
    if checks.is_empty() {
        return quote!();
    }
    let id = ident(&f.rust_name);
    if f.is_option() {
        quote! {
            if let Some(value) = &self.#id {
                #(#checks)*
            }
        }
    } else {
        quote! {
            {
                let value = &self.#id;
                #(#checks)*
            }
        }
    }
}

/// The check of a value of a named type: a nested request struct validates itself (its errors
/// name this field first); an enum that a response also holds sends only the values it lists.
fn named_check(api: &Api, ty: &Type, wire: &str) -> Option<TokenStream> {
    let Type::Named(id) = ty else {
        return None;
    };
    let name = &api.ty(*id).name;
    match &api.ty(*id).kind {
        TypeKind::Struct(s) if s.request => {
            Some(quote!(value.validate().map_err(|e| e.within(#wire))?;))
        }
        TypeKind::Enum(e) if e.openness == crate::ir::Openness::OpenInResponses => {
            let (ty, other) = (ident(name), ident(&e.other_name));
            Some(quote! {
                if let #ty::#other(value) = value {
                    return Err(crate::runtime::InvalidParam::field(
                        #wire,
                        format!("`{value}` is not one of the values the spec lists"),
                    ));
                }
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{api, doc, methods, parse, post};

    fn printed(schema: &str) -> (String, Vec<String>) {
        let api = api(&doc(&post(schema), ""));
        let file = parse(super::super::types::file(
            &api,
            0..api.types.len(),
            true,
            &crate::Options::for_spec(std::path::Path::new("t.yaml")),
        ));
        let names = methods(&file, "ABody");
        (super::super::print(&file), names)
    }

    #[test]
    fn required_fields_are_arguments_of_new_and_optional_ones_have_setters() {
        let (text, names) = printed("{type: object, required: [amount, to], properties: {amount: {type: integer, minimum: 1}, to: {type: array, items: {type: string}}, note: {type: string, maxLength: 10}, validate: {type: boolean}}}");
        assert!(
            text.contains(
                "pub fn new(amount: i64, to: impl IntoIterator<Item = impl Into<String>>) -> Self"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "/// The request body of [`Client::a`](super::client::Client::a) (`POST /a`)."
            ),
            "{text}"
        );
        for name in ["new", "note", "validate_field", "validate"] {
            assert!(names.contains(&name.to_string()), "{name}: {names:?}");
        }
        assert!(!names.contains(&"amount".to_string()), "{names:?}");
        // Bounds are checked and name the field.
        assert!(text.contains("if value < 1 {"), "{text}");
        assert!(
            text.contains(
                "crate::runtime::InvalidParam::field(\n                        \"amount\","
            ),
            "{text}"
        );
        assert!(
            text.contains("characters are more than the maximum, 10"),
            "{text}"
        );
        // An unset optional field is left out of the JSON, not sent as `null`.
        assert!(
            text.contains("crate::runtime::ser::optional(&mut state, \"note\", &self.note)?;"),
            "{text}"
        );
    }

    #[test]
    fn a_nested_struct_validates_itself_under_the_field_name() {
        let (text, _) = printed("{type: object, required: [channel], properties: {channel: {type: object, required: [to], properties: {to: {type: array, minItems: 1, items: {type: string}}}}}}");
        assert!(
            text.contains("value.validate().map_err(|e| e.within(\"channel\"))?;"),
            "{text}"
        );
        assert!(
            text.contains("values are fewer than the minimum, 1"),
            "{text}"
        );
    }
}
