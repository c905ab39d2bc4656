//! Named types: structs, closed and open enums, discriminated unions; their Rust names
//! (`x-type-name`, `x-enum-varnames`) claimed once per crate.

use super::accessors::accessors;
use super::schemas::{single_value, Shape};
use super::Builder;
use crate::error::Result;
use crate::ir::{Constant, Enum, Field, Openness, Struct, TypeDef, TypeKind, Variant};
use crate::load::{kind, Node};
use crate::naming::Scope;
use crate::{naming, resolve};
use serde_yaml::Value;

impl<'a> Builder<'a> {
    /// The Rust name of the named type at `node`, building it the first time it is reached.
    pub(super) fn named(&mut self, node: &Node<'a>, name: &str) -> Result<String> {
        if let Some(existing) = self.by_pointer.get(&node.pointer) {
            // Also while it is being built: recursion through a list is fine; `check_finite`
            // refuses recursion that would give the type no finite size.
            return Ok(existing.clone());
        }
        let name = match node.get("x-type-name") {
            Some(given) => {
                let text = given.as_str()?;
                let name = naming::type_name(text)
                    .filter(|n| n == text)
                    .ok_or_else(|| {
                        given.error(format!(
                            "`x-type-name: {text}` is not an UpperCamelCase Rust type name"
                        ))
                    })?;
                if crate::reserved::is_reserved_type_name(&name) {
                    return Err(given.error(format!("`x-type-name: {name}` is a name the generated crate defines itself; choose another")));
                }
                // Identical schemas that ask for the same name (one enum repeated inline in
                // several operations) become one type.
                if let Some(first) = self.explicit_names.get(&name) {
                    let same = self
                        .doc
                        .lookup(first)
                        .is_some_and(|n| n.value == node.value);
                    if !same {
                        return Err(given.error(format!("`x-type-name: {name}` is also given to the different schema at {first}; schemas that share a name must be identical")));
                    }
                    self.by_pointer.insert(node.pointer.clone(), name.clone());
                    return Ok(name);
                }
                self.explicit_names
                    .insert(name.clone(), node.pointer.clone());
                name
            }
            None => {
                let mut name = name.to_string();
                if crate::reserved::is_reserved_type_name(&name) {
                    name.push_str("Schema");
                }
                name
            }
        };
        self.claim(&name, &node.pointer)?;
        self.by_pointer.insert(node.pointer.clone(), name.clone());
        let def = self.type_def(node, &name);
        let def = def?;
        self.types.insert(name.clone(), def);
        Ok(name)
    }

    pub(super) fn claim(&mut self, name: &str, pointer: &str) -> Result<()> {
        self.scope.claim(name, pointer).map_err(|first| {
            crate::error::Error::at(
                &self.doc.file,
                pointer,
                format!(
                    "the Rust type name `{name}` is also the name of {first}; rename one of them"
                ),
            )
        })
    }

    pub(super) fn type_def(&mut self, node: &Node<'a>, name: &str) -> Result<TypeDef> {
        let kind = match self.shape(node)? {
            Shape::Struct => TypeKind::Struct(self.structure(node, name)?),
            Shape::Enum(values) => TypeKind::Enum(self.enumeration(node, &values, false)?),
            Shape::OpenEnum(member) => {
                let values = member.get("enum").expect("checked by shape").items()?;
                let mut e = self.enumeration(&member, &values, true)?;
                // The default may sit on the `anyOf` itself rather than on its enum member.
                if let (None, Some(default)) = (&e.default, node.get("default")) {
                    let text = default.scalar().unwrap_or_default();
                    let variant = e.variants.iter().find(|v| v.wire == text).ok_or_else(|| {
                        default.error(format!("default `{text}` is not one of the listed values"))
                    })?;
                    e.default = Some(variant.rust_name.clone());
                }
                TypeKind::Enum(e)
            }
            Shape::Union => TypeKind::Union(self.union(node, name)?),
            _ => unreachable!("named() is only called for named shapes"),
        };
        let mut doc = self.doc_of(node, node)?;
        if let TypeKind::Enum(e) = &kind {
            doc.allowed = e.variants.iter().map(|v| v.wire.clone()).collect();
        }
        Ok(TypeDef {
            name: name.to_string(),
            pointer: node.pointer.clone(),
            doc,
            kind,
        })
    }

