//! Doc comments: the spec's text, made safe for rustdoc, plus the facts a reader needs (wire name,
//! required or not, default, allowed values, bounds).

use proc_macro2::TokenStream;

use crate::ir::{Bounds, Doc, Param, ParamId};

/// The doc comment of an item: what `#[doc = "..."]` attributes, one per line of `text`, print
/// as. It is handed to `syn` and `prettyplease` as one short placeholder attribute and written
/// in full after printing ([`super::text::splice`]): the doc text is most of the generated
/// bytes; the output is the same bytes.
pub fn attrs(text: &str) -> TokenStream {
    let text = visible(text);
    if text.lines().next().is_none() {
        return TokenStream::new();
    }
    super::text::doc_placeholder(text)
}

/// The spec's description, with every code block made a `text` block: rustdoc compiles and runs
/// code blocks as doctests unless their info string says otherwise, so a description (written by
/// someone else, imported from upstream) must never hold one that rustdoc would run. The text is
/// parsed as Markdown (pulldown-cmark, the parser rustdoc uses), so every form is found: fenced
/// with backticks or tildes, with any info string (`rust`, `edition2021`, `should_panic`, none),
/// indented, inside block quotes and list items, unclosed. Each is rewritten in place as a
/// backtick fence marked `text` (longer than any run of backticks in it); the result is parsed
/// again, and if anything but `text` blocks remains the whole description becomes one `text`
/// block.
pub fn sanitize(description: &str) -> String {
    let text = description.trim().replace("\r\n", "\n").replace('\r', "\n");
    let rewritten = text_blocks(&text);
    if only_text_blocks(&rewritten) {
        rewritten
    } else {
        fenced_text("", &text)
    }
}

