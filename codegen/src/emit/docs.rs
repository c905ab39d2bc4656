//! Doc comments: the spec's text, made safe for rustdoc, plus the facts a reader needs (wire name,
//! required or not, default, allowed values, bounds).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Bounds, Doc};

/// `#[doc = "..."]` attributes, one per line of `text`.
pub fn attrs(text: &str) -> TokenStream {
    let text = visible(text);
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// The spec's description, with the changes that keep rustdoc from misreading it: code blocks
/// without a language are marked `text` (rustdoc would otherwise compile them as Rust doctests)
/// and deep indentation is reduced (four spaces would start a code block, also a doctest).
pub fn sanitize(description: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in description.trim().lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                out.push("```".to_string());
            } else if info.trim().is_empty() || info.trim() == "rust" {
                out.push("```text".to_string());
            } else {
                out.push(format!("```{}", info.trim()));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        let indent = line.len() - trimmed.len();
        out.push(format!(
            "{}{}",
            " ".repeat(indent.min(3)),
            trimmed.trim_end()
        ));
    }
    if in_fence {
        out.push("```".to_string());
    }
    out.join("\n")
}

/// A paragraph of facts, such as "JSON property `x`. Optional. Default: `1d`."
pub fn facts(doc: &Doc, lead: String, bounds: Option<&Bounds>) -> String {
    let mut facts = vec![lead];
    if let Some(default) = &doc.default {
        facts.push(format!("Default: `{}`.", default));
    }
    if !doc.allowed.is_empty() {
        let values: Vec<String> = doc.allowed.iter().map(|v| format!("`{v}`")).collect();
        facts.push(format!("Allowed values: {}.", values.join(", ")));
    }
    if let Some(bounds) = bounds {
        if let Some(min) = &bounds.minimum {
            facts.push(format!("Minimum: {min}."));
        }
        if let Some(max) = &bounds.maximum {
            facts.push(format!("Maximum: {max}."));
        }
        if let Some(by) = &bounds.maximum_by {
            let each: Vec<String> = by
                .values
                .iter()
                .map(|(value, max)| format!("{max} when `{}` is `{value}`", by.param.wire_name))
                .collect();
            facts.push(format!(
                "At most {} (unset `{}` counts as `{}`).",
                each.join(", "),
                by.param.wire_name,
                by.default
            ));
        }
        if let Some(other) = &bounds.greater_than {
            facts.push(format!("Must be greater than `{}`.", other.wire_name));
        }
        if let Some(min) = &bounds.exclusive_minimum {
            facts.push(format!("Greater than {min}."));
        }
        if let Some(max) = &bounds.exclusive_maximum {
            facts.push(format!("Less than {max}."));
        }
        for (what, min, max) in [
            ("values", bounds.min_items, bounds.max_items),
            ("characters", bounds.min_length, bounds.max_length),
        ] {
            match (min, max) {
                (Some(min), Some(max)) => facts.push(format!("{min} to {max} {what}.")),
                (Some(min), None) => facts.push(format!("At least {min} {what}.")),
                (None, Some(max)) => facts.push(format!("At most {max} {what}.")),
                (None, None) => {}
            }
        }
        if let Some(pattern) = &bounds.pattern {
            facts.push(format!(
                "Must match the pattern `{}` (checked by the server).",
                pattern.replace('`', "'")
            ));
        }
    }
    facts.join(" ")
}

/// Description (if any), a blank line, then the facts.
pub fn item(description: Option<&str>, facts: &str) -> String {
    match description {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{facts}", sanitize(d)),
        _ => facts.to_string(),
    }
}

/// Text with invisible and direction-changing characters written out as `\u{...}`: rustc
/// rejects bidirectional controls in comments (they can make code read differently than it
/// compiles), and a reader should see every character a spec puts in a doc.
pub fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            let hidden = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{feff}')
                || (c.is_control() && c != '\n' && c != '\t');
            if hidden {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{MaximumBy, Number, ParamRef};

    #[test]
    fn code_blocks_without_a_language_are_text_and_deep_indents_are_not_code() {
        let text = sanitize("Intro.\n```\nlet x = 1;\n```\n        indented\n```json\n{}\n```");
        assert_eq!(
            text,
            "Intro.\n```text\nlet x = 1;\n```\n   indented\n```json\n{}\n```"
        );
        // An unclosed fence is closed, so it cannot swallow the facts after it.
        assert_eq!(sanitize("```\nopen"), "```text\nopen\n```");
    }

    #[test]
    fn facts_state_default_allowed_values_and_bounds_in_words() {
        let doc = Doc {
            description: None,
            default: Some("1d".into()),
            allowed: vec!["1m".into(), "1d".into()],
            example: None,
        };
        assert_eq!(
            facts(&doc, "Query parameter `w`.".into(), None),
            "Query parameter `w`. Default: `1d`. Allowed values: `1m`, `1d`."
        );
        let bounds = Bounds {
            minimum: Some(Number::Integer(1)),
            maximum_by: Some(MaximumBy {
                param: ParamRef {
                    index: 0,
                    wire_name: "w".into(),
                },
                default: "1d".into(),
                values: vec![("1m".into(), 1440), ("1d".into(), 31)],
            }),
            max_items: Some(3),
            pattern: Some("^a`b$".into()),
            ..Bounds::default()
        };
        assert_eq!(
            facts(&Doc::default(), "Lead.".into(), Some(&bounds)),
            "Lead. Minimum: 1. At most 1440 when `w` is `1m`, 31 when `w` is `1d` (unset `w` counts as `1d`). At most 3 values. Must match the pattern `^a'b$` (checked by the server)."
        );
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_written_out() {
        assert_eq!(
            visible("a\u{202e}b\u{200b}c\td"),
            "a\\u{202e}b\\u{200b}c\td"
        );
    }
}