    pub(super) fn structure(&mut self, node: &Node<'a>, name: &str) -> Result<Struct> {
        let properties = node.get("properties").expect("checked by shape");
        let required: Vec<(String, Node<'a>)> = match node.get("required") {
            Some(list) => list
                .items()?
                .into_iter()
                .map(|n| Ok((n.as_str()?.to_string(), n)))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let entries = properties.entries()?;
        for (wire, at) in &required {
            if !entries.iter().any(|(k, _)| k == wire) {
                let known: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
                return Err(at.error(format!(
                    "`{wire}` is listed in `required` but is not a property of this object (its properties: {})",
                    known.join(", ")
                )));
            }
        }
        let mut fields = Vec::new();
        let mut constants = Vec::new();
        let mut scope = Scope::default();
        for (index, (wire, prop)) in entries.into_iter().enumerate() {
            if let Some(value) = single_value(&prop)? {
                constants.push(Constant {
                    wire_name: wire,
                    value,
                });
                continue;
            }
            let rust_name = naming::field_name(&wire).unwrap_or_else(|| format!("field_{index}"));
            if let Err(first) = scope.claim(&rust_name, &wire) {
                return Err(prop.error(format!(
                    "properties `{first}` and `{wire}` both become the Rust field `{rust_name}`; rename one of them"
                )));
            }
            let hint = format!(
                "{name}{}",
                naming::type_name(&wire).unwrap_or_else(|| format!("Field{index}"))
            );
            let ty = self.ty(&prop, &hint)?;
            let target = resolve::deref(self.doc, &prop)?;
            let mut doc = self.doc_of(&prop, &target)?;
            doc.allowed = self.allowed_values(ty.non_null());
            let bounds = self.numeric_bounds(&target, ty.non_null())?;
            fields.push(Field {
                required: required.iter().any(|(r, _)| *r == wire),
                wire_name: wire,
                setter_name: rust_name.clone(),
                rust_name,
                ty,
                doc,
                bounds,
            });
        }
        let accessors = accessors(node, &scope)?;
        // A setter may not take the name of one of the struct's methods.
        for field in &mut fields {
            let name = naming::unraw(&field.rust_name);
            if crate::reserved::STRUCT_METHODS.contains(&name)
                || accessors.iter().any(|a| a.name == name)
            {
                field.setter_name = format!("{name}_field");
            }
        }
        Ok(Struct {
            fields,
            constants,
            accessors,
            request: false,
        })
    }

    pub(super) fn enumeration(
        &self,
        node: &Node<'a>,
        values: &[Node<'a>],
        open: bool,
    ) -> Result<Enum> {
        let names = VariantNames::read(node, values.len(), "values")?;
        let mut variants = Vec::new();
        let mut scope = Scope::default();
        for (index, value) in values.iter().enumerate() {
            let wire = match value.value {
                Value::String(s) => s.clone(),
                other => {
                    return Err(value.error(format!(
                        "enum values must be strings, found {}; integer and boolean enums are not supported",
                        kind(other)
                    )))
                }
            };
            let rust_name = match names.get(index, &wire)? {
                Some(given) => given,
                None => naming::type_name(&wire).unwrap_or_else(|| format!("Value{index}")),
            };
            if let Err(first) = scope.claim(&rust_name, &wire) {
                return Err(value.error(format!(
                    "enum values `{first}` and `{wire}` both become the Rust variant `{rust_name}`; name them with `x-enum-varnames`"
                )));
            }
            variants.push(Variant { wire, rust_name });
        }
        let other_name = ["Other", "Unlisted", "UnlistedValue"]
            .into_iter()
            .find(|n| !scope.contains(n))
            .unwrap_or("UnlistedValue")
            .to_string();
        let default = match node.get("default") {
            None => None,
            Some(d) => {
                let text = d.scalar().unwrap_or_default();
                match variants.iter().find(|v| v.wire == text) {
                    Some(v) => Some(v.rust_name.clone()),
                    None if values.is_empty() => None,
                    None => {
                        return Err(
                            d.error(format!("default `{text}` is not one of the allowed values"))
                        )
                    }
                }
            }
        };
        Ok(Enum {
            variants,
            openness: if open {
                Openness::Open
            } else {
                Openness::Closed
            },
            other_name,
            default,
        })
    }
}

/// `x-enum-varnames`: the Rust names of an enum's values or a union's alternatives, either as a
/// list (one name per entry, in order) or as a mapping from wire value (or discriminator value)
/// to name. A mapping may leave values out (they get the default name) and may name values the
/// schema does not have (ignored), so that one mapping can serve several enums and survives
/// values added upstream.
pub(super) enum VariantNames<'a> {
    None,
    List(Vec<Node<'a>>),
    Map(Node<'a>),
}

impl<'a> VariantNames<'a> {
    pub(super) fn read(node: &Node<'a>, count: usize, what: &str) -> Result<Self> {
        let Some(given) = node.get("x-enum-varnames") else {
            return Ok(VariantNames::None);
        };
        match given.value {
            Value::Mapping(_) => Ok(VariantNames::Map(given)),
            _ => {
                let items = given.items()?;
                if items.len() != count {
                    return Err(given.error(format!(
                        "`x-enum-varnames` has {} names for {count} {what}; give one per entry, or a mapping from value to name",
                        items.len(),
                    )));
                }
                Ok(VariantNames::List(items))
            }
        }
    }

    /// The given name of entry `index`, whose wire value is `wire`.
    pub(super) fn get(&self, index: usize, wire: &str) -> Result<Option<String>> {
        let node = match self {
            VariantNames::None => return Ok(None),
            VariantNames::List(items) => items[index].clone(),
            VariantNames::Map(map) => match map.get(wire) {
                Some(node) => node,
                None => return Ok(None),
            },
        };
        let given = node.as_str()?;
        naming::type_name(given)
            .map(Some)
            .ok_or_else(|| node.error(format!("`{given}` is not usable as a Rust name")))
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeKind;
    use crate::testing::{api, at, error, kind, with_schemas as with};

    #[test]
    fn enum_variants_are_named_from_their_values_or_x_enum_varnames() {
        let api = api(&with(
            "    R: {type: object, properties: {w: {$ref: '#/components/schemas/W'}, u: {$ref: '#/components/schemas/U'}}}\n    W: {type: string, enum: ['1m', 1h, 'one day'], x-enum-varnames: {'1m': Minute}}\n    U: {type: string, enum: [tokens]}",
        ));
        let TypeKind::Enum(w) = kind(&api, "W") else {
            panic!("an enum")
        };
        let names: Vec<&str> = w.variants.iter().map(|v| v.rust_name.as_str()).collect();
        assert_eq!(names, ["Minute", "V1h", "OneDay"]);
        // Reachable from a response: open, keeping unknown values in `Other`.
        assert_eq!(w.openness, crate::ir::Openness::OpenInResponses);
        assert_eq!(w.other_name, "Other");
    }

    #[test]
    fn two_values_with_one_rust_name_are_an_error_that_says_how_to_fix_it() {
        let e = error(&with("    R: {type: string, enum: [a-b, a_b]}"));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/R/enum/1");
        assert_eq!(
            message,
            "enum values `a-b` and `a_b` both become the Rust variant `AB`; name them with `x-enum-varnames`"
        );
    }

    #[test]
    fn a_schema_named_like_a_crate_item_gets_a_suffix_and_x_type_name_may_not_take_one() {
        let api = api(&with("    R: {type: object, properties: {c: {$ref: '#/components/schemas/Client'}}}\n    Client: {type: object, properties: {id: {type: string}}}"));
        assert!(api.types.iter().any(|t| t.name == "ClientSchema"));
        let e = error(&with(
            "    R: {type: object, x-type-name: PageError, properties: {id: {type: string}}}",
        ));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/R/x-type-name");
        assert!(
            message.starts_with(
                "`x-type-name: PageError` is a name the generated crate defines itself"
            ),
            "{message}"
        );
    }
}
