//! Schema classification: what Rust type a schema is (a primitive, a list, a map, a reference,
//! or a named type to build), with `null` alternatives set aside.

use super::{Builder, SCHEMA_PREFIX, UNSUPPORTED_KEYWORDS};
use crate::error::Result;
use crate::ir::Type;
use crate::load::{kind, Node};
use crate::{naming, resolve};
use serde_yaml::Value;

/// What a schema is, once `null` alternatives are set aside.
pub(super) enum Shape<'a> {
    Ref(&'a str),
    Struct,
    Enum(Vec<Node<'a>>),
    OpenEnum(Node<'a>),
    Union,
    Single(Node<'a>),
    Primitive(Type),
    Array(Node<'a>),
    Map(Node<'a>),
}

impl<'a> Builder<'a> {
    /// The type of the schema at `node`; inline named types are called `hint`.
    pub(super) fn ty(&mut self, node: &Node<'a>, hint: &str) -> Result<Type> {
        let nullable = self.is_nullable(node)?;
        let core = self.core(node, hint)?;
        Ok(match (nullable, core) {
            (true, Type::Nullable(inner)) | (false, Type::Nullable(inner)) => Type::Nullable(inner),
            (true, core) => Type::Nullable(Box::new(core)),
            (false, core) => core,
        })
    }

    /// Whether the schema itself admits `null` (any of the three ways of saying so).
    pub(super) fn is_nullable(&self, node: &Node<'a>) -> Result<bool> {
        if node.bool("nullable")? == Some(true) {
            return Ok(true);
        }
        if let Some(Value::Sequence(types)) = node.get("type").map(|t| t.value) {
            if types.iter().any(|t| t.as_str() == Some("null")) {
                return Ok(true);
            }
        }
        if let Some(Value::Sequence(values)) = node.get("enum").map(|e| e.value) {
            if values.iter().any(Value::is_null) {
                return Ok(true);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(members) = node.get(key) {
                for member in members.items()? {
                    if is_null_schema(&member) {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    /// The type of the schema with its `null` alternatives set aside.
    pub(super) fn core(&mut self, node: &Node<'a>, hint: &str) -> Result<Type> {
        match self.shape(node)? {
            Shape::Ref(target) => self.reference(node, target, hint),
            Shape::Primitive(ty) => Ok(ty),
            Shape::Array(items) => Ok(Type::Array(Box::new(self.ty(&items, hint)?))),
            Shape::Map(values) => Ok(Type::Map(Box::new(
                self.ty(&values, &format!("{hint}Value"))?,
            ))),
            Shape::Single(member) => self.ty(&member, hint),
            Shape::Struct | Shape::Enum(_) | Shape::OpenEnum(_) | Shape::Union => {
                let name = self.named(node, hint)?;
                Ok(Type::Named(self.intern(&name)))
            }
        }
    }

    pub(super) fn reference(&mut self, node: &Node<'a>, target: &str, hint: &str) -> Result<Type> {
        let target_node = resolve::lookup(self.doc, node, target)?;
        let component = target
            .strip_prefix(SCHEMA_PREFIX)
            .filter(|rest| !rest.contains('/'));
        let named = matches!(
            self.shape(&target_node)?,
            Shape::Struct | Shape::Enum(_) | Shape::OpenEnum(_) | Shape::Union
        );
        if let (Some(key), true) = (component, named) {
            let name = match naming::type_name(key) {
                Some(name) => name,
                None => {
                    return Err(
                        target_node.error(format!("schema name `{key}` has no letters or digits"))
                    )
                }
            };
            let name = self.named(&target_node, &name)?;
            let ty = Type::Named(self.intern(&name));
            return Ok(if self.is_nullable(&target_node)? {
                Type::Nullable(Box::new(ty))
            } else {
                ty
            });
        }
        if self.inlining.iter().any(|p| p == target) {
            let mut chain = self.inlining.clone();
            chain.push(target.to_string());
            return Err(node.error(format!("`$ref` cycle: {}", chain.join(" -> "))));
        }
        self.inlining.push(target.to_string());
        let result = self.ty(&target_node, hint);
        self.inlining.pop();
        result
    }

    /// Classifies a schema (ignoring how it says `null`).
    pub(super) fn shape(&self, node: &Node<'a>) -> Result<Shape<'a>> {
        if let Some(target) = resolve::reference(node)? {
            return Ok(Shape::Ref(target));
        }
        for keyword in UNSUPPORTED_KEYWORDS {
            if let Some(at) = node.get(keyword) {
                return Err(at.error(format!(
                    "the schema keyword `{keyword}` is not supported by this generator"
                )));
            }
        }
        match node.value {
            Value::Mapping(_) => {}
            Value::Bool(true) => return Ok(Shape::Primitive(Type::Any)),
            other => {
                return Err(node.error(format!(
                    "expected a schema (a mapping), found {}",
                    kind(other)
                )))
            }
        }
        if node.has("discriminator") {
            return Ok(Shape::Union);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(list) = node.get(key) {
                let members: Vec<Node<'a>> = list
                    .items()?
                    .into_iter()
                    .filter(|m| !is_null_schema(m))
                    .collect();
                return match members.as_slice() {
                    [] => Ok(Shape::Primitive(Type::Any)),
                    [one] => Ok(Shape::Single(one.clone())),
                    [a, b] if is_plain_string(a) && is_string_enum(b) => Ok(Shape::OpenEnum(b.clone())),
                    [a, b] if is_string_enum(a) && is_plain_string(b) => Ok(Shape::OpenEnum(a.clone())),
                    _ if self.implicit_discriminator(&members)?.is_some() => Ok(Shape::Union),
                    _ => Err(list.error(format!(
                        "`{key}` of several schemas without a `discriminator` is not supported: add `discriminator: {{propertyName: ...}}` so the alternatives can be told apart"
                    ))),
                };
            }
        }
        if let Some(list) = node.get("allOf") {
            return match list.items()?.as_slice() {
                [one] => Ok(Shape::Single(one.clone())),
                _ => Err(list.error("`allOf` of more than one schema is not supported")),
            };
        }
        if let Some(values) = node.get("enum") {
            let values: Vec<Node<'a>> = values
                .items()?
                .into_iter()
                .filter(|v| !v.value.is_null())
                .collect();
            return Ok(Shape::Enum(values));
        }
        if let Some(value) = node.get("const") {
            return Ok(Shape::Enum(vec![value]));
        }
        let ty =
            match node.get("type") {
                None => None,
                Some(t) => match t.value {
                    Value::String(s) => Some(s.as_str()),
                    Value::Sequence(list) => {
                        let non_null: Vec<&str> = list
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|s| *s != "null")
                            .collect();
                        match non_null.as_slice() {
                            [] => Some("null"),
                            [one] => Some(*one),
                            _ => return Err(t.error(
                                "a `type` list with more than one non-null type is not supported",
                            )),
                        }
                    }
                    other => {
                        return Err(t.error(format!("expected a type name, found {}", kind(other))))
                    }
                },
            };
        Ok(match ty {
            Some("integer") if node.str("format")? == Some("unix-time") => {
                Shape::Primitive(Type::Timestamp)
            }
            Some("integer") => Shape::Primitive(Type::Integer),
            Some("number") if node.str("format")? == Some("decimal") => {
                Shape::Primitive(Type::Decimal)
            }
            Some("number") => Shape::Primitive(Type::Number),
            Some("boolean") => Shape::Primitive(Type::Boolean),
            Some("string") => Shape::Primitive(Type::String),
            Some("null") => Shape::Primitive(Type::Nullable(Box::new(Type::Any))),
            Some("array") => Shape::Array(
                node.get("items")
                    .ok_or_else(|| node.error("an array schema needs `items`"))?,
            ),
            Some("object") | None if node.has("properties") => Shape::Struct,
            Some("object") | None => match node.get("additionalProperties") {
                Some(values) if matches!(values.value, Value::Mapping(_)) => Shape::Map(values),
                _ => Shape::Primitive(Type::Any),
            },
            Some(other) => {
                return Err(node
                    .get("type")
                    .unwrap_or(node.clone())
                    .error(format!("unsupported type `{other}`: expected one of integer, number, boolean, string, array, object, null")))
            }
        })
    }
}

/// `{type: 'null'}` (with or without a description).
pub(super) fn is_null_schema(node: &Node<'_>) -> bool {
    node.get("type")
        .is_some_and(|t| t.value.as_str() == Some("null"))
        && !node.has("$ref")
}

pub(super) fn is_plain_string(node: &Node<'_>) -> bool {
    node.get("type")
        .is_some_and(|t| t.value.as_str() == Some("string"))
        && !node.has("enum")
}

pub(super) fn is_string_enum(node: &Node<'_>) -> bool {
    node.has("enum") && !node.has("$ref")
}

/// The one string an inline property can hold (`enum` with one value, or `const`), if that is
/// what the property is.
pub(super) fn single_value(prop: &Node<'_>) -> Result<Option<String>> {
    if prop.has("$ref") || prop.bool("nullable")? == Some(true) {
        return Ok(None);
    }
    if let Some(Value::String(s)) = prop.get("const").map(|c| c.value) {
        return Ok(Some(s.clone()));
    }
    if let Some(Value::Sequence(values)) = prop.get("enum").map(|e| e.value) {
        if let [Value::String(s)] = values.as_slice() {
            return Ok(Some(s.clone()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use crate::ir::Type;
    use crate::testing::{api, at, doc, error, get};

    fn response_type(schema: &str) -> Type {
        api(&doc(&get("[]", schema), "")).operations[0]
            .response
            .clone()
            .expect("a response")
    }

    #[test]
    fn null_alternatives_make_a_nullable_type_in_every_spelling() {
        let nullable = Type::Nullable(Box::new(Type::String));
        assert_eq!(response_type("{type: [string, 'null']}"), nullable);
        assert_eq!(
            response_type("{anyOf: [{type: string}, {type: 'null'}]}"),
            nullable
        );
        assert_eq!(
            response_type("{oneOf: [{type: 'null'}, {type: string}]}"),
            nullable
        );
        let text = doc(&get("[]", "{type: string, nullable: true}"), "").replace("3.1.0", "3.0.3");
        assert_eq!(api(&text).operations[0].response, Some(nullable));
    }

    #[test]
    fn containers_and_free_form_values() {
        assert_eq!(
            response_type("{type: array, items: {type: integer}}"),
            Type::Array(Box::new(Type::Integer))
        );
        assert_eq!(
            response_type("{type: object, additionalProperties: {type: number}}"),
            Type::Map(Box::new(Type::Number))
        );
        assert_eq!(response_type("{}"), Type::Any);
    }

    #[test]
    fn a_keyword_the_generator_cannot_express_is_named() {
        let e = error(&doc(&get("[]", "{not: {type: string}}"), ""));
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/schema/not"), "{pointer}");
        assert_eq!(
            message,
            "the schema keyword `not` is not supported by this generator"
        );
    }

    #[test]
    fn an_alias_cycle_is_an_error_not_a_stack_overflow() {
        let text = doc(
            &get("[]", "{$ref: '#/components/schemas/A'}"),
            "    A: {$ref: '#/components/schemas/B'}\n    B: {type: array, items: {$ref: '#/components/schemas/A'}}",
        )
        .replace("  schemas: {}\n", "  schemas:\n");
        let e = error(&text);
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/B/items");
        assert_eq!(
            message,
            "`$ref` cycle: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"
        );
    }
}
