//! The bounds a parameter is checked against before sending: numeric (`minimum`, exclusive
//! bounds), lengths and counts, `pattern`, and the extensions that tie one parameter to another
//! (`x-greater-than`, `x-maximum-by`).

use super::Builder;
use crate::error::Result;
use crate::ir::{Bounds, MaximumBy, Number, Param, ParamId, Type};
use crate::load::{kind, Node};
use serde_yaml::Value;

impl<'a> Builder<'a> {
    /// `minimum` and `maximum` of a number or integer parameter (as integers for an integer);
    /// other types have no bounds to check.
    pub(super) fn numeric_bounds(&self, schema: &Node<'a>, ty: &Type) -> Result<Bounds> {
        let mut bounds = Bounds::default();
        match ty {
            Type::Integer | Type::Number => {}
            Type::Array(_) => {
                bounds.min_items = count(schema, "minItems")?;
                bounds.max_items = count(schema, "maxItems")?;
                if let Some(items) = schema.get("items") {
                    let items = crate::resolve::deref(self.doc, &items)?;
                    bounds.items_pattern = items.str("pattern")?.map(str::to_string);
                }
                return Ok(bounds);
            }
            Type::String => {
                bounds.min_length = count(schema, "minLength")?;
                bounds.max_length = count(schema, "maxLength")?;
                bounds.pattern = schema.str("pattern")?.map(str::to_string);
                return Ok(bounds);
            }
            _ => return Ok(bounds),
        }
        let number = |key: &str, text: String| -> Result<Number> {
            let parsed = match ty {
                Type::Integer => text.parse::<i64>().ok().map(Number::Integer),
                _ => text
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(Number::Float),
            };
            parsed.ok_or_else(|| {
                let kind = if *ty == Type::Integer {
                    "a whole"
                } else {
                    "a finite"
                };
                schema.get(key).unwrap_or(schema.clone()).error(format!(
                    "`{key}: {text}` of {} must be {kind} number",
                    if *ty == Type::Integer {
                        "an integer"
                    } else {
                        "a number"
                    }
                ))
            })
        };
        for (key, slot) in [
            ("minimum", &mut bounds.minimum),
            ("maximum", &mut bounds.maximum),
        ] {
            if let Some(text) = schema.number_text(key)? {
                *slot = Some(number(key, text)?);
            }
        }
        // 3.1 writes the exclusive bound as a number; 3.0 as `true` beside `minimum`/`maximum`.
        for (key, slot, inclusive) in [
            (
                "exclusiveMinimum",
                &mut bounds.exclusive_minimum,
                &mut bounds.minimum,
            ),
            (
                "exclusiveMaximum",
                &mut bounds.exclusive_maximum,
                &mut bounds.maximum,
            ),
        ] {
            match schema.get(key).map(|n| n.value) {
                None | Some(Value::Bool(false)) => {}
                Some(Value::Bool(true)) => *slot = inclusive.take(),
                Some(_) => {
                    if let Some(text) = schema.number_text(key)? {
                        *slot = Some(number(key, text)?);
                    }
                }
            }
        }
        Ok(bounds)
    }

    /// `x-maximum-by` and `x-greater-than`, which name other parameters of the operation.
    pub(super) fn extension_bounds(
        &self,
        schema: &Node<'a>,
        this: &Param,
        params: &[Param],
    ) -> Result<Bounds> {
        let this_ty = this.ty.non_null();
        if let Some(node) = schema.get("x-maximum-by") {
            if this_ty != &Type::Integer {
                return Err(node.error("`x-maximum-by` applies to integer parameters only"));
            }
        }
        if let Some(node) = schema.get("x-greater-than") {
            if !matches!(this_ty, Type::Integer | Type::Timestamp) {
                return Err(node.error(
                    "`x-greater-than` applies to integer and `format: unix-time` parameters only",
                ));
            }
        }
        let find = |node: &Node<'a>, name: &str| {
            let index = params
                .iter()
                .position(|p| p.wire_name == name)
                .ok_or_else(|| {
                    node.error(format!(
                        "names parameter `{name}`, which this operation does not have"
                    ))
                })?;
            Ok::<_, crate::error::Error>((ParamId(index), &params[index]))
        };
        let mut bounds = Bounds::default();
        if let Some(node) = schema.get("x-greater-than") {
            let (reference, other) = find(&node, node.as_str()?)?;
            if other.ty.non_null() != this_ty {
                let kind = if this_ty == &Type::Timestamp {
                    "a `format: unix-time` integer"
                } else {
                    "an integer"
                };
                return Err(node.error(format!(
                    "parameter `{}` is not {kind} like this one",
                    other.wire_name
                )));
            }
            bounds.greater_than = Some(reference);
        }
        if let Some(node) = schema.get("x-maximum-by") {
            let name_node = node
                .get("parameter")
                .ok_or_else(|| node.error("missing `parameter`"))?;
            let (reference, other) = find(&name_node, name_node.as_str()?)?;
            let allowed = self.allowed_values(other.ty.non_null());
            if allowed.is_empty() {
                return Err(
                    name_node.error(format!("parameter `{}` is not an enum", other.wire_name))
                );
            }
            let check = |value_node: &Node<'a>, value: &str| {
                if allowed.iter().any(|a| a == value) {
                    Ok(())
                } else {
                    Err(value_node.error(format!(
                        "`{value}` is not an allowed value of `{}` ({})",
                        other.wire_name,
                        allowed.join(", ")
                    )))
                }
            };
            let default_node = node
                .get("default")
                .ok_or_else(|| node.error("missing `default`: the value the server assumes when the parameter is not sent"))?;
            let default = default_node.scalar().unwrap_or_default();
            check(&default_node, &default)?;
            let values_node = node
                .get("values")
                .ok_or_else(|| node.error("missing `values`"))?;
            let mut values = Vec::new();
            for (key, value) in values_node.entries()? {
                check(&value, &key)?;
                let max = match value.value {
                    Value::Number(n) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
                    other => {
                        return Err(
                            value.error(format!("expected a whole number, found {}", kind(other)))
                        )
                    }
                };
                values.push((key, max));
            }
            if !values.iter().any(|(k, _)| *k == default) {
                return Err(default_node.error(format!(
                    "`values` has no maximum for the default `{default}`"
                )));
            }
            bounds.maximum_by = Some(MaximumBy {
                param: reference,
                default,
                values,
            });
        }
        Ok(bounds)
    }
}

