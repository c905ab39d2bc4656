//! Documentation of types, fields and parameters, from the spec: descriptions, allowed values,
//! deprecation.

use super::schemas::Shape;
use super::Builder;
use crate::error::Result;
use crate::ir::{Deprecation, Doc, Type, TypeKind};
use crate::load::Node;
use crate::resolve;

impl<'a> Builder<'a> {
    /// The documentation of a use site (`node`) of a schema (`target`, the same node or what its
    /// `$ref` points at): the use site's own description wins.
    pub(super) fn doc_of(&self, node: &Node<'a>, target: &Node<'a>) -> Result<Doc> {
        let mut description = None;
        for n in [node, target] {
            for key in ["description", "summary", "title"] {
                if description.is_none() {
                    description = n
                        .str(key)?
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                }
            }
        }
        // A nullable anyOf often carries the description on its non-null member.
        if description.is_none() {
            if let Shape::Single(member) = self.shape(target)? {
                description = member.str("description")?.map(|s| s.trim().to_string());
            }
        }
        let schema_default = target
            .get("default")
            .or_else(|| node.get("schema").and_then(|s| s.get("default")));
        let default = match schema_default {
            Some(d) => d.scalar(),
            None => match resolve::deref(self.doc, target)?.get("default") {
                Some(d) => d.scalar(),
                None => None,
            },
        };
        Ok(Doc {
            description,
            default,
            allowed: Vec::new(),
        })
    }

    pub(super) fn allowed_values(&self, ty: &Type) -> Vec<String> {
        match ty.non_null() {
            Type::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(e)) => e.variants.iter().map(|v| v.wire.clone()).collect(),
                _ => Vec::new(),
            },
            Type::Array(item) => self.allowed_values(item),
            _ => Vec::new(),
        }
    }
}

/// `deprecated: true` (and `x-sunset`) on an operation or parameter.
pub(super) fn deprecation(node: &Node<'_>) -> Result<Option<Deprecation>> {
    if node.bool("deprecated")? != Some(true) {
        return Ok(None);
    }
    let note = node
        .str("description")?
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "deprecated by the API".to_string());
    let sunset = node.get("x-sunset").and_then(|s| s.scalar());
    Ok(Some(Deprecation { note, sunset }))
}