/// `text` as one line of words (runs of white space, line breaks included, become one space),
/// for a heading or a list item: on one line no block can start, so no code block either.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Markdown extensions rustdoc reads, so that blocks are found where rustdoc finds them.
fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// `text` with each code block replaced by a `text` fence holding the same lines.
fn text_blocks(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut copied = 0;
    let mut block: Option<(std::ops::Range<usize>, String)> = None;
    for (event, mut range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                // An indented block starts after its four spaces of indentation, which are
                // its syntax: they go with it.
                if matches!(kind, pulldown_cmark::CodeBlockKind::Indented) {
                    let spaces =
                        text[..range.start].len() - text[..range.start].trim_end_matches(' ').len();
                    range.start -= spaces.min(4);
                }
                block = Some((range, String::new()));
            }
            Event::Text(content) => {
                if let Some((_, code)) = block.as_mut() {
                    code.push_str(&content);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some((range, code)) = block.take() else {
                    continue;
                };
                let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                // Later lines keep the block's containers (`>` of quotes); list markers and
                // other text before the block become spaces.
                let prefix: String = text[line_start..range.start]
                    .chars()
                    .map(|c| if c == '>' { '>' } else { ' ' })
                    .collect();
                out.push_str(&text[copied..range.start]);
                out.push_str(&fenced_text(&prefix, code.trim_end_matches('\n')));
                if text[..range.end].ends_with('\n') {
                    out.push('\n');
                }
                copied = range.end;
            }
            _ => {}
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// `code` as a backtick fence marked `text`, every line after the first prefixed by `prefix`.
fn fenced_text(prefix: &str, code: &str) -> String {
    let longest_run = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let mut out = format!("{fence}text\n");
    for line in code.lines() {
        out.push_str(prefix);
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(prefix);
    out.push_str(&fence);
    out
}

/// Whether every code block in `text` is a fence marked `text`, as rustdoc reads it.
fn only_text_blocks(text: &str) -> bool {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
    Parser::new_ext(text, markdown_options()).all(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.as_ref() == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        _ => true,
    })
}

/// A paragraph of facts, such as "JSON property `x`. Optional. Default: `1d`."
pub fn facts(doc: &Doc, lead: String, bounds: Option<&Bounds>, params: &[Param]) -> String {
    let wire = |id: ParamId| params.get(id.0).map_or("?", |p| p.wire_name.as_str());
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
                .map(|(value, max)| format!("{max} when `{}` is `{value}`", wire(by.param)))
                .collect();
            facts.push(format!(
                "At most {} (unset `{}` counts as `{}`).",
                each.join(", "),
                wire(by.param),
                by.default
            ));
        }
        if let Some(other) = &bounds.greater_than {
            facts.push(format!("Must be greater than `{}`.", wire(*other)));
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
        if let Some(pattern) = &bounds.items_pattern {
            facts.push(format!(
                "Each value must match the pattern `{}` (checked by the server).",
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
            // Private-use characters too: the doc placeholders are made of one (`text::DOC_MARK`).
            let hidden = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{feff}' | '\u{e000}'..='\u{f8ff}')
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
    use crate::ir::{MaximumBy, Number, ParamId};
    use quote::quote;

    #[test]
    fn spliced_docs_are_the_bytes_prettyplease_prints_for_one_attribute_per_line() {
        for text in [
            "One line.",
            "Two\nlines, trailing spaces   \n\n   \nafter a line of spaces\t",
            "  indented\n* a list\n/ a slash",
            "Ends with a break\n",
            "A `\u{e000}1` placeholder look-alike stays text",
        ] {
            // What prettyplease makes of `#[doc = " line"]` per line, as emit once wrote them.
            let lines = visible(text)
                .lines()
                .map(|line| {
                    let line = if line.is_empty() {
                        String::new()
                    } else {
                        format!(" {line}")
                    };
                    quote!(#[doc = #line])
                })
                .collect::<Vec<_>>();
            let expected = prettyplease::unparse(
                &syn::parse2(quote!(mod m { #(#lines)* pub struct S { #(#lines)* pub f: u8 } }))
                    .unwrap(),
            );
            let docs = attrs(text);
            let actual = crate::emit::print(
                &syn::parse2(quote!(mod m { #docs pub struct S { #docs pub f: u8 } })).unwrap(),
            );
            assert_eq!(actual, expected, "{text:?}");
        }
    }

    #[test]
    fn every_code_block_becomes_a_text_block_in_place() {
        let text =
            sanitize("Intro.\n```\nlet x = 1;\n```\n\n    indented();\n\n```json\n{}\n```\nEnd.");
        assert_eq!(
            text,
            "Intro.\n```text\nlet x = 1;\n```\n\n```text\nindented();\n```\n\n```text\n{}\n```\nEnd."
        );
        // An unclosed fence is closed, so it cannot swallow the facts after it.
        assert_eq!(sanitize("```\nopen"), "```text\nopen\n```");
        // Inside a quote the block keeps its `>`; a fence inside the code gets a longer fence.
        assert_eq!(
            sanitize("> Quote:\n> ```rust\n> run();\n> ```\n~~~ edition2021\na ``` b\n~~~"),
            "> Quote:\n> ```text\n> run();\n> ```\n````text\na ``` b\n````"
        );
    }

    #[test]
    fn no_form_of_code_block_survives() {
        for hostile in [
            "```rust\nrun()\n```",
            "~~~\nrun()\n~~~",
            "```edition2021\nrun()\n```",
            "```should_panic\nrun()\n```",
            "```rust,editable\nrun()\n```",
            "Text.\n\n    run()\n",
            "> ```\n> run()\n> ```",
            ">     run()",
            "- item\n\n  ```\n  run()\n  ```",
            "1. item\n\n       run()",
            "- > ~~~rust\n  > run()\n  > ~~~",
            "``` ```\nrun()",
        ] {
            let text = sanitize(hostile);
            assert!(only_text_blocks(&text), "{hostile:?} became {text:?}");
            assert!(
                text.contains("run()"),
                "{hostile:?}: the code is still shown: {text:?}"
            );
        }
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
            facts(&doc, "Query parameter `w`.".into(), None, &[]),
            "Query parameter `w`. Default: `1d`. Allowed values: `1m`, `1d`."
        );
        let bounds = Bounds {
            minimum: Some(Number::Integer(1)),
            maximum_by: Some(MaximumBy {
                param: ParamId(0),
                default: "1d".into(),
                values: vec![("1m".into(), 1440), ("1d".into(), 31)],
            }),
            max_items: Some(3),
            pattern: Some("^a`b$".into()),
            ..Bounds::default()
        };
        assert_eq!(
            facts(
                &Doc::default(),
                "Lead.".into(),
                Some(&bounds),
                &[crate::testing::operation(&crate::testing::doc(
                    &crate::testing::get("[{name: w, in: query, schema: {type: string}}]", "{type: object}"),
                    "",
                ))
                .params
                .remove(0)],
            ),
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
