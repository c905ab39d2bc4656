//! Code written as text, in the layout prettyplease gives it, instead of as tokens.
//!
//! Parsing tokens back with `syn` and printing them is most of the generator's time, and it
//! grows with the volume of code. The regular, voluminous items (struct definitions and their
//! `Serialize` impls, enums, the table of shapes, the parameter structs, the `Request` impls,
//! the client's calls) are written with [`Code`] directly as the lines prettyplease would print
//! for them, and stand in the token stream as one placeholder item each
//! (`__verbatim!(N);`), replaced after printing ([`splice`]); doc comments are spliced the same
//! way ([`doc_placeholder`]). An item with a line this writer does not know how to break is
//! printed through `syn` and prettyplease on its own ([`item`]), so the output never depends on
//! this module knowing every layout.
//!
//! The invariant: each generated file is a fixed point of `syn` + prettyplease (with the blank
//! lines `space_items` adds); `tests/tests/golden.rs` and the unit tests here check it.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

mod tree;

pub use tree::Tree;

/// The column prettyplease fills lines up to.
pub const MARGIN: usize = 89;

/// prettyplease's indentation step.
const INDENT: &str = "    ";

thread_local! {
    /// The doc texts and code pieces behind this thread's placeholders, by index. Each file is
    /// built and printed on one thread (`emit::crate_files`), which [`take_blocks`] empties after
    /// printing.
    static BLOCKS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// A doc placeholder's mark: a private-use character, which no doc text holds (`docs::visible`
/// shows every character that is not printable as an escape, private-use characters included).
const DOC_MARK: char = '\u{E000}';

/// The name of the macro a code placeholder invokes; never defined, never printed.
const CODE_MARK: &str = "__verbatim";

fn register(text: String) -> usize {
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        blocks.push(text);
        blocks.len() - 1
    })
}

/// The attribute that stands for the doc comment `text` (already made visible) until [`splice`].
pub fn doc_placeholder(text: String) -> TokenStream {
    let marker = format!("{DOC_MARK}{}", register(text));
    quote!(#[doc = #marker])
}

/// The item written in `code`, as a placeholder item. When a line of it may be laid out
/// otherwise by prettyplease (a line written with [`Code::line`] past [`MARGIN`]), the code is
/// printed through `syn` and prettyplease instead.
pub fn item(code: Code) -> TokenStream {
    if code.too_wide {
        placeholder(reformat(&code.out))
    } else {
        placeholder(code.out)
    }
}

/// The member of an impl written in `code` (made with [`Code::member`]), as a placeholder impl
/// item; [`item`] for what goes inside an `impl` block, whose lines are one level deeper.
pub fn member(code: Code) -> TokenStream {
    if !code.too_wide {
        return placeholder(code.out);
    }
    let mut wrapped = String::from("impl X {\n");
    for line in code.out.lines() {
        if !line.is_empty() {
            wrapped.push_str(INDENT);
        }
        wrapped.push_str(line);
        wrapped.push('\n');
    }
    wrapped.push_str("}\n");
    let printed = reformat(&wrapped);
    let inner: Vec<&str> = printed.lines().collect();
    let mut out = String::new();
    for line in &inner[1..inner.len() - 1] {
        out.push_str(line.strip_prefix(INDENT).unwrap_or(line));
        out.push('\n');
    }
    placeholder(out)
}

fn placeholder(code: String) -> TokenStream {
    let index = proc_macro2::Literal::usize_unsuffixed(register(code));
    let mark = proc_macro2::Ident::new(CODE_MARK, proc_macro2::Span::call_site());
    quote!(#mark!(#index);)
}

/// `code` as prettyplease prints it. The code is the generator's own, so it parses.
fn reformat(code: &str) -> String {
    let file = syn::parse_file(code).unwrap_or_else(|e| {
        panic!("the generator wrote code that does not parse (a bug in codegen): {e}\n{code}")
    });
    prettyplease::unparse(&file)
}

/// The printed code with each placeholder replaced: a doc placeholder (`///\u{E000}7`) by the
/// doc comment, written as prettyplease writes `#[doc = " line"]` (`///`, the line with its
/// leading space, trailing spaces trimmed); a code placeholder (`__verbatim!(8);`) by the code.
/// Both at the placeholder's indentation.
pub fn splice(printed: &str) -> String {
    BLOCKS.with(|blocks| {
        let blocks = blocks.borrow();
        let mut out = String::with_capacity(printed.len() * 2);
        for line in printed.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let doc = trimmed
                .strip_prefix("///")
                .and_then(|rest| rest.trim_end().strip_prefix(DOC_MARK))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| blocks.get(i));
            if let Some(text) = doc {
                doc_lines(&mut out, indent, text);
                continue;
            }
            let code = trimmed
                .strip_prefix(CODE_MARK)
                .and_then(|rest| rest.trim_end().strip_prefix("!("))
                .and_then(|rest| rest.strip_suffix(");"))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| blocks.get(i));
            let Some(code) = code else {
                out.push_str(line);
                continue;
            };
            for code_line in code.lines() {
                if !code_line.is_empty() {
                    out.push_str(indent);
                    out.push_str(code_line);
                }
                out.push('\n');
            }
        }
        out
    })
}

