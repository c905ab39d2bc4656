//! Output that people open elsewhere is safe there: names and IDs come from the API (anyone who
//! can name a project chooses them), so a CSV cell cannot become a spreadsheet formula, terminal
//! text cannot carry escape sequences or reorder itself, and a table stays aligned and readable
//! whatever the names hold.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The characters that make a spreadsheet read a cell as a formula when they lead it (OWASP's
/// list for CSV injection: `=`, `+`, `-`, `@`, tab, carriage return).
const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell of text from the API, made inert for spreadsheets: one that starts with a
/// formula character gets a leading `'`, which spreadsheets show as text and do not run.
/// Numbers the report computes are not passed through here (a negative amount stays a number).
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(FORMULA_LEADS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Whether `c` must not reach a terminal as it is: control characters (escape sequences start
/// with ESC; `\r` rewrites a line) and the characters that change the direction or visibility
/// of text (bidirectional overrides and isolates, zero-width characters).
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{061c}' | '\u{feff}')
}

/// `text` with every hidden character written as a visible escape (`\u{1b}`), for tables and
/// messages on a terminal.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// How many terminal columns `text` takes (wide CJK characters take two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` (already [`visible`]) cut to at most `max` columns, ending with `…` when cut.
pub fn fit(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_made_text_and_others_left_alone() {
        for formula in [
            "=HYPERLINK(\"http://x\",\"click\")",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(1+1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(csv_cell(formula), format!("'{formula}"));
        }
        for plain in ["Ranking", "proj_alpha", "a=b", "", "ann@example.com"] {
            assert_eq!(csv_cell(plain), plain);
        }
    }

    #[test]
    fn escapes_and_direction_changes_are_shown_not_obeyed() {
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(visible("x\ry"), "x\\u{d}y");
        assert_eq!(visible("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(visible("Café 漢字"), "Café 漢字");
    }

    #[test]
    fn widths_count_columns_and_long_text_is_cut_with_an_ellipsis() {
        assert_eq!(width("漢字"), 4);
        assert_eq!(width("abc"), 3);
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("漢字漢字", 5), "漢字…");
        assert_eq!(fit("short", 10), "short");
        assert!(width(&fit(&"x".repeat(1_000_000), 40)) <= 40);
    }
}
