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
        let example = [node, target]
            .into_iter()
            .chain(node.get("schema").as_ref())
            .find_map(|n| {
                n.get("example").or_else(|| {
                    n.get("examples")
                        .and_then(|e| e.items().ok()?.into_iter().next())
                })
            })
            .and_then(|e| e.scalar());
        Ok(Doc {
            description,
            default,
            allowed: Vec::new(),
            example,
        })
    }

    pub(super) fn allowed_values(&self, ty: &Type) -> Vec<String> {
        match ty.non_null() {
            Type::Named(id) => match self.def(*id).map(|t| &t.kind) {
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
    // The note is what the description says about the deprecation (its sentences that mention
    // it, or say what to use instead), not the whole description, which says what the
    // operation or parameter does.
    let note = node
        .str("description")?
        .map(deprecation_sentences)
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "deprecated by the API".to_string());
    let sunset = node.get("x-sunset").and_then(|s| s.scalar());
    Ok(Some(Deprecation { note, sunset }))
}

/// The sentences of `description` that speak of the deprecation: those that mention it or name
/// what to use instead.
fn deprecation_sentences(description: &str) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        let at_break = matches!(c, '.' | '!' | '?') && text[end..].starts_with(' ');
        if at_break || end == text.len() {
            sentences.push(text[start..end].trim());
            start = end;
        }
    }
    sentences
        .into_iter()
        .filter(|s| {
            let lower = s.to_lowercase();
            lower.contains("deprecat") || lower.contains("instead")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use crate::ir::{Deprecation, TypeKind};
    use crate::testing::{api, doc, get, operation};

    #[test]
    fn a_use_site_description_wins_over_the_schema_it_refers_to() {
        let text = doc(
            &get("[]", "{$ref: '#/components/schemas/R'}"),
            "    R: {type: object, properties: {w: {description: Width of a bucket., $ref: '#/components/schemas/W'}, v: {$ref: '#/components/schemas/W'}}}\n    W: {type: string, description: A width., default: 1d}",
        )
        .replace("  schemas: {}\n", "  schemas:\n");
        let api = api(&text);
        let r = api.types.iter().find(|t| t.name == "R").unwrap();
        let TypeKind::Struct(s) = &r.kind else {
            panic!("a struct")
        };
        let (w, v) = (&s.fields[0].doc, &s.fields[1].doc);
        assert_eq!(w.description.as_deref(), Some("Width of a bucket."));
        assert_eq!(v.description.as_deref(), Some("A width."));
        assert_eq!(w.default.as_deref(), Some("1d"));
    }

    #[test]
    fn parameters_list_their_allowed_values() {
        let op = operation(&doc(
            &get("[{name: w, in: query, schema: {type: array, items: {type: string, enum: [1m, 1d]}}}]", "{type: object}"),
            "",
        ));
        assert_eq!(op.params[0].doc.allowed, ["1m", "1d"]);
    }

    #[test]
    fn deprecation_keeps_the_note_and_sunset_or_says_who_deprecated_it() {
        let text = doc(&get("[{name: a, in: query, deprecated: true, x-sunset: '2027-01-01', description: '  Return only these projects. Deprecated: use `b` instead.  ', schema: {type: string}}, {name: b, in: query, deprecated: true, schema: {type: string}}, {name: c, in: query, deprecated: true, description: Return only usage for these projects., schema: {type: string}}]", "{type: object}"), "");
        let op = operation(&text);
        assert_eq!(
            op.params[0].deprecated,
            Some(Deprecation {
                note: "Deprecated: use `b` instead.".into(),
                sunset: Some("2027-01-01".into())
            })
        );
        // A description that says what the parameter does is no deprecation note.
        assert_eq!(
            op.params[2].deprecated.as_ref().map(|d| d.note.as_str()),
            Some("deprecated by the API")
        );
        assert_eq!(
            op.params[1].deprecated,
            Some(Deprecation {
                note: "deprecated by the API".into(),
                sunset: None
            })
        );
    }
}
