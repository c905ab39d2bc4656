//! Doc examples, compiled by `cargo test` as doctests (`no_run`: they would call the API). They
//! are made from the IR like everything else: operation, parameter and type names, and for each
//! required parameter the value the spec gives as its `example` (else its default, its minimum,
//! or a plain value of its type). Untrusted text only ever becomes a Rust literal here (`{:?}` of
//! a `str` is a valid, escaped Rust string literal) or a name that went through `naming`.

use crate::ir::{Api, Number, Operation, Param, Type, TypeKind, Union};
use crate::naming;
use crate::Options;

/// The crate name as Rust code names it (`openai-usage` → `openai_usage`).
fn crate_ident(options: &Options) -> String {
    options.crate_name.replace('-', "_")
}

/// A fenced, compiled example: `body` inside an async function that returns any error.
fn fenced(body: &str) -> String {
    let mut out = String::from("# Example\n\n```no_run\n");
    out.push_str("# async fn example() -> Result<(), Box<dyn std::error::Error>> {\n");
    out.push_str(body.trim_end());
    out.push_str("\n# Ok(())\n# }\n```");
    out
}

/// The operation the examples show: the one marked `x-doc-example`, else the first that pages
/// (the most common use), else the first, among those whose required parameters all have a
/// value to write.
pub fn showcase(api: &Api) -> Option<&Operation> {
    let usable: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|op| required_args(api, op).is_some())
        .collect();
    let first = |wanted: fn(&Operation) -> bool| usable.iter().copied().find(|op| wanted(op));
    first(|op| op.doc_example)
        .or_else(|| first(|op| op.paging.is_some()))
        .or_else(|| usable.first().copied())
}

/// `XParams::new(args)` for `op`, or `None` if a required parameter has no value to write.
fn required_args(api: &Api, op: &Operation) -> Option<String> {
    let args: Option<Vec<String>> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| value(api, p))
        .collect();
    Some(format!("{}::new({})", op.params_name, args?.join(", ")))
}

/// A Rust expression for a value of `p`, from its example, default or bounds.
fn value(api: &Api, p: &Param) -> Option<String> {
    let given = p.doc.example.as_deref().or(p.doc.default.as_deref());
    match p.ty.non_null() {
        Type::Integer | Type::Timestamp => {
            let from_bounds = match (p.bounds.minimum, p.bounds.exclusive_minimum) {
                (Some(Number::Integer(n)), _) => Some(n),
                (_, Some(Number::Integer(n))) => n.checked_add(1),
                _ => None,
            };
            let n = given
                .and_then(|g| g.parse::<i64>().ok())
                .or(from_bounds)
                .unwrap_or(1);
            Some(group_digits(n))
        }
        Type::Number => {
            let x = given
                .and_then(|g| g.parse::<f64>().ok())
                .filter(|x| x.is_finite())
                .unwrap_or(1.0);
            Some(format!("{x:?}"))
        }
        Type::Boolean => Some(
            given
                .map_or("true", |g| if g == "false" { "false" } else { "true" })
                .to_owned(),
        ),
        Type::String => Some(format!("{:?}", given.unwrap_or(p.wire_name.as_str()))),
        Type::Named(id) => {
            let def = api.ty(*id);
            let name = &def.name;
            let TypeKind::Enum(e) = &def.kind else {
                return None;
            };
            let variant = given
                .and_then(|g| e.variants.iter().find(|v| v.wire == g))
                .or(e.variants.first())?;
            Some(format!("{name}::{}", variant.rust_name))
        }
        _ => None,
    }
}