/// `text`'s lines as `///` comments at `indent`, as prettyplease prints one doc attribute per
/// line.
pub fn doc_lines(out: &mut String, indent: &str, text: &str) {
    for doc in text.lines() {
        out.push_str(indent);
        out.push_str("///");
        let doc = doc.trim_end_matches(' ');
        if !doc.is_empty() {
            out.push(' ');
            out.push_str(doc);
        }
        out.push('\n');
    }
}

/// Forgets this thread's doc texts and code pieces (after its file is printed).
pub fn take_blocks() {
    BLOCKS.with(|blocks| blocks.borrow_mut().clear());
}

/// Lines of code being written, with the indentation of the block they are in.
#[derive(Default)]
pub struct Code {
    out: String,
    depth: usize,
    /// Columns of indentation the code will be spliced in at (4 for an impl member).
    base: usize,
    /// A line written with [`Code::line`] is past the margin: prettyplease may lay it out
    /// otherwise.
    too_wide: bool,
}

impl Code {
    /// An empty item, at indentation zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty member of an impl (spliced in one level deeper).
    pub fn member() -> Self {
        Self {
            base: INDENT.len(),
            ..Self::default()
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str(INDENT);
        }
    }

    fn check_width(&mut self, start: usize) {
        let line = &self.out[start..self.out.len() - 1];
        // A doc comment is never broken (it is written as one, after printing).
        let width = self.base + line.len();
        if width > MARGIN && !line.trim_start().starts_with("///") {
            self.too_wide = true;
        }
    }

