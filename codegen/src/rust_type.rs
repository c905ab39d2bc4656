//! How each IR [`Type`] is spelled in Rust, in one place: emit writes the spelling as tokens,
//! the diff report as text, so the two can never disagree about what a field's type is.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Type, TypeDef};

/// The Rust spelling of a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RustType<'a> {
    /// A type by its path from the crate root (`["i64"]`, `["", "serde_json", "Value"]` for
    /// `::serde_json::Value`); `short` is how a reader names it (`serde_json::Value`).
    Path {
        path: &'static [&'static str],
        short: &'static str,
    },
    /// A named type of the spec, written in the generated crate's `types` module.
    Named(&'a str),
    /// A generic type and its arguments (`Vec<T>`, `BTreeMap<String, T>`, `Option<T>`).
    Generic {
        path: &'static [&'static str],
        short: &'static str,
        args: Vec<RustType<'a>>,
    },
}

const STRING: RustType<'static> = RustType::Path {
    path: &["String"],
    short: "String",
};

/// The Rust spelling of `ty`, a type of the API whose named types are `types`.
pub fn of<'a>(types: &'a [TypeDef], ty: &Type) -> RustType<'a> {
    let path = |path, short| RustType::Path { path, short };
    let generic = |path, short, args| RustType::Generic { path, short, args };
    match ty {
        Type::Integer => path(&["i64"], "i64"),
        Type::Number => path(&["f64"], "f64"),
        Type::Decimal => path(&["", "rust_decimal", "Decimal"], "Decimal"),
        Type::Timestamp => path(&["crate", "runtime", "Timestamp"], "Timestamp"),
        Type::Boolean => path(&["bool"], "bool"),
        Type::String => STRING,
        Type::Any => path(&["", "serde_json", "Value"], "serde_json::Value"),
        Type::Named(id) => RustType::Named(&types[id.0].name),
        Type::Array(item) => generic(&["Vec"], "Vec", vec![of(types, item)]),
        Type::Map(value) => generic(
            &["", "std", "collections", "BTreeMap"],
            "BTreeMap",
            vec![STRING, of(types, value)],
        ),
        Type::Nullable(inner) => generic(&["Option"], "Option", vec![of(types, inner)]),
    }
}

impl RustType<'_> {
    /// The type as a reader writes it (`Vec<UsageBucket>`, `BTreeMap<String, i64>`).
    pub fn text(&self) -> String {
        match self {
            RustType::Path { short, .. } => (*short).to_owned(),
            RustType::Named(name) => (*name).to_owned(),
            RustType::Generic { short, args, .. } => {
                let args: Vec<String> = args.iter().map(RustType::text).collect();
                format!("{short}<{}>", args.join(", "))
            }
        }
    }

    /// The type as generated code; named types are prefixed with `types_path` (empty inside the
    /// `types` module, `super::types::` elsewhere).
    pub fn tokens(&self, types_path: &TokenStream) -> TokenStream {
        match self {
            RustType::Path { path, .. } => path_tokens(path),
            RustType::Named(name) => {
                let name = Ident::new(name, Span::call_site());
                quote!(#types_path #name)
            }
            RustType::Generic { path, args, .. } => {
                let path = path_tokens(path);
                let args = args.iter().map(|a| a.tokens(types_path));
                quote!(#path<#(#args),*>)
            }
        }
    }
}

impl RustType<'_> {
    /// The type as generated code written as text, spelled as [`RustType::tokens`] prints.
    pub fn code(&self, types_path: &str) -> String {
        match self {
            RustType::Path { path, .. } => path.join("::"),
            RustType::Named(name) => format!("{types_path}{name}"),
            RustType::Generic { path, args, .. } => {
                let args: Vec<String> = args.iter().map(|a| a.code(types_path)).collect();
                format!("{}<{}>", path.join("::"), args.join(", "))
            }
        }
    }
}

/// `["", "std", "collections", "BTreeMap"]` as `::std::collections::BTreeMap`.
fn path_tokens(path: &[&str]) -> TokenStream {
    let mut out = TokenStream::new();
    for (i, segment) in path.iter().enumerate() {
        if i > 0 {
            out.extend(quote!(::));
        }
        if !segment.is_empty() {
            let segment = Ident::new(segment, Span::call_site());
            out.extend(quote!(#segment));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested() -> Type {
        Type::Nullable(Box::new(Type::Map(Box::new(Type::Array(Box::new(
            Type::Named(crate::ir::TypeId(0)),
        ))))))
    }

    /// One named type, `Bucket`.
    fn types() -> Vec<TypeDef> {
        vec![TypeDef {
            name: "Bucket".into(),
            pointer: "#/components/schemas/Bucket".into(),
            doc: crate::ir::Doc::default(),
            kind: crate::ir::TypeKind::Enum(crate::ir::Enum {
                variants: Vec::new(),
                openness: crate::ir::Openness::Closed,
                other_name: "Other".into(),
                default: None,
            }),
        }]
    }

    #[test]
    fn text_is_what_a_reader_writes() {
        assert_eq!(
            of(&types(), &nested()).text(),
            "Option<BTreeMap<String, Vec<Bucket>>>"
        );
        assert_eq!(of(&[], &Type::Any).text(), "serde_json::Value");
        assert_eq!(of(&[], &Type::Integer).text(), "i64");
    }

    #[test]
    fn code_is_the_tokens_as_printed() {
        let types = types();
        for ty in [
            nested(),
            Type::Any,
            Type::Decimal,
            Type::Timestamp,
            Type::Integer,
        ] {
            let rust = of(&types, &ty);
            let tokens = rust.tokens(&quote!(super::types::));
            let printed = prettyplease::unparse(
                &syn::parse2(quote!(type T = #tokens;)).expect("a type alias"),
            );
            assert_eq!(
                printed,
                format!("type T = {};\n", rust.code("super::types::"))
            );
        }
    }

    #[test]
    fn tokens_are_fully_qualified_and_parse_as_a_type() {
        let tokens = of(&types(), &nested()).tokens(&quote!(super::types::));
        let parsed: syn::Type = syn::parse2(tokens).expect("a Rust type");
        let printed = quote!(#parsed).to_string().replace(' ', "");
        assert_eq!(
            printed,
            "Option<::std::collections::BTreeMap<String,Vec<super::types::Bucket>>>"
        );
        let any = of(&[], &Type::Any)
            .tokens(&quote!())
            .to_string()
            .replace(' ', "");
        assert_eq!(any, "::serde_json::Value");
    }
}
