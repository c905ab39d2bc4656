//! A discriminated union of `types.rs`: an enum of boxed members and one for unknown objects,
//! with a decoder that reads the discriminator first.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, ident};
use crate::ir::{Api, TypeDef, Union};
use crate::naming;

pub fn union(
    api: &Api,
    def: &TypeDef,
    u: &Union,
    origin: &str,
    options: &crate::Options,
) -> TokenStream {
    let name = ident(&def.name);
    let name_str = &def.name;
    let property = &u.property;
    let lead = format!(
        "{} One of several objects, told apart by their `{property}` property. An object whose `{property}` is none of these is kept whole in [`{}::{}`], so a kind the API adds later does not fail decoding.",
        origin,
        def.name,
        u.unknown_name
    );
    let mut text = docs::item(def.doc.description.as_deref(), &lead);
    if let Some(example) = super::examples::union(&def.name, u, options) {
        text.push_str("\n\n");
        text.push_str(&example);
    }
    let doc = docs::attrs(&text);
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<_> = u
        .variants
        .iter()
        .map(|v| ident(&api.ty(v.ty).name))
        .collect();
    let tags: Vec<_> = u.variants.iter().map(|v| v.tag.as_str()).collect();
    let indices: Vec<_> = (0..u.variants.len())
        .map(Literal::usize_unsuffixed)
        .collect();
    let variant_docs = u.variants.iter().map(|v| {
        let text = match &v.description {
            Some(d) => format!("`{property}: {}`: {}", v.tag, first_sentence(d)),
            None => format!("`{property}: {}`.", v.tag),
        };
        docs::attrs(&text)
    });
    let unknown = ident(&u.unknown_name);
    let unknown_doc = docs::attrs(&format!("An object whose `{property}` this version of the spec does not know (or that has none), as the JSON it came as."));
    let accessor = ident(&naming::field_name(property).unwrap_or_else(|| "discriminator".into()));
    let accessor_doc = docs::attrs(&format!(
        "The `{property}` of this object, if it has a string one."
    ));
    // `as_x`/`into_x` per variant, so reading one kind of member is a method call that says
    // which kind, not a `match` whose arms can be swapped without a compiler error.
    let accessors = u.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let type_name = &api.ty(v.ty).name;
        let ty = ident(type_name);
        let snake = naming::unraw(&naming::field_name(&v.rust_name).unwrap_or_else(|| "variant".into())).to_owned();
        let as_name = ident(&format!("as_{snake}"));
        let into_name = ident(&format!("into_{snake}"));
        let as_doc = docs::attrs(&format!(
            "The [`{ty}`] this is, if its `{property}` is `{tag}`; `None` for any other kind.",
            ty = type_name,
            tag = v.tag
        ));
        let into_doc = docs::attrs(&format!(
            "Like [`as_{snake}`](Self::as_{snake}), taking the value: the [`{ty}`], or `None` (and the value is dropped) for any other kind.",
            ty = type_name
        ));
        quote! {
            #as_doc
            pub fn #as_name(&self) -> Option<&#ty> {
                match self {
                    Self::#variant(value) => Some(&**value),
                    _ => None,
                }
            }

            #into_doc
            pub fn #into_name(self) -> Option<#ty> {
                match self {
                    Self::#variant(value) => Some(*value),
                    _ => None,
                }
            }
        }
    });
    let unknown_snake =
        naming::unraw(&naming::field_name(&u.unknown_name).unwrap_or_else(|| "unknown".into()))
            .to_owned();
    let as_unknown = ident(&format!("as_{unknown_snake}"));
    let as_unknown_doc = docs::attrs(&format!(
        "The JSON of an object of a kind this version of the spec does not know (see [`{}::{}`]), or `None` for a known kind.",
        def.name, u.unknown_name
    ));
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants(Box<#types>),)*
            #unknown_doc
            #unknown(::serde_json::Value),
        }

        impl #name {
            #accessor_doc
            pub fn #accessor(&self) -> Option<&str> {
                match self {
                    #(Self::#variants(_) => Some(#tags),)*
                    Self::#unknown(value) => value.get(#property).and_then(::serde_json::Value::as_str),
                }
            }

            #(#accessors)*

            #as_unknown_doc
            pub fn #as_unknown(&self) -> Option<&::serde_json::Value> {
                match self {
                    Self::#unknown(value) => Some(value),
                    _ => None,
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => ::serde::Serialize::serialize(value, serializer),)*
                    Self::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::de::discriminated(deserializer)
            }
        }

        impl crate::runtime::de::Discriminated for #name {
            const NAME: &'static str = #name_str;
            const PROPERTY: &'static str = #property;
            const TAGS: &'static [&'static str] = &[#(#tags),*];

            fn known<'de, D: ::serde::Deserializer<'de>>(index: usize, rest: D) -> Result<Self, D::Error> {
                match index {
                    #(#indices => ::serde::Deserialize::deserialize(rest).map(|value| Self::#variants(Box::new(value))),)*
                    _ => Err(::serde::de::Error::custom("unknown variant index")),
                }
            }

            fn unknown(object: ::serde_json::Value) -> Self {
                Self::#unknown(object)
            }
        }
    }
}

fn first_sentence(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    line.to_string()
}
