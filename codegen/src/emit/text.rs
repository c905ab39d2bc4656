//! Code written as text, in the layout prettyplease gives it, instead of as tokens.
//!
//! Parsing tokens back with `syn` and printing them is most of the generator's time, and it
//! grows with the volume of code. The regular, voluminous items (struct definitions, their
//! `Serialize` impls, enums, the table of shapes) are written here directly as the lines
//! prettyplease would print for them, and stand in the token stream as one placeholder item each
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

/// The column prettyplease fills lines up to.
pub const MARGIN: usize = 89;

/// The widest struct expression prettyplease writes on one line (up to its closing brace).
const STRUCT_EXPRESSION_MAX_WIDTH: usize = 34;

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

    /// The doc comment `text` (made visible by `docs::visible`), if it has any line.
    pub fn doc(&mut self, text: &str) -> &mut Self {
        let mut indent = String::new();
        for _ in 0..self.depth {
            indent.push_str(INDENT);
        }
        doc_lines(&mut self.out, &indent, text);
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

/// An expression as a tree of lists: a word, or a list (call arguments, tuple, array, struct
/// expression fields) that prettyplease prints on one line when it fits and otherwise one
/// element per line, each followed by a comma.
pub enum Tree {
    /// Text that prettyplease never breaks (a literal, a path).
    Word(String),
    /// Code that prettyplease would break if it did not fit on its line (a type, an
    /// expression); when it does not, the item goes through prettyplease.
    Code(String),
    /// `open`, the elements separated by `, `, `close`; or broken, one element per line.
    List {
        /// Up to and including the opening delimiter (`f(`, `&[`, `Path {`).
        open: String,
        /// The elements.
        items: Vec<Tree>,
        /// The closing delimiter (`)`, `]`, `}`).
        close: &'static str,
        /// A struct expression: the flat form has spaces inside the braces (`{ a, b }`) and is
        /// used only while short.
        spaced: bool,
    },
}

impl Tree {
    /// A word.
    pub fn word(text: impl Into<String>) -> Self {
        Tree::Word(text.into())
    }

    /// Code that prettyplease would break if it did not fit (see [`Tree::Code`]).
    pub fn code(text: impl Into<String>) -> Self {
        Tree::Code(text.into())
    }

    /// A list in parentheses or brackets.
    pub fn list(open: impl Into<String>, items: Vec<Tree>, close: &'static str) -> Self {
        Tree::List {
            open: open.into(),
            items,
            close,
            spaced: false,
        }
    }

    /// A struct expression's fields: `Path { a: x, b: y }`.
    pub fn fields(path: &str, items: Vec<Tree>) -> Self {
        Tree::List {
            open: format!("{path} {{"),
            items,
            close: "}",
            spaced: true,
        }
    }

    /// `prefix` before the tree's first line (`name: ` of a field, `&` of a reference).
    pub fn prefixed(prefix: &str, tree: Tree) -> Self {
        match tree {
            Tree::Word(word) => Tree::Word(format!("{prefix}{word}")),
            Tree::Code(code) => Tree::Code(format!("{prefix}{code}")),
            Tree::List {
                open,
                items,
                close,
                spaced,
            } => Tree::List {
                open: format!("{prefix}{open}"),
                items,
                close,
                spaced,
            },
        }
    }

    /// The length of the tree on one line.
    fn flat_len(&self) -> usize {
        match self {
            Tree::Word(word) | Tree::Code(word) => word.len(),
            Tree::List {
                open,
                items,
                close,
                spaced,
            } => {
                let inner: usize = items.iter().map(Tree::flat_len).sum::<usize>()
                    + 2 * items.len().saturating_sub(1);
                let pad = if *spaced && !items.is_empty() { 2 } else { 0 };
                open.len() + inner + pad + close.len()
            }
        }
    }

    fn write_flat(&self, out: &mut String) {
        match self {
            Tree::Word(word) | Tree::Code(word) => out.push_str(word),
            Tree::List {
                open,
                items,
                close,
                spaced,
            } => {
                out.push_str(open);
                if *spaced && !items.is_empty() {
                    out.push(' ');
                }
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_flat(out);
                }
                if *spaced && !items.is_empty() {
                    out.push(' ');
                }
                out.push_str(close);
            }
        }
    }

    /// Writes the tree starting at `column` (the line's indentation is already written), at
    /// nesting `depth` below the `base` column; `trailing` characters follow it on its last line.
    /// False when a [`Tree::Code`] did not fit: prettyplease would have broken it.
    fn write(
        &self,
        out: &mut String,
        (base, depth): (usize, usize),
        column: usize,
        trailing: usize,
    ) -> bool {
        let flat_len = self.flat_len();
        // prettyplease keeps a struct expression on one line only up to 34 columns before its
        // closing brace (`end_with_max_width(34)`).
        let short_enough = match self {
            Tree::List {
                spaced: true,
                close,
                ..
            } => flat_len - close.len() <= STRUCT_EXPRESSION_MAX_WIDTH,
            _ => true,
        };
        let fits = column + flat_len + trailing <= MARGIN;
        if short_enough && fits {
            self.write_flat(out);
            return true;
        }
        let Tree::List {
            open, items, close, ..
        } = self
        else {
            self.write_flat(out);
            return fits || matches!(self, Tree::Word(_));
        };
        let mut all_fit = true;
        out.push_str(open);
        out.push('\n');
        for (i, item) in items.iter().enumerate() {
            for _ in 0..=depth {
                out.push_str(INDENT);
            }
            let last = i + 1 == items.len();
            all_fit &= item.write(
                out,
                (base, depth + 1),
                base + (depth + 1) * INDENT.len(),
                usize::from(!last),
            );
            out.push_str(",\n");
        }
        for _ in 0..depth {
            out.push_str(INDENT);
        }
        out.push_str(close);
        // What follows the closing delimiter must fit on its line too, or prettyplease would
        // break it (a return type after a broken parameter list).
        all_fit && base + depth * INDENT.len() + close.len() + trailing <= MARGIN
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
    fn pretty(code: &str) -> String {
        prettyplease::unparse(&syn::parse_file(code).unwrap_or_else(|e| panic!("{e}: {code}")))
    }

    /// A placeholder member in an impl, spliced.
    fn spliced_member(tokens: TokenStream) -> String {
        let index: usize = tokens
            .to_string()
            .split(['(', ')'])
            .nth(1)
            .and_then(|n| n.trim().parse().ok())
            .expect("a placeholder");
        let spliced = splice(&format!("impl X {{\n    {CODE_MARK}!({index});\n}}\n"));
        take_blocks();
        spliced
    }

    fn leaf(n: usize) -> Tree {
        Tree::word(format!("crate::shape::Named({n})"))
    }

    /// Trees of every width around the margin, at several depths: the writer's layout is
    /// prettyplease's, line for line.
    #[test]
    fn trees_break_where_prettyplease_breaks_them() {
        let mut checked = 0;
        for name_len in 1..70 {
            let name = "x".repeat(name_len);
            let trees = [
                Tree::list(
                    "&[",
                    vec![Tree::word(string(&name)), leaf(1), leaf(22)],
                    "]",
                ),
                Tree::fields(
                    "Path::Kind",
                    vec![
                        Tree::prefixed("schema: ", Tree::word(string(&name))),
                        Tree::prefixed(
                            "values: ",
                            Tree::list(
                                "&[",
                                vec![Tree::word(string(&name)), Tree::word(string("b"))],
                                "]",
                            ),
                        ),
                    ],
                ),
                Tree::list(
                    "(",
                    vec![
                        Tree::word(string(&name)),
                        Tree::list(
                            "crate::Shape::Array(",
                            vec![Tree::prefixed("&", leaf(3))],
                            ")",
                        ),
                    ],
                    ")",
                ),
                Tree::list("&[", vec![], "]"),
            ];
            // In lists that are broken in any case (their other element is too long for a line),
            // at two depths.
            let long = string(&"y".repeat(MARGIN));
            for tree in trees {
                for last in [false, true] {
                    let mut code = Code::new();
                    code.line("static X: &[T] = &[");
                    code.depth = 1;
                    if last {
                        code.line(&format!("{long},"));
                    }
                    code.element(&tree, last);
                    if !last {
                        code.line(&format!("{long},"));
                    }
                    code.depth = 0;
                    code.line("];");
                    let written = code.finish();
                    assert_eq!(written, pretty(&written), "{name_len}");
                }
                for (prefix, suffix) in [("pub const ALL: [Self; 2] = ", ";"), ("let x = ", "?;")] {
                    let mut code = Code::new();
                    code.open("fn f()");
                    code.statement(prefix, &tree, suffix);
                    code.close("}");
                    let written = code.finish();
                    assert_eq!(written, pretty(&written), "{name_len}");
                }
                let mut code = Code::new();
                code.line("static X: &[T] = &[");
                code.depth = 1;
                code.open("T");
                code.element(&Tree::prefixed("a: ", tree), false);
                code.line(&format!("b: {long},"));
                code.close("},");
                code.depth = 0;
                code.line("];");
                let written = code.finish();
                assert_eq!(written, pretty(&written), "{name_len}");
                checked += 1;
            }
        }
        assert_eq!(checked, 69 * 4);
    }

    /// A function's parameters are a list too, followed by its return type.
    #[test]
    fn signatures_break_where_prettyplease_breaks_them() {
        for name_len in 1..80 {
            let name = "x".repeat(name_len);
            for args in [
                vec![format!("{name}: impl Into<String>")],
                vec![
                    format!("{name}: i64"),
                    "b: impl Into<crate::runtime::Timestamp>".into(),
                ],
            ] {
                let mut code = Code::member();
                let args = Tree::list("(", args.into_iter().map(Tree::code).collect(), ")");
                code.statement("pub fn new", &args, " -> Self {");
                code.depth += 1;
                code.line("Self::default()").close("}");
                // Laid out here, or (a type too wide to stay on its line) by prettyplease.
                let written = spliced_member(member(code));
                assert_eq!(written, pretty(&written), "{name_len}");
            }
        }
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
        let tokens = member(code);
        let index: usize = tokens
            .to_string()
            .split(['(', ')'])
            .nth(1)
            .and_then(|n| n.trim().parse().ok())
            .expect("a placeholder");
        let spliced = splice(&format!("impl X {{\n    {CODE_MARK}!({index});\n}}\n"));
        take_blocks();
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
        let tokens = item(code);
        let index: usize = tokens
            .to_string()
            .split(['(', ')'])
            .nth(1)
            .and_then(|n| n.trim().parse().ok())
            .expect("a placeholder");
        let spliced = splice(&format!("{CODE_MARK}!({index});\n"));
        take_blocks();
        assert_eq!(spliced, pretty(&long));
        assert_ne!(spliced, long);
    }
}
