//! Specs from outside cannot inject code, crash the generator or make it hang: hostile strings
//! end up in literals and doc lines only, oversized or too deeply nested input is a clear error,
//! and a fuzz run over mutations of the real spec finds no panic.

use std::path::Path;
use std::process::Command;

use codegen::Options;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_yaml::Value;
use syn::visit::Visit;

use tests::root;

/// Every function and type item in a file, wherever it is nested.
#[derive(Default)]
struct Items {
    functions: Vec<String>,
    types: Vec<String>,
    /// Item macros: the macro's path and its first argument.
    macros: Vec<(String, String)>,
}

impl<'ast> Visit<'ast> for Items {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.functions.push(f.sig.ident.to_string());
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.functions.push(f.sig.ident.to_string());
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        self.types.push(s.ident.to_string());
    }
    fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
        self.types.push(e.ident.to_string());
    }
    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        let path = m
            .mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let first = m
            .mac
            .tokens
            .clone()
            .into_iter()
            .next()
            .map(|t| t.to_string())
            .unwrap_or_default();
        self.macros.push((path, first));
        syn::visit::visit_item_macro(self, m);
    }
}

#[test]
fn hostile_strings_stay_in_literals_and_docs_and_the_crate_compiles() {
    let spec = root().join("tests/hostile/hostile.yaml");
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("hostile");
    let args: Vec<String> = [
        "regen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    xtask::run(&args, root(), &mut Vec::new()).unwrap();

    let api = codegen::api(&spec).unwrap();
    let mut described: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
    described.extend(api.operations.iter().map(|o| o.params_name.clone()));
    described.push("Client".into());
    for file in ["types.rs", "params.rs", "client.rs", "lib.rs"] {
        let text = std::fs::read_to_string(out.join("src").join(file)).unwrap();
        let parsed =
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{file} does not parse: {e}"));
        let mut items = Items::default();
        items.visit_file(&parsed);
        assert!(
            !items.functions.iter().any(|f| f == "evil"),
            "{file}: {:?}",
            items.functions
        );
        for (path, first) in &items.macros {
            assert!(
                ["crate::closed_enum_impls", "crate::open_enum_impls"].contains(&path.as_str()),
                "{file}: the macro `{path}!` is not the runtime's"
            );
            assert!(
                described.contains(first),
                "{file}: `{path}!({first})` is for no described type"
            );
        }
        for ty in &items.types {
            assert!(
                described.contains(ty),
                "{file}: `{ty}` is no type the spec describes"
            );
        }
        for hidden in [
            '\u{202e}', '\u{202c}', '\u{2066}', '\u{2069}', '\u{200b}', '\u{7}',
        ] {
            assert!(
                !text.contains(hidden),
                "{file} holds the invisible character {hidden:?}"
            );
        }
    }
    let types = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    for expected in [
        "pub crate_: String",               // a keyword that cannot be raw
        "pub r#async: Option<String>",      // a raw identifier
        "pub _1st: Option<bool>",           // a leading digit
        "#[serde(rename = \"\", default)]", // an empty name keeps its wire name
        "pub r#match: Option<SelfValueMatch>",
        "pub struct SelfValue",
        "Self::FnEvil => \"}; fn evil() {}\",",
        "Self::Rtl => \"\\u{202e}rtl\",",
    ] {
        assert!(types.contains(expected), "types.rs lacks {expected}");
    }
    let params = std::fs::read_to_string(out.join("src/params.rs")).unwrap();
    assert!(
        params.contains("pub fn new_param(mut self, new: bool) -> Self"),
        "the `new` parameter's setter"
    );

    tests::check_generated(&out, "the crate of the hostile spec");
}

fn generate(text: &str) -> Result<Vec<codegen::OutputFile>, codegen::Error> {
    let path = Path::new("fuzz.yaml");
    codegen::generate_from_str(path, text, &Options::for_spec(path))
}

// What these protect is that hostile input is refused before the work it would cause: each
// asserts which check refused it (the size check and the nesting scan run before the parser and
// name no line; the parser's limit names its own), not how long that took.

#[test]
fn a_50_mb_spec_is_refused_before_it_is_parsed() {
    let mut text = String::from("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n# ");
    text.push_str(&"x".repeat(50 * 1024 * 1024));
    let error = generate(&text).unwrap_err();
    assert_eq!(
        error.to_string(),
        "fuzz.yaml: the spec is 50.0 MiB; the generator reads specs up to 16 MiB"
    );
}

#[test]
fn deeply_nested_yaml_is_an_error_not_a_crash_or_a_hang() {
    // Flow style as deep as the size limit allows: refused before the parser sees it.
    let depth = 8 * 1024 * 1024 - 64;
    let text = format!(
        "openapi: 3.1.0\ninfo: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = generate(&text).unwrap_err();
    assert_eq!(
        error.to_string(),
        "fuzz.yaml:2:263: nested more than 256 levels deep"
    );
    // Within that, the parser's own limit answers.
    let text = format!(
        "openapi: 3.1.0\ninfo: {}{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let error = generate(&text).unwrap_err();
    assert!(
        error.message.contains("recursion limit exceeded"),
        "{error}"
    );
    // Block style, as deep as indentation allows in a large file.
    let mut text = String::from("openapi: 3.1.0\ninfo:\n");
    for level in 1..3_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("a:\n");
    }
    let error = generate(&text).unwrap_err();
    assert!(
        error.message.contains("recursion limit exceeded"),
        "{error}"
    );
}

#[test]
fn deeply_nested_schemas_generate() {
    // Objects 60 deep, each inline in its parent: 60 named types, each holding the next.
    let mut schema = String::from("{type: string}");
    for i in 0..60 {
        schema = format!("{{type: object, properties: {{level{i}: {schema}}}}}");
    }
    let text = format!("openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Deep: {schema}\n");
    let files = generate(&text).unwrap();
    let types = &files
        .iter()
        .find(|f| f.path == Path::new("src/types.rs"))
        .unwrap()
        .contents;
    assert_eq!(types.matches("pub struct Deep").count(), 60);
}

/// One mutation of a YAML tree: where (a random walk), and what.
#[derive(Clone, Debug)]
struct Mutation {
    walk: Vec<u16>,
    kind: u8,
    pick: u16,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        prop::collection::vec(any::<u16>(), 1..12),
        any::<u8>(),
        any::<u16>(),
    )
        .prop_map(|(walk, kind, pick)| Mutation { walk, kind, pick })
}

const NAMES: &[&str] = &[
    "type",
    "$ref",
    "enum",
    "items",
    "properties",
    "required",
    "oneOf",
    "anyOf",
    "nullable",
    "discriminator",
    "x-enum-varnames",
    "x-pagination",
    "x-maximum-by",
    "default",
    "in",
    "name",
    "schema",
    "minimum",
];

fn replacement(pick: u16) -> Value {
    let refs = [
        "#/components/schemas/UsageResponse",
        "#/components/schemas/Nope",
        "#/components/parameters/Limit",
        "#",
        "#/paths",
        "elsewhere.yaml#/x",
    ];
    match pick % 12 {
        0 => Value::Null,
        1 => Value::Bool(pick % 2 == 0),
        2 => Value::Number((pick as i64 - 100).into()),
        3 => Value::String(
            [
                "string", "integer", "number", "object", "array", "null", "boolean", "bogus",
            ][pick as usize % 8]
                .into(),
        ),
        4 => Value::String(String::new()),
        5 => Value::Sequence(Vec::new()),
        6 => Value::Mapping(Default::default()),
        7 => serde_yaml::from_str(&format!("{{$ref: '{}'}}", refs[pick as usize % refs.len()]))
            .unwrap(),
        8 => serde_yaml::from_str("[a, a, '1m', 'é', '']").unwrap(),
        9 => serde_yaml::from_str("{anyOf: [{type: string}, {type: 'null'}]}").unwrap(),
        10 => serde_yaml::from_str("{type: [string, integer, 'null']}").unwrap(),
        _ => Value::String("}; fn evil() {} \u{202e}".into()),
    }
}

/// The node a random walk from `node` ends at (it stops at a leaf or an empty collection).
fn node_at<'a>(node: &'a mut Value, walk: &[u16]) -> &'a mut Value {
    let Some((step, rest)) = walk.split_first() else {
        return node;
    };
    let size = match &*node {
        Value::Mapping(map) => map.len(),
        Value::Sequence(items) => items.len(),
        _ => 0,
    };
    if size == 0 {
        return node;
    }
    let i = *step as usize % size;
    match node {
        Value::Mapping(map) => {
            let key = map.keys().nth(i).cloned().unwrap();
            node_at(map.get_mut(&key).unwrap(), rest)
        }
        Value::Sequence(items) => node_at(&mut items[i], rest),
        _ => unreachable!("sized above"),
    }
}

