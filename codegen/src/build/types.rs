//! Named types: structs, closed and open enums, discriminated unions; their Rust names
//! (`x-type-name`, `x-enum-varnames`) claimed once per crate.

use super::schemas::{is_null_schema, single_value, Shape};
use super::Builder;
use crate::error::Result;
use crate::ir::{
    Accessor, AccessorStep, Constant, Enum, Field, Struct, Type, TypeDef, TypeKind, Union,
    UnionVariant, Variant,
};
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
            open,
            requests_listed_only: false,
            other_name,
            default,
        })
    }

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
            let type_name = match self.core(member, &naming::type_name(&key).unwrap_or_default())? {
                Type::Named(name) => name,
                _ => {
                    return Err(member.error(
                        "each alternative of a discriminated union must be an object schema",
                    ))
                }
            };
            let Some(TypeKind::Struct(structure)) = self.types.get(&type_name).map(|t| &t.kind)
            else {
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
                type_name,
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

/// The `x-accessors` of an object schema, their paths still to be followed (once every type is
/// built: `resolve_accessors`). Each is `name: {path: [field, ...], description: ...}`; the name
/// must be a snake_case method name no field of the object takes.
fn accessors(node: &Node<'_>, fields: &Scope) -> Result<Vec<Accessor>> {
    let Some(list) = node.get("x-accessors") else {
        return Ok(Vec::new());
    };
    let mut accessors = Vec::new();
    for (name, spec) in list.entries()? {
        if naming::field_name(&name).as_deref() != Some(name.as_str()) || name.starts_with("r#") {
            return Err(spec.error(format!(
                "`{name}` must be a snake_case Rust method name (like `amount_value`)"
            )));
        }
        if fields.contains(&name) {
            return Err(spec.error(format!("`{name}` is also a field of this object")));
        }
        let path = spec
            .get("path")
            .ok_or_else(|| spec.error("missing `path`: the fields to follow, outermost first"))?
            .items()?
            .into_iter()
            .map(|step| step.as_str().map(str::to_owned))
            .collect::<Result<Vec<_>>>()?;
        if path.len() < 2 {
            return Err(spec.error("`path` follows at least two fields (one is the field itself)"));
        }
        let description = spec
            .str("description")?
            .map(str::to_owned)
            .ok_or_else(|| spec.error("missing `description`: say what the method returns"))?;
        accessors.push(Accessor {
            name,
            description,
            path,
            steps: Vec::new(),
            ty: Type::Any,
        });
    }
    Ok(accessors)
}

/// Follows the path of every accessor through the built types: each step a field of the object
/// the step before reaches (the last may be of any type), named in errors by the schema's place.
pub(super) fn resolve_accessors(types: &mut [TypeDef], file: &std::path::Path) -> Result<()> {
    let snapshot: Vec<TypeDef> = types.to_vec();
    let find = |name: &str| snapshot.iter().find(|t| t.name == name);
    for def in types.iter_mut() {
        let TypeKind::Struct(structure) = &mut def.kind else {
            continue;
        };
        let pointer = format!("{}/x-accessors", def.pointer);
        for accessor in &mut structure.accessors {
            let error = |message: String| {
                crate::error::Error::at(file, &format!("{pointer}/{}", accessor.name), message)
            };
            let mut steps = Vec::new();
            let mut current = def.name.clone();
            let mut reached = Type::Any;
            for (index, wire) in accessor.path.iter().enumerate() {
                let fields = match find(&current).map(|t| &t.kind) {
                    Some(TypeKind::Struct(s)) => &s.fields,
                    _ => {
                        return Err(error(format!(
                            "`{}` leads to `{current}`, which is not an object with fields",
                            accessor.path[..index].join(".")
                        )))
                    }
                };
                let field = fields
                    .iter()
                    .find(|f| &f.wire_name == wire)
                    .ok_or_else(|| error(format!("`{current}` has no field `{wire}`")))?;
                steps.push(AccessorStep {
                    rust_name: field.rust_name.clone(),
                    option: field.is_option(),
                });
                reached = field.ty.non_null().clone();
                if let Type::Named(next) = &reached {
                    current = next.clone();
                }
            }
            accessor.steps = steps;
            accessor.ty = reached;
        }
    }
    Ok(())
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
    use crate::ir::{Api, TypeKind};
    use crate::testing::{api, at, doc, error, get};

    fn with(components: &str) -> String {
        doc(&get("[]", "{$ref: '#/components/schemas/R'}"), components)
            .replace("  schemas: {}\n", "  schemas:\n")
    }

    fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
        &api.types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .kind
    }

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
        assert!(w.open && w.requests_listed_only);
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
            .map(|v| (v.tag.as_str(), v.rust_name.as_str(), v.type_name.as_str()))
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

    #[test]
    fn an_accessor_follows_its_path_and_a_bad_path_is_named() {
        let spec = |path: &str| {
            with(&format!("    R: {{type: object, x-accessors: {{inner_n: {{path: {path}, description: The n.}}}}, properties: {{inner: {{$ref: '#/components/schemas/I'}}}}}}\n    I: {{type: object, properties: {{n: {{type: integer}}}}}}"))
        };
        let api = api(&spec("[inner, n]"));
        let TypeKind::Struct(r) = kind(&api, "R") else {
            panic!("a struct")
        };
        let accessor = &r.accessors[0];
        assert_eq!(accessor.ty, crate::ir::Type::Integer);
        let steps: Vec<(&str, bool)> = accessor
            .steps
            .iter()
            .map(|s| (s.rust_name.as_str(), s.option))
            .collect();
        assert_eq!(steps, [("inner", true), ("n", true)]);
        let e = error(&spec("[inner, m]"));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/components/schemas/R/x-accessors/inner_n");
        assert_eq!(message, "`I` has no field `m`");
    }
}
