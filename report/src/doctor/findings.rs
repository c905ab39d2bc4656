//! What the doctor found, written for a person: per operation OK or each finding with the
//! overlay action (`spec/overlay.yaml`) that would describe it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use openai_usage::{Unrecognized, UnrecognizedKind};

use super::{Checked, Outcome};
use crate::safe::visible;

/// Whether every answer was described.
pub fn all_described(checked: &[Checked]) -> bool {
    checked
        .iter()
        .all(|c| !matches!(c.outcome, Outcome::Undescribed(_)))
}

/// The findings as text: a line per operation, and under each operation with undescribed
/// content, each distinct finding (its first JSON pointer, how often it was seen) with the overlay
/// action that would describe it.
pub fn render(checked: &[Checked]) -> String {
    let mut out = String::new();
    for c in checked {
        match &c.outcome {
            Outcome::Described => {
                let _ = writeln!(out, "OK         {}", c.operation);
            }
            Outcome::NothingToCheck(why) => {
                let _ = writeln!(out, "OK         {} (nothing to check: {why})", c.operation);
            }
            Outcome::Undescribed(items) => {
                // The same field in every result of a page is one finding.
                let mut distinct: BTreeMap<(String, String), (&Unrecognized, usize)> =
                    BTreeMap::new();
                for item in items {
                    let key = (item.schema.to_owned(), finding_key(item));
                    distinct.entry(key).or_insert((item, 0)).1 += 1;
                }
                let _ = writeln!(
                    out,
                    "UNDESCRIBED {}: {} thing{} the spec does not describe",
                    c.operation,
                    distinct.len(),
                    if distinct.len() == 1 { "" } else { "s" }
                );
                for (item, seen) in distinct.values() {
                    let times = if *seen > 1 {
                        format!(" (and {} more like it)", seen - 1)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(out, "  {}{times}", visible(&item.to_string()));
                    let _ = writeln!(out, "  the overlay action that would describe it:");
                    for line in suggestion(item, c.operation).lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                }
            }
        }
    }
    let undescribed = checked
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Undescribed(_)))
        .count();
    let _ = writeln!(
        out,
        "\n{} of {} operations answered with something the spec does not describe{}",
        undescribed,
        checked.len(),
        if undescribed == 0 {
            "."
        } else {
            ": add the actions above to spec/overlay.yaml (with what each is, and where that is known from), then `cargo xtask import` and `cargo xtask regen`."
        }
    );
    out
}

/// What makes two findings the same: the field's name, or the value not listed.
fn finding_key(item: &Unrecognized) -> String {
    match &item.kind {
        UnrecognizedKind::Field => format!("field {}", last_segment(&item.path)),
        UnrecognizedKind::UnionTag(tag) => format!("tag {tag}"),
        UnrecognizedKind::EnumValue(value) => format!("value {value}"),
        UnrecognizedKind::Constant(value) => {
            format!("constant {} {value}", last_segment(&item.path))
        }
    }
}

/// The overlay action (YAML, for `spec/overlay.yaml`'s `actions`) that would describe `item`
/// in the spec: the field added to its object's properties, the value to its enum, the tag as
/// a new alternative of its union. The description says what to fill in.
pub fn suggestion(item: &Unrecognized, operation: &str) -> String {
    let schema = json_path(item.schema);
    let key = last_segment(&item.path);
    let why = format!(
        "TODO: what this is, and where that is known from (the API sent it to {operation} at {})",
        item.path
    );
    let (target, update) = match &item.kind {
        UnrecognizedKind::Field => {
            let ty = match item.value_type {
                "null" => "{}  # seen only as null: say its type".to_owned(),
                ty => format!("{{type: {ty}}}"),
            };
            (
                format!("{schema}['properties']"),
                format!("{}: {ty}", yaml_string(&key)),
            )
        }
        UnrecognizedKind::EnumValue(value) => (
            format!("{schema}..['enum']"),
            format!("- {}", yaml_string(value)),
        ),
        UnrecognizedKind::Constant(value) => (
            format!("{schema}['properties'][{}]['enum']", path_name(&key)),
            format!("- {}", yaml_string(value)),
        ),
        UnrecognizedKind::UnionTag(tag) => (
            format!("{schema}['oneOf']"),
            format!(
                "type: object\nproperties:\n  {}: {{type: string, enum: [{}]}}",
                yaml_string(&key),
                yaml_string(tag)
            ),
        ),
    };
    let mut text = format!("- target: \"{target}\"\n  description: >-\n    {why}\n  update:\n");
    for line in update.lines() {
        let _ = writeln!(text, "    {line}");
    }
    text
}