fn apply(root: &mut Value, m: &Mutation) {
    let node = node_at(root, &m.walk);
    match (m.kind % 4, &mut *node) {
        (0, Value::Mapping(map)) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(m.pick as usize % map.len())
                .cloned()
                .unwrap();
            map.remove(&key);
        }
        (1, Value::Mapping(map)) => {
            map.insert(
                Value::String(NAMES[m.pick as usize % NAMES.len()].into()),
                replacement(m.pick / 7),
            );
        }
        (2, Value::Sequence(items)) if !items.is_empty() => {
            let copy = items[m.pick as usize % items.len()].clone();
            items.push(copy);
        }
        _ => *node = replacement(m.pick),
    }
}

/// How many mutated specs the fuzz test runs by default (recorded in the issue note): sized so
/// the warm test suite stays under two minutes (BENCHMARKS.md section 7). `FUZZ_CASES=N` runs more.
const DEFAULT_FUZZ_CASES: u32 = 250;

fn fuzz_cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_FUZZ_CASES)
}

/// `cases` mutated specs from the random sequence of `seed`: each generates a crate whose
/// changes the diff reports, or is refused with an error; never a panic. How many of each.
fn fuzz(base: &Value, base_crate: &tests::Generated, cases: u32, seed: u8) -> (u32, u32) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let outcomes = std::cell::RefCell::new((0u32, 0u32));
    runner
        .run(&prop::collection::vec(mutation(), 1..6), |mutations| {
            let mut tree = base.clone();
            for m in &mutations {
                apply(&mut tree, m);
            }
            let yaml = serde_yaml::to_string(&tree).unwrap();
            let mut counts = outcomes.borrow_mut();
            match tests::generated(&yaml) {
                Ok(mutated) => {
                    counts.0 += 1;
                    // The diff misses nothing the generated crate changes.
                    if let Err(e) = tests::check_diff_invariant(base_crate, &mutated) {
                        panic!("{e}\nmutations: {mutations:?}");
                    }
                }
                Err(e) => {
                    assert!(!e.message.is_empty());
                    counts.1 += 1;
                }
            }
            Ok(())
        })
        .unwrap();
    outcomes.into_inner()
}

