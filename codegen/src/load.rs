//! Stage 1, load: read the spec file and parse its YAML (or JSON) into a tree, keeping the order
//! of keys. Every later stage reads the tree through [`Node`], which knows its own JSON pointer so
//! that any error can say where it is.

use std::path::{Path, PathBuf};

use serde_yaml::Value;

use crate::error::{Error, Place, Result};

/// A parsed spec document.
#[derive(Debug)]
pub struct Document {
    /// The file it was read from, for error messages.
    pub file: PathBuf,
    /// The whole tree.
    pub root: Value,
    /// The major and minor OpenAPI version (`(3, 0)` or `(3, 1)`).
    pub version: (u32, u32),
}

/// The largest spec read, so that a runaway file gives an error rather than a long wait.
pub const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// Reads and parses `path`.
pub fn load(path: &Path) -> Result<Document> {
    let text = read_input(path, "the spec")?;
    parse(path, &text)
}

/// Reads a file the tools take as input (a spec, an overlay, a selection, settings, a JSON
/// response): a regular file only (not a FIFO or a device such as `/dev/zero`, which would never
/// end), at most [`MAX_SPEC_BYTES`] of it read (the cap applies to what is read, not to what the
/// file system says), and UTF-8. `what` names it in errors.
pub fn read_input(path: &Path, what: &str) -> Result<String> {
    use std::io::Read as _;
    let error = |message: String| Error {
        file: path.to_path_buf(),
        place: Place::File,
        message,
    };
    // Looked at before opening: opening a FIFO waits for a writer.
    let meta = std::fs::metadata(path).map_err(|e| error(format!("cannot read {what}: {e}")))?;
    if !meta.is_file() {
        return Err(error(format!(
            "cannot read {what}: not a regular file (a directory, device or pipe)"
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| error(format!("cannot read {what}: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(format!("cannot read {what}: {e}")))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(too_large(path, what, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        error(format!(
            "{what} is not UTF-8 text (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The error for `what` (the spec, an overlay, ...) at `path` being `len` bytes or more.
fn too_large(path: &Path, what: &str, len: u64) -> Error {
    let shown = if len > MAX_SPEC_BYTES + 1 {
        format!("{:.1} MiB", len as f64 / 1_048_576.0)
    } else {
        format!("more than {} MiB", MAX_SPEC_BYTES / 1_048_576)
    };
    let limit = MAX_SPEC_BYTES / 1_048_576;
    let reads = if what == "the spec" {
        format!("the generator reads specs up to {limit} MiB")
    } else {
        format!("the tools read files up to {limit} MiB")
    };
    Error {
        file: path.to_path_buf(),
        place: Place::File,
        message: format!("{what} is {shown}; {reads}"),
    }
}

/// Parses spec text; `path` is only used to name the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<Document> {
    if text.len() as u64 > MAX_SPEC_BYTES {
        return Err(too_large(path, "the spec", text.len() as u64));
    }
    let root = parse_yaml(path, text)?;
    let doc = Document {
        file: path.to_path_buf(),
        version: (0, 0),
        root,
    };
    let version = doc.node().version()?;
    Ok(Document { version, ..doc })
}

/// Parses YAML text into a tree, for every YAML file the tools read. Unlike
/// `serde_yaml::from_str::<Value>`, this reads every valid YAML document: an integer outside the
/// 64-bit range (OpenAI's description uses `-9223372036854776000` as a bound) becomes the
/// nearest floating-point number, as a JSON reader would read it, instead of an error. And it is
/// bounded, so hostile input is an error rather than a long wait or exhausted memory: at most
/// [`MAX_SPEC_BYTES`] of text, [`MAX_FLOW_DEPTH`] levels of `[`/`{` nesting, and no more values
/// than the text has bytes (plus a margin), which stops aliases that repeat one another (a
/// "billion laughs") after a few times the size of the file. `path` names the file in errors.
pub fn parse_yaml(path: &Path, text: &str) -> Result<Value> {
    use serde::de::DeserializeSeed as _;
    if text.len() as u64 > MAX_SPEC_BYTES {
        return Err(too_large(path, "the file", text.len() as u64));
    }
    check_flow_depth(path, text)?;
    let budget = std::cell::Cell::new(text.len() + MIN_VALUE_BUDGET);
    Lenient { budget: &budget }
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| yaml_error(path, &e))
}

/// The values a YAML file may hold beyond one per byte of its text.
const MIN_VALUE_BUDGET: usize = 10_000;

/// A YAML value read by [`parse_yaml`]'s rules, spending one of `budget` per value built
/// (aliases are replayed, so each expansion spends again).
#[derive(Clone, Copy)]
struct Lenient<'b> {
    budget: &'b std::cell::Cell<usize>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Lenient<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Lenient<'_> {
    fn spend<E: serde::de::Error>(&self) -> std::result::Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "the document expands to more values than it has bytes (aliases that repeat one another?)",
            )),
        }
    }
}

impl<'de> serde::de::Visitor<'de> for Lenient<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, i: i64) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, u: u64) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Number(u.into()))
    }

    fn visit_i128<E: serde::de::Error>(self, i: i128) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Number((i as f64).into()))
    }

    fn visit_u128<E: serde::de::Error>(self, u: u128) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Number((u as f64).into()))
    }

    fn visit_f64<E: serde::de::Error>(self, f: f64) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Value, A::Error> {
        self.spend()?;
        let mut mapping = serde_yaml::Mapping::new();
        while let Some(key) = map.next_key_seed(self)? {
            if mapping.contains_key(&key) {
                let shown = match &key {
                    Value::String(s) => format!("{s:?}"),
                    other => scalar_text(other).unwrap_or_else(|| kind(other).to_owned()),
                };
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate entry with key {shown}"
                )));
            }
            let value = map.next_value_seed(self)?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(
        self,
        data: A,
    ) -> std::result::Result<Value, A::Error> {
        use serde::de::VariantAccess;
        self.spend()?;
        let (tag, contents): (String, _) = data.variant()?;
        let value = contents.newtype_variant_seed(self)?;
        Ok(Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// The deepest `[`/`{` nesting read. The YAML parser slows down more than linearly with depth,
/// so deeper input is refused before parsing rather than waited on. (Block nesting needs more
/// indentation per level, which the size limit already bounds.)
pub const MAX_FLOW_DEPTH: usize = 256;

fn check_flow_depth(path: &Path, text: &str) -> Result<()> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let (mut line, mut column) = (1, 0);
    for c in text.chars() {
        column += 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(Error {
                        file: path.to_path_buf(),
                        place: Place::LineColumn { line, column },
                        message: format!("nested more than {MAX_FLOW_DEPTH} levels deep"),
                    });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A YAML parse error of the file at `path`, with its line and column reported apart (serde_yaml
/// appends " at line L column C" to its messages).
pub(crate) fn yaml_error(path: &Path, e: &serde_yaml::Error) -> Error {
    let place = match e.location() {
        Some(loc) => Place::LineColumn {
            line: loc.line(),
            column: loc.column(),
        },
        None => Place::File,
    };
    let text = e.to_string();
    let message = text.split(" at line ").next().unwrap_or_default();
    Error {
        file: path.to_path_buf(),
        place,
        message: format!("not valid YAML: {message}"),
    }
}

impl Document {
    /// The root of the tree.
    pub fn node(&self) -> Node<'_> {
        Node {
            value: &self.root,
            pointer: "#".to_string(),
            file: &self.file,
        }
    }

    /// The node at a local `$ref` such as `#/components/schemas/Foo`, if there is one.
    pub fn lookup(&self, reference: &str) -> Option<Node<'_>> {
        let path = reference.strip_prefix('#')?;
        let mut value = &self.root;
        if !path.is_empty() {
            for raw in path.strip_prefix('/')?.split('/') {
                let key = raw.replace("~1", "/").replace("~0", "~");
                value = match value {
                    Value::Mapping(map) => map.get(key.as_str())?,
                    Value::Sequence(items) => items.get(key.parse::<usize>().ok()?)?,
                    _ => return None,
                };
            }
        }
        Some(Node {
            value,
            pointer: reference.to_string(),
            file: &self.file,
        })
    }
}

/// A place in the tree: the value and its JSON pointer.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    /// The value at this place.
    pub value: &'a Value,
    /// The JSON pointer of this place, starting with `#`.
    pub pointer: String,
    file: &'a Path,
}

impl<'a> Node<'a> {
    /// An error at this place.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::at(self.file, &self.pointer, message)
    }

    /// The file this node is in.
    pub fn file(&self) -> &'a Path {
        self.file
    }

    /// The child under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        match self.value {
            Value::Mapping(map) => map.get(key).map(|value| self.child(key, value)),
            _ => None,
        }
    }

    /// Whether this is a mapping with `key`.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn child(&self, key: &str, value: &'a Value) -> Node<'a> {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        Node {
            value,
            pointer: format!("{}/{escaped}", self.pointer),
            file: self.file,
        }
    }

    /// The entries of a mapping, in document order; an error if this is not a mapping.
    pub fn entries(&self) -> Result<Vec<(String, Node<'a>)>> {
        match self.value {
            Value::Mapping(map) => map
                .iter()
                .map(|(k, v)| {
                    let key = scalar_text(k)
                        .ok_or_else(|| self.error("a key of this mapping is not a string"))?;
                    let child = self.child(&key, v);
                    Ok((key, child))
                })
                .collect(),
            Value::Null => Ok(Vec::new()),
            _ => Err(self.error(format!("expected a mapping, found {}", kind(self.value)))),
        }
    }

    /// The items of a sequence; an error if this is not a sequence.
    pub fn items(&self) -> Result<Vec<Node<'a>>> {
        match self.value {
            Value::Sequence(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| self.child(&i.to_string(), v))
                .collect()),
            _ => Err(self.error(format!("expected a list, found {}", kind(self.value)))),
        }
    }

    /// This value as a string; an error if it is not one.
    pub fn as_str(&self) -> Result<&'a str> {
        match self.value {
            Value::String(s) => Ok(s),
            _ => Err(self.error(format!("expected a string, found {}", kind(self.value)))),
        }
    }

    /// The string under `key`, if present; an error if present but not a string.
    pub fn str(&self, key: &str) -> Result<Option<&'a str>> {
        self.get(key).map(|n| n.as_str()).transpose()
    }

    /// The boolean under `key`, if present; an error if present but not a boolean.
    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.value {
                Value::Bool(b) => Ok(Some(*b)),
                other => Err(n.error(format!("expected true or false, found {}", kind(other)))),
            },
        }
    }

    /// The number under `key` as text (`7`, `0.5`), if present; an error if not a number.
    pub fn number_text(&self, key: &str) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(n) => match n.value {
                Value::Number(x) => Ok(Some(x.to_string())),
                other => Err(n.error(format!("expected a number, found {}", kind(other)))),
            },
        }
    }

    /// A scalar (string, number, boolean) as its text, as written in the spec.
    pub fn scalar(&self) -> Option<String> {
        scalar_text(self.value)
    }

    /// The `openapi` version this document declares.
    fn version(&self) -> Result<(u32, u32)> {
        let node = self
            .get("openapi")
            .ok_or_else(|| self.error("missing `openapi`: expected `openapi: 3.1.0` or `3.0.x`"))?;
        let text = node.scalar().unwrap_or_default();
        let mut parts = text.split('.');
        let major = parts.next().and_then(|p| p.parse().ok());
        let minor = parts.next().and_then(|p| p.parse().ok());
        match (major, minor) {
            (Some(3), Some(minor @ (0 | 1))) => Ok((3, minor)),
            _ => Err(node.error(format!(
                "unsupported OpenAPI version `{text}`: this generator reads 3.0.x and 3.1.x"
            ))),
        }
    }
}

/// The text of a scalar value, or `None` for mappings, sequences and null.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What kind of value this is, for error messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Place;

    #[test]
    fn a_yaml_syntax_error_names_line_and_column() {
        let Err(e) = parse(
            Path::new("bad.yaml"),
            "openapi: 3.1.0\ninfo: {title: t\npaths: {}\n",
        ) else {
            panic!("expected an error")
        };
        assert_eq!(e.file, Path::new("bad.yaml"));
        // The flow mapping opened on line 2 is found unclosed where line 3 starts its value.
        assert_eq!(e.place, Place::LineColumn { line: 3, column: 6 });
        assert!(e.message.starts_with("not valid YAML: "), "{}", e.message);
    }

    #[test]
    fn an_unsupported_version_is_named_with_what_is_supported() {
        let Err(e) = parse(
            Path::new("v.yaml"),
            "openapi: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        ) else {
            panic!("expected an error")
        };
        assert_eq!(
            e.message,
            "unsupported OpenAPI version `2.0`: this generator reads 3.0.x and 3.1.x"
        );
    }

    #[test]
    fn kinds_are_named_in_words() {
        assert_eq!(kind(&Value::Null), "null");
        assert_eq!(kind(&Value::Bool(true)), "a boolean");
    }
}
