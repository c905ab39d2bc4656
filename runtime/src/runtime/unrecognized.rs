//! What a response holds that the spec does not describe: fields it does not list, union members
//! with a discriminator value it does not know, enum values outside its list. Decoding keeps
//! going past all of these (unknown fields are ignored, unknown members and values are kept), so
//! this is how they are found and reported instead of silently dropped.
//!
//! The walk reads a JSON value beside a description of the spec's types: [`TypeShape`]s, which
//! the generator writes once per crate as a static table, and which `cargo xtask check-response`
//! builds from the spec itself. This file depends on nothing but `serde_json`, so the generator
//! compiles the same walk. The table's types are generic over the lifetime of the table
//! ([`TypeShapeOf`]): a generated crate's is `'static` ([`TypeShape`]), the generator's lives as
//! long as the spec it was built from.

use std::fmt;

use serde_json::Value;

/// How the spec describes one use of a value, in a table that lives for `'t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeOf<'t> {
    /// Anything, or a string, number or boolean: nothing inside to check.
    Leaf,
    /// The named type at this index of the table.
    Named(usize),
    /// A list of values of one shape.
    Array(&'t ShapeOf<'t>),
    /// An object with any keys and values of one shape.
    Map(&'t ShapeOf<'t>),
    /// `null`, or a value of the inner shape.
    Nullable(&'t ShapeOf<'t>),
}

/// How the spec describes one use of a value, in a static table (a generated crate's).
pub type Shape = ShapeOf<'static>;

/// How the spec describes a named type, in a table that lives for `'t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeShapeOf<'t> {
    /// An object with known properties.
    Struct {
        /// Where the spec defines it (a JSON pointer into the spec, `#/components/schemas/X`).
        schema: &'t str,
        /// Wire name and shape of each property.
        fields: &'t [(&'t str, ShapeOf<'t>)],
        /// Properties that can hold only one string: wire name and value.
        constants: &'t [(&'t str, &'t str)],
    },
    /// A string enum.
    Enum {
        /// Where the spec defines it.
        schema: &'t str,
        /// The values the spec lists.
        values: &'t [&'t str],
    },
    /// Objects told apart by one property.
    Union {
        /// Where the spec defines it.
        schema: &'t str,
        /// The wire name of the discriminator property.
        property: &'t str,
        /// Each known discriminator value and the index of its struct.
        variants: &'t [(&'t str, usize)],
    },
}

/// How the spec describes a named type, in a static table (a generated crate's).
pub type TypeShape = TypeShapeOf<'static>;

/// One thing in a response that the spec does not describe, found with a table that lives for
/// `'t` (whose schema pointers it borrows).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnrecognizedOf<'t> {
    /// Where it is: a JSON pointer into the response body (`/data/0/results/3/object`).
    pub path: String,
    /// What it is.
    pub kind: UnrecognizedKind,
    /// The schema that does not describe it, as a JSON pointer into the spec the crate was
    /// generated from (`#/components/schemas/CostsResult`): the object for a field or a
    /// constant, the enum for a value, the union for a tag. Where a change to the spec (an
    /// overlay action) would describe it.
    pub schema: &'t str,
    /// The JSON type of the value found there: `string`, `integer`, `number`, `boolean`,
    /// `object`, `array` or `null`.
    pub value_type: &'static str,
}

/// One thing in a response that the spec does not describe (found with a generated crate's
/// static table).
pub type Unrecognized = UnrecognizedOf<'static>;

/// What kind of thing the spec does not describe.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnrecognizedKind {
    /// A property the object's schema does not list (decoding ignores it).
    Field,
    /// A discriminator value no member of the union has (decoding keeps the object as JSON).
    UnionTag(String),
    /// A string outside the enum's listed values (an open enum keeps it).
    EnumValue(String),
    /// A property that can hold one value only, holding another.
    Constant(String),
}