#[test]
fn fuzzed_specs_never_panic() {
    let text = std::fs::read_to_string(root().join("spec/openai-usage.yaml")).unwrap();
    let base: Value = serde_yaml::from_str(&text).unwrap();
    let base_crate = tests::generated(&text).unwrap();
    // The cases in two runners, each with a seed of its own (the same cases on every machine),
    // on two threads.
    let runners = [
        (7, fuzz_cases() / 2 + fuzz_cases() % 2),
        (8, fuzz_cases() / 2),
    ];
    let (generated, refused) = tests::par_map(&runners, |&(seed, cases)| {
        fuzz(&base, &base_crate, cases, seed)
    })
    .into_iter()
    .fold((0, 0), |(g, r), (g2, r2)| (g + g2, r + r2));
    eprintln!(
        "fuzz: {} cases, {} runs: {generated} generated, {refused} refused with an error",
        fuzz_cases(),
        generated + refused
    );
    assert!(generated + refused >= fuzz_cases(), "every case ran");
    assert!(
        generated > 0 && refused > 0,
        "the mutations reach both outcomes"
    );
}

/// Every form a Markdown code block takes; each holds code that rustdoc would compile and run as
/// a doctest if it stayed a code block.
const CODE_BLOCK_FORMS: &[&str] = &[
    "```\nfn main() {}\n```",
    "~~~\nfn main() {}\n~~~",
    "```edition2021\nfn main() {}\n```",
    "```should_panic\npanic!()\n```",
    "```rust,editable\nfn main() {}\n```",
    "Text.\n\n    fn main() {}\n",
    "> Quoted:\n>\n> ```\n> fn main() {}\n> ```",
    "> Quoted:\n>\n>     fn main() {}",
    "- a list item\n\n  ```rust\n  fn main() {}\n  ```",
    "1. a numbered item\n\n       fn main() {}",
    "```\nfn main() {}",
];