/// `1730419200` as `1_730_419_200`, as a reader writes a large number.
fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    if digits.len() < 5 {
        return n.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// The names a `use` line brings in for `op`'s required arguments (enum types).
fn enum_imports(api: &Api, op: &Operation) -> Vec<String> {
    op.params
        .iter()
        .filter(|p| p.required)
        .filter_map(|p| match p.ty.non_null() {
            Type::Named(id) => Some(api.ty(*id).name.clone()),
            _ => None,
        })
        .collect()
}

fn client_line(api: &Api) -> String {
    match api.auth.as_ref().and_then(|a| a.env_var.as_ref()) {
        Some(var) => format!("let client = Client::from_env()?; // the key from `{var}`\n"),
        None => "let client = Client::new(\"your API key\")?;\n".to_owned(),
    }
}

/// The crate root's example: a client, and every item (or the answer) of the showcase operation.
pub fn crate_root(api: &Api, options: &Options) -> Option<String> {
    let op = showcase(api)?;
    let krate = crate_ident(options);
    let mut names = vec!["Client".to_owned(), op.params_name.clone()];
    names.extend(enum_imports(api, op));
    let mut body = String::new();
    if op.paging.is_some() {
        body.push_str("use futures::TryStreamExt as _;\n");
    }
    body.push_str(&format!("use {krate}::{{{}}};\n\n", names.join(", ")));
    body.push_str(&client_line(api));
    body.push_str(&format!("let params = {};\n", required_args(api, op)?));
    match &op.paging {
        Some(paging) => body.push_str(&format!(
            "// Every item of every page, one page in memory at a time.\n\
             let mut items = client.{}(params);\n\
             while let Some(item) = items.try_next().await? {{\n    println!(\"{{item:?}}\");\n}}\n",
            naming::unraw(&paging.items_method)
        )),
        None => body.push_str(&format!(
            "let answer = client.{}(&params).await?;\nprintln!(\"{{answer:?}}\");\n",
            naming::unraw(&op.method_name)
        )),
    }
    Some(fenced(&body))
}

/// The `Client`'s example: a configured client, and one call.
pub fn client(api: &Api, options: &Options) -> Option<String> {
    let op = showcase(api)?;
    let krate = crate_ident(options);
    let mut names = vec!["Client".to_owned(), op.params_name.clone()];
    names.extend(enum_imports(api, op));
    let body = format!(
        "use std::time::Duration;\n\
         use {krate}::{{{}}};\n\n\
         let client = Client::builder()\n    .api_key(\"your API key\")\n    .timeout(Duration::from_secs(30))\n    .max_retries(3)\n    .build()?;\n\
         // The parameters are checked before anything is sent; a failure says which and why.\n\
         let answer = client.{}(&{}).await?;\n\
         println!(\"{{answer:?}}\");\n",
        names.join(", "),
        naming::unraw(&op.method_name),
        required_args(api, op)?
    );
    Some(fenced(&body))
}

/// A parameter struct's example: the required parameters, optional ones set from the spec's
/// examples, the check before sending and the query that would be sent.
pub fn params(api: &Api, op: &Operation, options: &Options) -> Option<String> {
    let krate = crate_ident(options);
    let mut names = vec![op.params_name.clone()];
    names.extend(enum_imports(api, op));
    let mut body = format!("use {krate}::{{{}}};\n\n", names.join(", "));
    body.push_str(&format!("let params = {}", required_args(api, op)?));
    for p in op
        .params
        .iter()
        .filter(|p| !p.required && p.doc.example.is_some())
    {
        if let Some(v) = value(api, p) {
            body.push_str(&format!("\n    .{}({v})", naming::unraw(&p.setter_name)));
        }
    }
    body.push_str(";\n");
    body.push_str("params.validate()?; // what the client checks before sending\n");
    body.push_str(
        "for (name, value) in params.to_query() {\n    println!(\"{name}={value}\");\n}\n",
    );
    Some(fenced(&body))
}

/// A union's example: reading one kind of member without a `match`.
pub fn union(name: &str, u: &Union, options: &Options) -> Option<String> {
    let first = u.variants.first()?;
    let krate = crate_ident(options);
    let snake = naming::field_name(&first.rust_name)?;
    let snake = naming::unraw(&snake);
    let unknown = naming::field_name(&u.unknown_name)?;
    let body = format!(
        "# let json = \"{{}}\";\n\
         let value: {krate}::{name} = serde_json::from_str(json)?;\n\
         if let Some({snake}) = value.as_{snake}() {{\n    println!(\"{{{snake}:?}}\");\n}} else if let Some(json) = value.as_{unknown}() {{\n    // A kind this version of the spec does not know, kept whole.\n    println!(\"{{json}}\");\n}}\n",
        unknown = naming::unraw(&unknown)
    );
    Some(fenced(&body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{api, doc, get};

    #[test]
    fn large_numbers_are_grouped_as_a_reader_writes_them() {
        assert_eq!(group_digits(1_730_419_200), "1_730_419_200");
        assert_eq!(group_digits(1000), "1000");
        assert_eq!(group_digits(-12345), "-12_345");
    }

    #[test]
    fn required_values_come_from_examples_then_bounds_and_strings_are_literals() {
        let api = api(&doc(
            &get("[{name: start, in: query, required: true, schema: {type: integer, example: 1730419200}}, {name: n, in: query, required: true, schema: {type: integer, minimum: 5}}, {name: id, in: query, required: true, example: \"a\\\"b\", schema: {type: string}}]", "{type: object}"),
            "",
        ));
        let op = &api.operations[0];
        assert_eq!(
            required_args(&api, op).as_deref(),
            Some(r#"AParams::new(1_730_419_200, 5, "a\"b")"#)
        );
    }
}