impl fmt::Display for UnrecognizedOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        match &self.kind {
            UnrecognizedKind::Field => write!(f, "{path}: a field the spec does not describe"),
            UnrecognizedKind::UnionTag(tag) => {
                write!(f, "{path}: `{tag}` is not a type the spec describes here")
            }
            UnrecognizedKind::EnumValue(value) => {
                write!(
                    f,
                    "{path}: `{value}` is not one of the values the spec lists"
                )
            }
            UnrecognizedKind::Constant(value) => {
                write!(f, "{path}: `{value}` is not the one value the spec allows")
            }
        }
    }
}

/// Everything in `value` (a value of `shape`, with named types in `types`) that the spec does not
/// describe, in the order of the walk (keys of an object in
/// `serde_json`'s order). Values of the wrong JSON type are not reported: decoding fails
/// on those.
pub fn unrecognized<'t>(
    types: &[TypeShapeOf<'t>],
    shape: &ShapeOf<'t>,
    value: &Value,
) -> Vec<UnrecognizedOf<'t>> {
    let mut walk = Walk {
        types,
        path: String::new(),
        found: Vec::new(),
    };
    walk.shape(shape, value);
    walk.found
}

struct Walk<'w, 't> {
    types: &'w [TypeShapeOf<'t>],
    path: String,
    found: Vec<UnrecognizedOf<'t>>,
}