/// How many doctests `rustdoc --test` finds in a file that documents one item per doc text.
fn doctests_in(docs: &[String], dir: &Path) -> usize {
    let mut lib = String::new();
    for (i, doc) in docs.iter().enumerate() {
        for line in doc.lines() {
            lib.push_str(&format!(
                "///{}{line}\n",
                if line.is_empty() { "" } else { " " }
            ));
        }
        lib.push_str(&format!("pub struct Item{i};\n\n"));
    }
    let file = dir.join("lib.rs");
    std::fs::write(&file, lib).unwrap();
    let output = Command::new(std::env::var("RUSTDOC").unwrap_or_else(|_| "rustdoc".into()))
        .args(["--test", "--edition", "2021", "--crate-name", "docs"])
        .arg(&file)
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("running "))
        .unwrap_or_else(|| {
            panic!(
                "no test summary from rustdoc: {stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    line.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn no_code_block_of_a_description_runs_as_a_doctest() {
    let temp = tempfile::tempdir().unwrap();
    // The harness can fail: written as they are, each form is a doctest.
    let raw: Vec<String> = CODE_BLOCK_FORMS.iter().map(|s| s.to_string()).collect();
    assert_eq!(doctests_in(&raw, temp.path()), CODE_BLOCK_FORMS.len());

    // Through the generator, in every place a description goes (the crate's, an operation's
    // summary and description, a parameter's, a schema's and a property's): no doctest at all.
    let quoted = |form: &str| serde_json::to_string(form).unwrap();
    let mut spec = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1', description: {}}}\npaths:\n",
        quoted(CODE_BLOCK_FORMS[0])
    );
    for (i, form) in CODE_BLOCK_FORMS.iter().enumerate() {
        let d = quoted(form);
        spec.push_str(&format!(
            "  /op{i}:\n    get:\n      operationId: op{i}\n      summary: {d}\n      description: {d}\n      parameters: [{{name: p, in: query, description: {d}, schema: {{type: string}}}}]\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/S{i}'}}}}}}}}}}\n"
        ));
    }
    spec.push_str("components:\n  schemas:\n");
    for (i, form) in CODE_BLOCK_FORMS.iter().enumerate() {
        let d = quoted(form);
        spec.push_str(&format!(
            "    S{i}:\n      type: object\n      description: {d}\n      properties:\n        f:\n          type: string\n          description: {d}\n"
        ));
    }
    let path = temp.path().join("forms.yaml");
    std::fs::write(&path, &spec).unwrap();
    let files = codegen::generate(&path, &Options::for_spec(&path)).unwrap();
    // Each run of `///` or `//!` lines is one item's docs, without the generator's own compiled
    // examples (`no_run`: a spec's code block can only ever be `text`).
    let mut docs = Vec::new();
    let mut shown = String::new();
    for file in files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
    {
        if file.path.starts_with("src/runtime") {
            continue;
        }
        let mut current: Vec<String> = Vec::new();
        for line in file.contents.lines().chain([""]) {
            let line = line.trim_start();
            match line
                .strip_prefix("///")
                .or_else(|| line.strip_prefix("//!"))
            {
                Some(doc) => current.push(doc.strip_prefix(' ').unwrap_or(doc).to_owned()),
                None if !current.is_empty() => {
                    docs.push(without_examples(&std::mem::take(&mut current).join("\n")))
                }
                None => {}
            }
        }
        shown.push_str(&file.contents);
    }
    assert!(docs.len() >= 5 * CODE_BLOCK_FORMS.len(), "{}", docs.len());
    // The code is still shown, as text: once per form and place.
    assert!(
        shown.matches("fn main() {}").count() >= 5 * (CODE_BLOCK_FORMS.len() - 1),
        "{shown}"
    );
    assert_eq!(doctests_in(&docs, temp.path()), 0, "{shown}");
}

/// `doc` without its ```` ```no_run ```` blocks (the generator's own examples, compiled on purpose).
fn without_examples(doc: &str) -> String {
    let mut out = Vec::new();
    let mut in_example = false;
    for line in doc.lines() {
        if line.trim_start() == "```no_run" {
            in_example = true;
        } else if in_example && line.trim_start() == "```" {
            in_example = false;
        } else if !in_example {
            out.push(line);
        }
    }
    out.join("\n")
}
