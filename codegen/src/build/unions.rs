//! Discriminated unions: a `oneOf` told apart by one string property (its `discriminator`, or
//! the one property whose constant differs in every member), each member a component struct or
//! an object written in place (named by `x-type-name`, else `{Union}{Tag}`).

use super::schemas::{is_null_schema, single_value};
use super::types::VariantNames;
use super::Builder;
use crate::error::Result;
use crate::ir::{Type, TypeKind, Union, UnionVariant};
use crate::load::Node;
use crate::naming::Scope;
use crate::{naming, resolve};

impl<'a> Builder<'a> {
    /// A property that every member declares with one constant value, different in each: it
    /// tells the members apart even when the spec gives no `discriminator`.
    pub(super) fn implicit_discriminator(&self, members: &[Node<'a>]) -> Result<Option<String>> {
        let mut constants: Vec<Vec<(String, String)>> = Vec::new();
        for member in members {
            let member = resolve::deref(self.doc, member)?;
            let mut found = Vec::new();
            if let Some(properties) = member.get("properties") {
                for (name, prop) in properties.entries()? {
                    if let Some(value) = single_value(&prop)? {
                        found.push((name, value));
                    }
                }
            }
            constants.push(found);
        }
        let Some(first) = constants.first() else {
            return Ok(None);
        };
        for (name, _) in first {
            let values: Option<Vec<&String>> = constants
                .iter()
                .map(|c| c.iter().find(|(n, _)| n == name).map(|(_, v)| v))
                .collect();
            if let Some(mut values) = values {
                let count = values.len();
                values.sort();
                values.dedup();
                if values.len() == count {
                    return Ok(Some(name.clone()));
                }
            }
        }
        Ok(None)
    }

    /// The union `name` at `node`. Its alternatives are `$ref`s to object schemas, or object
    /// schemas written in place (named by their `x-type-name`, else after the union and their
    /// tag: `{Union}{Tag}`).
    pub(super) fn union(&mut self, node: &Node<'a>, name: &str) -> Result<Union> {
        let list = node
            .get("oneOf")
            .or_else(|| node.get("anyOf"))
            .ok_or_else(|| {
                node.error("a `discriminator` needs a `oneOf` (or `anyOf`) next to it")
            })?;
        let members: Vec<Node<'a>> = list
            .items()?
            .into_iter()
            .filter(|m| !is_null_schema(m))
            .collect();
        let (discriminator, property) = match node.get("discriminator") {
            Some(d) => {
                let property = d
                    .str("propertyName")?
                    .ok_or_else(|| d.error("missing `propertyName`"))?
                    .to_string();
                (d, property)
            }
            // No `discriminator`: the shape stage found a constant property that tells them apart.
            None => {
                let property = self
                    .implicit_discriminator(&members)?
                    .ok_or_else(|| list.error("no property tells these alternatives apart"))?;
                (list.clone(), property)
            }
        };
        let mapping: Vec<(String, String)> = match discriminator.get("mapping") {
            Some(m) => m
                .entries()?
                .into_iter()
                .map(|(tag, target)| Ok((tag, target.as_str()?.to_string())))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let names = VariantNames::read(node, members.len(), "alternatives")?;
        let mut variants = Vec::new();
        let mut names_scope = Scope::default();
        let mut tags_scope = Scope::default();
        for (index, member) in members.iter().enumerate() {
            let (target, key) = match resolve::reference(member)? {
                Some(target) => (
                    target,
                    target.rsplit('/').next().unwrap_or(target).to_owned(),
                ),
                None => (
                    member.pointer.as_str(),
                    inline_alternative_name(name, member, &property, index),
                ),
            };
            let ty = match self.core(member, &naming::type_name(&key).unwrap_or_default())? {
                Type::Named(id) => id,
                _ => {
                    return Err(member.error(
                        "each alternative of a discriminated union must be an object schema",
                    ))
                }
            };
            let type_name = self.names[ty.0].clone();
            let Some(TypeKind::Struct(structure)) = self.def(ty).map(|t| &t.kind) else {
                return Err(member.error(format!("`{type_name}` is not an object schema, so it cannot be an alternative of a discriminated union")));
            };
            let constant = structure
                .constants
                .iter()
                .find(|c| c.wire_name == property)
                .map(|c| c.value.clone());
            let has_field = structure.fields.iter().any(|f| f.wire_name == property);
            if constant.is_none() && !has_field {
                return Err(member.error(format!(
                    "`{type_name}` has no property `{property}`, the discriminator"
                )));
            }
            let mapped = mapping
                .iter()
                .find(|(_, t)| t == target)
                .map(|(tag, _)| tag.clone());
            let tag = match (mapped, constant) {
                (Some(tag), Some(constant)) if tag != constant => {
                    return Err(discriminator.error(format!(
                        "the mapping sends `{tag}` to `{type_name}`, whose `{property}` can only be `{constant}`"
                    )))
                }
                (Some(tag), _) | (None, Some(tag)) => tag,
                (None, None) => key.clone(),
            };
            let rust_name = match names.get(index, &tag)? {
                Some(given) => given,
                None => type_name.clone(),
            };
            if let Err(first) = names_scope.claim(&rust_name, target) {
                return Err(member.error(format!(
                    "alternatives {first} and {target} both become the variant `{rust_name}`"
                )));
            }
            if let Err(first) = tags_scope.claim(&tag, target) {
                return Err(member.error(format!(
                    "alternatives {first} and {target} both have the tag `{tag}`"
                )));
            }
            let description = self.types[&type_name].doc.description.clone();
            variants.push(UnionVariant {
                tag,
                rust_name,
                ty,
                description,
            });
        }
        for (tag, target) in &mapping {
            if !variants.iter().any(|v| v.tag == *tag) {
                return Err(discriminator.error(format!("the mapping of `{tag}` points at {target}, which is not one of the alternatives")));
            }
        }
        let unknown_name = ["Unknown", "UnknownObject", "Unlisted"]
            .into_iter()
            .find(|n| !names_scope.contains(n))
            .unwrap_or("UnlistedObject")
            .to_string();
        Ok(Union {
            property,
            variants,
            unknown_name,
        })
    }
}

/// The name of an alternative written in place without an `x-type-name`: the union's name and
/// the alternative's constant tag (`UsageResult` + `organization.x.result` →
/// `UsageResultOrganizationXResult`), or its position when it has no constant tag.
fn inline_alternative_name(union: &str, member: &Node<'_>, property: &str, index: usize) -> String {
    let tag = member
        .get("properties")
        .and_then(|p| p.get(property))
        .and_then(|p| p.get("enum"))
        .and_then(|e| e.items().ok())
        .filter(|values| values.len() == 1)
        .and_then(|values| values[0].scalar());
    // Words, not a finished name: the caller turns them into one with `naming::type_name`.
    match tag {
        Some(tag) => format!("{union} {tag}"),
        None => format!("{union} alternative {}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::TypeKind;
    use crate::testing::{api, at, error, kind, with_schemas as with};

    #[test]
    fn a_union_is_told_apart_by_its_discriminator_values() {
        let api = api(&with(
            "    R: {oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}], discriminator: {propertyName: kind}}\n    A: {type: object, required: [kind], properties: {kind: {type: string, enum: [a]}, n: {type: integer}}}\n    B: {type: object, required: [kind], properties: {kind: {type: string, enum: [b]}}}",
        ));
        let TypeKind::Union(u) = kind(&api, "R") else {
            panic!("a union")
        };
        assert_eq!(u.property, "kind");
        let tags: Vec<(&str, &str)> = u
            .variants
            .iter()
            .map(|v| (v.tag.as_str(), v.rust_name.as_str()))
            .collect();
        assert_eq!(tags, [("a", "A"), ("b", "B")]);
        assert_eq!(u.unknown_name, "Unknown");
    }

    #[test]
    fn a_union_alternative_may_be_written_in_place() {
        let api = api(&with(
            "    R: {oneOf: [{$ref: '#/components/schemas/A'}, {type: object, x-type-name: Named, required: [kind], properties: {kind: {type: string, enum: [b]}}}, {type: object, required: [kind], properties: {kind: {type: string, enum: [c.d]}}}], discriminator: {propertyName: kind}}\n    A: {type: object, required: [kind], properties: {kind: {type: string, enum: [a]}}}",
        ));
        let TypeKind::Union(u) = kind(&api, "R") else {
            panic!("a union")
        };
        let variants: Vec<(&str, &str, &str)> = u
            .variants
            .iter()
            .map(|v| {
                (
                    v.tag.as_str(),
                    v.rust_name.as_str(),
                    api.ty(v.ty).name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            variants,
            [
                ("a", "A", "A"),
                ("b", "Named", "Named"),
                ("c.d", "RCD", "RCD")
            ]
        );
        assert!(matches!(kind(&api, "Named"), TypeKind::Struct(_)));
        // An alternative in place must still be an object.
        let e = error(&with(
            "    R: {oneOf: [{type: string}], discriminator: {propertyName: kind}}",
        ));
        let (pointer, _) = at(&e);
        assert_eq!(pointer, "#/components/schemas/R/oneOf/0");
    }
}