/// The last step of a JSON pointer, unescaped.
fn last_segment(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

/// A JSON pointer into the spec (`#/components/schemas/X`) as a JSONPath (`$['components']...`).
/// A number is a list index after the keywords whose value is a list (`oneOf/11`), and a name
/// elsewhere (a response's `200`).
fn json_path(pointer: &str) -> String {
    const LISTS: [&str; 5] = ["oneOf", "anyOf", "allOf", "parameters", "prefixItems"];
    let mut path = String::from("$");
    let mut previous = "";
    for step in pointer.trim_start_matches('#').split('/').skip(1) {
        let name = step.replace("~1", "/").replace("~0", "~");
        if LISTS.contains(&previous) && name.parse::<usize>().is_ok() {
            path.push_str(&format!("[{name}]"));
        } else {
            path.push_str(&format!("[{}]", path_name(&name)));
        }
        previous = step;
    }
    path
}

/// A name in a JSONPath: single-quoted, with `'` and `\` escaped.
fn path_name(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A YAML scalar that reads back as `text`: JSON's quoting, which YAML reads alike.
fn yaml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        path: &str,
        kind: UnrecognizedKind,
        schema: &'static str,
        value_type: &'static str,
    ) -> Unrecognized {
        Unrecognized {
            path: path.to_owned(),
            kind,
            schema,
            value_type,
        }
    }

    #[test]
    fn a_new_field_becomes_a_property_of_its_object() {
        let found = item(
            "/data/0/results/2/invoice_id",
            UnrecognizedKind::Field,
            "#/components/schemas/CostsResult",
            "string",
        );
        assert_eq!(
            suggestion(&found, "usage-costs"),
            "- target: \"$['components']['schemas']['CostsResult']['properties']\"
  description: >-
    TODO: what this is, and where that is known from (the API sent it to usage-costs at /data/0/results/2/invoice_id)
  update:
    \"invoice_id\": {type: string}
"
        );
    }

    #[test]
    fn a_new_value_goes_to_its_enum_and_a_new_tag_to_its_union() {
        let value = item(
            "/data/0/results/0/quantity_unit",
            UnrecognizedKind::EnumValue("kilowatt_hours".into()),
            "#/components/schemas/CostsResult/properties/quantity_unit",
            "string",
        );
        let text = suggestion(&value, "usage-costs");
        assert!(text.starts_with("- target: \"$['components']['schemas']['CostsResult']['properties']['quantity_unit']..['enum']\"\n"), "{text}");
        assert!(
            text.ends_with("  update:\n    - \"kilowatt_hours\"\n"),
            "{text}"
        );
        let tag = item(
            "/data/0/results/1/object",
            UnrecognizedKind::UnionTag("organization.usage.teleport.result".into()),
            "#/components/schemas/UsageTimeBucket/properties/results/items",
            "string",
        );
        let text = suggestion(&tag, "usage-completions");
        assert!(text.contains("['results']['items']['oneOf']\""), "{text}");
        assert!(text.ends_with("  update:\n    type: object\n    properties:\n      \"object\": {type: string, enum: [\"organization.usage.teleport.result\"]}\n"), "{text}");
    }

    #[test]
    fn names_from_the_api_cannot_break_the_yaml_or_the_terminal() {
        let odd = item(
            "/data/0/it's~1odd",
            UnrecognizedKind::Field,
            "#/components/schemas/A~1B",
            "null",
        );
        let text = suggestion(&odd, "op");
        assert!(
            text.contains("$['components']['schemas']['A/B']['properties']"),
            "{text}"
        );
        assert!(
            text.contains("\"it's/odd\": {}  # seen only as null"),
            "{text}"
        );
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            json_path("#/paths/~1a/get/responses/200/content/x/schema/oneOf/3"),
            "$['paths']['/a']['get']['responses']['200']['content']['x']['schema']['oneOf'][3]"
        );
    }

    #[test]
    fn the_report_groups_a_finding_seen_in_every_result() {
        let one = |n: usize| {
            item(
                &format!("/data/0/results/{n}/invoice_id"),
                UnrecognizedKind::Field,
                "#/components/schemas/CostsResult",
                "string",
            )
        };
        let checked = vec![
            Checked {
                operation: "usage-completions",
                outcome: Outcome::Described,
            },
            Checked {
                operation: "usage-costs",
                outcome: Outcome::Undescribed(vec![one(0), one(1), one(2)]),
            },
        ];
        let text = render(&checked);
        assert!(text.starts_with("OK         usage-completions\nUNDESCRIBED usage-costs: 1 thing the spec does not describe\n  /data/0/results/0/invoice_id: a field the spec does not describe (and 2 more like it)\n"), "{text}");
        assert!(text.ends_with("1 of 2 operations answered with something the spec does not describe: add the actions above to spec/overlay.yaml (with what each is, and where that is known from), then `cargo xtask import` and `cargo xtask regen`.\n"), "{text}");
        assert!(!all_described(&checked));
        assert!(all_described(&checked[..1]));
    }
}