/// A non-negative whole number under `key` (`minItems`, `maxLength`, ...), if present.
pub(super) fn count(schema: &Node<'_>, key: &str) -> Result<Option<u64>> {
    match schema.get(key) {
        None => Ok(None),
        Some(n) => match n.value {
            Value::Number(x) if x.as_u64().is_some() => Ok(x.as_u64()),
            other => Err(n.error(format!(
                "`{key}` must be a non-negative whole number, found {}",
                kind(other)
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::Number;
    use crate::testing::{api, at, doc, error, get, operation};

    fn one_param(param: &str) -> String {
        doc(&get(&format!("[{param}]"), "{type: object}"), "")
    }

    #[test]
    fn bounds_are_numbers_of_the_parameter_kind() {
        let op = operation(&one_param(
            "{name: n, in: query, schema: {type: integer, minimum: 1, exclusiveMaximum: 10}}",
        ));
        let b = &op.params[0].bounds;
        assert_eq!(b.minimum, Some(Number::Integer(1)));
        assert_eq!(b.exclusive_maximum, Some(Number::Integer(10)));
        let op = operation(&one_param(
            "{name: x, in: query, schema: {type: number, minimum: 0, maximum: 2.5}}",
        ));
        let b = &op.params[0].bounds;
        assert_eq!(b.minimum, Some(Number::Float(0.0)));
        assert_eq!(b.maximum, Some(Number::Float(2.5)));
    }

    #[test]
    fn a_fractional_bound_of_an_integer_is_an_error_at_the_bound() {
        let e = error(&one_param(
            "{name: n, in: query, schema: {type: integer, maximum: 7.5}}",
        ));
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/schema/maximum"), "{pointer}");
        assert_eq!(
            message,
            "`maximum: 7.5` of an integer must be a whole number"
        );
    }

    #[test]
    fn counts_must_be_non_negative_whole_numbers() {
        let e = error(&one_param(
            "{name: s, in: query, schema: {type: string, maxLength: -1}}",
        ));
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/schema/maxLength"), "{pointer}");
        assert!(message.contains("non-negative whole number"), "{message}");
        let op = operation(&one_param(
            "{name: s, in: query, schema: {type: array, items: {type: string}, minItems: 1, maxItems: 3}}",
        ));
        assert_eq!(
            (op.params[0].bounds.min_items, op.params[0].bounds.max_items),
            (Some(1), Some(3))
        );
    }

    #[test]
    fn maximum_by_names_an_enum_parameter_and_covers_its_default() {
        let params = "[{name: width, in: query, schema: {type: string, enum: ['1m', '1d']}}, {name: limit, in: query, schema: {type: integer, x-maximum-by: {parameter: width, default: '1d', values: {'1m': 1440, '1d': 31}}}}]";
        let api = api(&doc(&get(params, "{type: object}"), ""));
        let by = api.operations[0].params[1]
            .bounds
            .maximum_by
            .clone()
            .unwrap();
        assert_eq!(by.param, crate::ir::ParamId(0));
        assert_eq!(
            by.values,
            vec![("1m".to_string(), 1440), ("1d".to_string(), 31)]
        );
        let bad = params.replace("'1m': 1440", "'1h': 24");
        let e = error(&doc(&get(&bad, "{type: object}"), ""));
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/x-maximum-by/values/1h"), "{pointer}");
        assert_eq!(message, "`1h` is not an allowed value of `width` (1m, 1d)");
    }
}
