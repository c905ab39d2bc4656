//! Stage 4, name: turn wire names into Rust identifiers, and refuse two things that would end up
//! with the same name. Every identifier the emitter prints comes from here.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords, strict and reserved, that cannot be used as plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Keeps ASCII letters and digits, turning everything else into word breaks, so that names from a
/// spec never carry characters a reader cannot type (or that look like others).
fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `UpperCamelCase` name for a type or variant, or `None` if the text has no usable characters.
pub fn type_name(raw: &str) -> Option<String> {
    let name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        return None;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!("V{name}"));
    }
    if name == "Self" {
        return Some("SelfValue".to_string());
    }
    Some(name)
}

/// `snake_case` name for a field, parameter or method, or `None` if the text has no usable
/// characters. Keywords become raw identifiers (`r#type`), or get a trailing `_` where Rust does
/// not allow that (`self_`).
pub fn field_name(raw: &str) -> Option<String> {
    let name = words(raw).to_snake_case();
    if name.is_empty() {
        return None;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(format!("_{name}"));
    }
    if NOT_RAW.contains(&name.as_str()) {
        return Some(format!("{name}_"));
    }
    if KEYWORDS.contains(&name.as_str()) {
        return Some(format!("r#{name}"));
    }
    Some(name)
}

/// The name a field is declared with, without a raw prefix (`type` for `r#type`).
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Records names in one scope (a struct's fields, an enum's variants, the crate's types) and
/// reports the first two places that claim the same one.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeMap<String, String>,
}

impl Scope {
    /// Claims `name` for `place` (a JSON pointer or a wire name); returns the place that already
    /// has it, if any.
    pub fn claim(&mut self, name: &str, place: &str) -> Result<(), String> {
        match self.taken.get(name) {
            Some(other) if other != place => Err(other.clone()),
            Some(_) => Ok(()),
            None => {
                self.taken.insert(name.to_string(), place.to_string());
                Ok(())
            }
        }
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains_key(name)
    }
}

/// How many single-character edits turn `a` into `b` (insert, delete, replace, or swap two
/// neighbours): how close a misspelled name is to a known one, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(
            type_name("usage-completions").as_deref(),
            Some("UsageCompletions")
        );
        assert_eq!(type_name("1m").as_deref(), Some("V1m"));
        assert_eq!(
            type_name("image.generation").as_deref(),
            Some("ImageGeneration")
        );
        assert_eq!(type_name("Self").as_deref(), Some("SelfValue"));
        assert_eq!(type_name("é").as_deref(), None);
        assert_eq!(type_name("").as_deref(), None);
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("type").as_deref(), Some("r#type"));
        assert_eq!(field_name("self").as_deref(), Some("self_"));
        assert_eq!(field_name("Self").as_deref(), Some("self_"));
        assert_eq!(field_name("async").as_deref(), Some("r#async"));
        assert_eq!(field_name("crate").as_deref(), Some("crate_"));
        assert_eq!(field_name("numSessions").as_deref(), Some("num_sessions"));
        assert_eq!(field_name("1d").as_deref(), Some("_1d"));
    }

    #[test]
    fn scope_reports_the_first_owner() {
        let mut scope = Scope::default();
        scope.claim("Foo", "#/a").unwrap();
        scope.claim("Foo", "#/a").unwrap();
        assert_eq!(scope.claim("Foo", "#/b"), Err("#/a".to_string()));
    }

    #[test]
    fn edit_distance_counts_single_character_edits_and_swaps() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn a_swap_is_one_edit() {
        assert_eq!(edit_distance("maximun", "maximum"), 1);
        assert_eq!(edit_distance("x-maxmium-by", "x-maximum-by"), 1);
    }
}