impl<'t> Walk<'_, 't> {
    fn report(&mut self, kind: UnrecognizedKind, schema: &'t str, value: &Value) {
        self.found.push(UnrecognizedOf {
            path: self.path.clone(),
            kind,
            schema,
            value_type: json_type(value),
        });
    }

    /// Runs `f` with `segment` pushed onto the path.
    fn at(&mut self, segment: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        self.path.push('/');
        for c in segment.chars() {
            match c {
                '~' => self.path.push_str("~0"),
                '/' => self.path.push_str("~1"),
                c => self.path.push(c),
            }
        }
        f(self);
        self.path.truncate(len);
    }

    fn shape(&mut self, shape: &ShapeOf<'t>, value: &Value) {
        match (shape, value) {
            (ShapeOf::Leaf, _) => {}
            (ShapeOf::Nullable(_), Value::Null) => {}
            (ShapeOf::Nullable(inner), value) => self.shape(inner, value),
            (ShapeOf::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.at(&i.to_string(), |w| w.shape(item, v));
                }
            }
            (ShapeOf::Map(inner), Value::Object(map)) => {
                for (k, v) in map {
                    self.at(k, |w| w.shape(inner, v));
                }
            }
            (ShapeOf::Named(index), value) => self.named(*index, value),
            _ => {}
        }
    }

    fn named(&mut self, index: usize, value: &Value) {
        let Some(def) = self.types.get(index).copied() else {
            return;
        };
        match (def, value) {
            (
                TypeShapeOf::Struct {
                    schema,
                    fields,
                    constants,
                },
                Value::Object(map),
            ) => {
                for (key, v) in map {
                    if let Some((_, shape)) = fields.iter().find(|(name, _)| name == key) {
                        self.at(key, |w| w.shape(shape, v));
                    } else if let Some((_, expected)) = constants.iter().find(|(n, _)| n == key) {
                        if v.as_str() != Some(expected) {
                            let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                            self.at(key, |w| {
                                w.report(UnrecognizedKind::Constant(shown), schema, v)
                            });
                        }
                    } else {
                        self.at(key, |w| w.report(UnrecognizedKind::Field, schema, v));
                    }
                }
            }
            (TypeShapeOf::Enum { schema, values }, Value::String(s))
                if !values.contains(&s.as_str()) =>
            {
                self.report(UnrecognizedKind::EnumValue(s.clone()), schema, value);
            }
            (
                TypeShapeOf::Union {
                    schema,
                    property,
                    variants,
                },
                Value::Object(map),
            ) => {
                let tag = map.get(property);
                match variants
                    .iter()
                    .find(|(known, _)| tag.and_then(Value::as_str) == Some(known))
                {
                    Some((_, member)) => self.named(*member, value),
                    None => {
                        let shown = match tag {
                            Some(Value::String(s)) => s.clone(),
                            Some(other) => other.to_string(),
                            None => "(none)".to_owned(),
                        };
                        let found = tag.unwrap_or(&Value::Null);
                        self.at(property, |w| {
                            w.report(UnrecognizedKind::UnionTag(shown), schema, found)
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

/// The JSON type of `value`, as JSON Schema names it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // 0: a page; 1: a union of 2 and 3; 2, 3: results; 4: an enum.
    const TYPES: &[TypeShape] = &[
        TypeShape::Struct {
            schema: "#/page",
            fields: &[
                ("data", Shape::Array(&Shape::Named(1))),
                ("next", Shape::Nullable(&Shape::Leaf)),
            ],
            constants: &[("object", "page")],
        },
        TypeShape::Union {
            schema: "#/result",
            property: "object",
            variants: &[("a", 2), ("b", 3)],
        },
        TypeShape::Struct {
            schema: "#/a",
            fields: &[
                ("n", Shape::Leaf),
                ("unit", Shape::Nullable(&Shape::Named(4))),
            ],
            constants: &[("object", "a")],
        },
        TypeShape::Struct {
            schema: "#/b",
            fields: &[("tags", Shape::Map(&Shape::Named(4)))],
            constants: &[("object", "b")],
        },
        TypeShape::Enum {
            schema: "#/unit",
            values: &["x", "y"],
        },
    ];

    fn paths(value: Value) -> Vec<String> {
        unrecognized(TYPES, &Shape::Named(0), &value)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_described_value_has_nothing_to_report() {
        let page = json!({"object": "page", "next": null, "data": [
            {"object": "a", "n": 1, "unit": "x"},
            {"object": "a", "n": 2, "unit": null},
            {"object": "b", "tags": {"k": "y"}},
        ]});
        assert_eq!(paths(page), Vec::<String>::new());
    }

    #[test]
    fn fields_tags_values_and_constants_are_reported_where_they_are() {
        let page = json!({"object": "list", "data": [
            {"object": "a", "n": 1, "unit": "z", "extra": {"deep": 1}},
            {"object": "c", "whatever": 1},
            {"n": 1},
            {"object": "b", "tags": {"a/b~c": "w"}},
        ], "more": true});
        assert_eq!(
            paths(page),
            vec![
                "/data/0/extra: a field the spec does not describe",
                "/data/0/unit: `z` is not one of the values the spec lists",
                "/data/1/object: `c` is not a type the spec describes here",
                "/data/2/object: `(none)` is not a type the spec describes here",
                "/data/3/tags/a~1b~0c: `w` is not one of the values the spec lists",
                "/more: a field the spec does not describe",
                "/object: `list` is not the one value the spec allows",
            ]
        );
    }

    #[test]
    fn each_finding_names_the_schema_that_lacks_it_and_the_type_found() {
        let page = json!({"object": "page", "data": [
            {"object": "a", "n": 1, "unit": "z", "extra": 2.5},
            {"object": "c"},
        ], "more": true});
        let found: Vec<(String, &str, &str)> = unrecognized(TYPES, &Shape::Named(0), &page)
            .into_iter()
            .map(|u| (u.path, u.schema, u.value_type))
            .collect();
        let expected = [
            ("/data/0/extra", "#/a", "number"),
            ("/data/0/unit", "#/unit", "string"),
            ("/data/1/object", "#/result", "string"),
            ("/more", "#/page", "boolean"),
        ];
        let expected: Vec<(String, &str, &str)> = expected
            .iter()
            .map(|(p, s, t)| (p.to_string(), *s, *t))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn values_of_the_wrong_type_are_left_to_decoding() {
        assert_eq!(
            paths(json!({"data": "not a list", "next": 5})),
            Vec::<String>::new()
        );
    }
}
