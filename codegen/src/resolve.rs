//! Stage 2, resolve: follow `$ref`s. Only references inside the same document (`#/...`) are
//! supported; a chain of references is followed to its end, and a cycle or a reference to
//! nothing is an error that names the place of the `$ref`.

use crate::error::Result;
use crate::load::{Document, Node};

/// How many `$ref`s in a row are followed before the chain is taken for a cycle.
const MAX_CHAIN: usize = 64;

/// The `$ref` of this node, if it is a reference.
pub fn reference<'a>(node: &Node<'a>) -> Result<Option<&'a str>> {
    node.str("$ref")
}

/// Follows `node` through any chain of `$ref`s to the node it finally stands for.
pub fn deref<'a>(doc: &'a Document, node: &Node<'a>) -> Result<Node<'a>> {
    let mut current = node.clone();
    let mut seen: Vec<String> = Vec::new();
    while let Some(target) = reference(&current)? {
        if seen.iter().any(|s| s == target) || seen.len() >= MAX_CHAIN {
            seen.push(target.to_string());
            return Err(node.error(format!("`$ref` cycle: {}", seen.join(" -> "))));
        }
        seen.push(target.to_string());
        current = lookup(doc, &current, target)?;
    }
    Ok(current)
}

/// The node a `$ref` string points at.
pub fn lookup<'a>(doc: &'a Document, from: &Node<'a>, target: &str) -> Result<Node<'a>> {
    if !target.starts_with('#') {
        return Err(from.error(format!(
            "`$ref: {target}` points outside this file; only local references (`#/...`) are supported"
        )));
    }
    doc.lookup(target)
        .ok_or_else(|| from.error(format!("`$ref: {target}` points at nothing in this file")))
}

#[cfg(test)]
mod tests {
    use crate::testing::{at, doc, error, get};

    #[test]
    fn a_reference_to_nothing_is_an_error_at_the_reference() {
        let e = error(&doc(
            &get("[]", "{$ref: '#/components/schemas/Missing'}"),
            "",
        ));
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/application~1json/schema"), "{pointer}");
        assert_eq!(
            message,
            "`$ref: #/components/schemas/Missing` points at nothing in this file"
        );
    }

    #[test]
    fn a_reference_to_another_file_is_refused() {
        let e = error(&doc(
            &get("[]", "{$ref: 'other.yaml#/components/schemas/R'}"),
            "",
        ));
        assert_eq!(
            e.message,
            "`$ref: other.yaml#/components/schemas/R` points outside this file; only local references (`#/...`) are supported"
        );
    }
}