    /// One line at the current indentation, in the layout prettyplease gives it if it fits
    /// within the margin (the item goes through prettyplease if it does not).
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.line_of(&[text])
    }

    /// A line that prettyplease leaves as it is however wide (a path or a literal: no place to
    /// break it).
    pub fn unbreakable(&mut self, text: &str) -> &mut Self {
        self.indent();
        self.out.push_str(text);
        self.out.push('\n');
        self
    }

    /// [`Code::line`] made of `parts`.
    pub fn line_of(&mut self, parts: &[&str]) -> &mut Self {
        let start = self.out.len();
        self.indent();
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
        self.check_width(start);
        self
    }

    /// What `body` writes, one level deeper.
    pub fn indented(&mut self, body: impl FnOnce(&mut Self)) -> &mut Self {
        self.depth += 1;
        body(self);
        self.depth -= 1;
        self
    }

    /// The doc comment `text`, if it has any line, made visible first (`docs::visible`: a
    /// character that is not printable, or that changes the direction of text, is written out
    /// as an escape), as every doc comment of the generated code is.
    pub fn doc(&mut self, text: &str) -> &mut Self {
        let text = super::docs::visible(text);
        let mut indent = String::new();
        for _ in 0..self.depth {
            indent.push_str(INDENT);
        }
        doc_lines(&mut self.out, &indent, &text);
        self
    }

    /// `head {` and one level deeper.
    pub fn open(&mut self, head: &str) -> &mut Self {
        self.line_of(&[head, " {"]);
        self.depth += 1;
        self
    }

    /// One level out, and `close` (`}`, `},` or `};`).
    pub fn close(&mut self, close: &str) -> &mut Self {
        self.depth -= 1;
        self.line(close)
    }

    /// An element of a broken list (a tree at the current indentation, laid out as prettyplease
    /// lays out the expression it stands for), and its comma. prettyplease counts the comma
    /// when it decides whether the element fits on one line, except after the last element
    /// (where the comma is written only because the list is broken).
    pub fn element(&mut self, tree: &Tree, last: bool) -> &mut Self {
        self.indent();
        let column = self.base + self.depth * INDENT.len();
        let fits = tree.write(
            &mut self.out,
            (self.base, self.depth),
            column,
            usize::from(!last),
        );
        self.too_wide |= !fits;
        self.out.push_str(",\n");
        self
    }

    /// A line of `prefix`, an expression laid out as [`Code::element`] lays it out, and
    /// `suffix` (`let x = f(a, b)?;`, `pub const ALL: [Self; 2] = [a, b];`): prettyplease
    /// counts the suffix when it decides whether the expression fits.
    pub fn statement(&mut self, prefix: &str, tree: &Tree, suffix: &str) -> &mut Self {
        self.indent();
        self.out.push_str(prefix);
        let column = self.base + self.depth * INDENT.len() + prefix.len();
        let fits = tree.write(&mut self.out, (self.base, self.depth), column, suffix.len());
        self.too_wide |= !fits;
        self.out.push_str(suffix);
        self.out.push('\n');
        self
    }

    /// The code written.
    #[cfg(test)]
    pub fn finish(self) -> String {
        self.out
    }
}

/// `name` as a string literal, escaped as `quote` writes it.
pub fn string(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What prettyplease prints for `code`.
    pub(super) fn pretty(code: &str) -> String {
        prettyplease::unparse(&syn::parse_file(code).unwrap_or_else(|e| panic!("{e}: {code}")))
    }

    /// The placeholder line a code piece stands as, as prettyplease prints it.
    fn placeholder_line(tokens: &TokenStream) -> String {
        let index: usize = tokens
            .to_string()
            .split(['(', ')'])
            .nth(1)
            .and_then(|n| n.trim().parse().ok())
            .expect("a placeholder");
        format!("{CODE_MARK}!({index});")
    }

    /// A placeholder item, spliced.
    fn spliced_item(tokens: TokenStream) -> String {
        let spliced = splice(&format!("{}\n", placeholder_line(&tokens)));
        take_blocks();
        spliced
    }

    /// A placeholder member in an impl, spliced.
    pub(super) fn spliced_member(tokens: TokenStream) -> String {
        let line = placeholder_line(&tokens);
        let spliced = splice(&format!("impl X {{\n    {line}\n}}\n"));
        take_blocks();
        spliced
    }

    #[test]
    fn a_member_too_wide_to_write_is_printed_by_prettyplease_inside_its_impl() {
        let long = format!(
            "pub fn f(mut self, value: impl Into<{}>) -> Self {{\n    self\n}}\n",
            "S".repeat(40)
        );
        let mut code = Code::member();
        for line in long.lines() {
            code.unbreakable(line);
        }
        code.too_wide = true;
        let spliced = spliced_member(member(code));
        let expected = pretty(&format!("impl X {{\n{long}}}\n"));
        assert_eq!(spliced, expected);
        assert!(spliced.lines().count() > 4, "{spliced}");
    }

    #[test]
    fn a_code_piece_too_wide_to_write_is_printed_by_prettyplease() {
        let long = format!(
            "pub struct S {{\n    pub a: ::std::collections::BTreeMap<{}, Vec<i64>>,\n}}\n",
            "String".repeat(14)
        );
        let mut code = Code::new();
        code.open("pub struct S")
            .line(&format!(
                "pub a: ::std::collections::BTreeMap<{}, Vec<i64>>,",
                "String".repeat(14)
            ))
            .close("}");
        assert!(code.too_wide);
        let spliced = spliced_item(item(code));
        assert_eq!(spliced, pretty(&long));
        assert_ne!(spliced, long);
    }
}
