//! An expression as prettyplease lays it out: on one line when it fits, else one element per
//! line.

use super::{INDENT, MARGIN};

/// The widest struct expression prettyplease writes on one line (up to its closing brace).
const STRUCT_EXPRESSION_MAX_WIDTH: usize = 34;

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
    pub(super) fn write(
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

#[cfg(test)]
mod tests {
    use super::super::tests::{pretty, spliced_member};
    use super::super::{member, string, Code};
    use super::*;

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
}
