//! A spec the generator cannot use gives one clear error with its place, and changes nothing.

use std::fs;
use std::path::Path;

use codegen::{Error, Options, Place};

fn generate(text: &str) -> Result<Vec<codegen::OutputFile>, Error> {
    let path = Path::new("spec/bad.yaml");
    codegen::generate_from_str(path, text, &Options::for_spec(path))
}

fn error(text: &str) -> Error {
    match generate(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

fn pointer(e: &Error) -> &str {
    match &e.place {
        Place::Pointer(p) => p,
        other => panic!("expected a JSON pointer, got {other:?} ({e})"),
    }
}

const HEAD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n";

#[test]
fn bad_yaml_names_line_and_column() {
    let text = "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a: [unclosed\n";
    let e = error(text);
    assert_eq!(e.file, Path::new("spec/bad.yaml"));
    let Place::LineColumn { line, .. } = e.place else {
        panic!("expected a line and column, got {:?}", e.place)
    };
    assert!((6..=7).contains(&line), "line {line}: {e}");
    assert!(e.message.starts_with("not valid YAML"), "{e}");
    assert!(e.to_string().starts_with("spec/bad.yaml:"), "{e}");
}

#[test]
fn duplicate_yaml_keys_are_an_error() {
    let e = error("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\npaths: {}\n");
    assert!(matches!(e.place, Place::LineColumn { .. }), "{e}");
    assert!(
        e.message.contains("duplicate entry with key \"paths\""),
        "{e}"
    );
}

#[test]
fn unsupported_openapi_version() {
    let e = error("openapi: 2.0\ninfo: {title: T, version: '1'}\npaths: {}\n");
    assert_eq!(pointer(&e), "#/openapi");
    assert!(
        e.message.contains("unsupported OpenAPI version `2.0`"),
        "{e}"
    );
}

#[test]
fn ref_to_nothing_names_the_ref() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Missing'}}\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/properties/b");
    assert!(
        e.message
            .contains("`$ref: #/components/schemas/Missing` points at nothing"),
        "{e}"
    );
}

#[test]
fn ref_cycle_is_an_error_not_a_hang() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    C:\n      type: object\n      properties:\n        a: {{$ref: '#/components/schemas/A'}}\n"
    ));
    assert!(e.message.contains("`$ref` cycle"), "{e}");
}

#[test]
fn unsupported_type_names_the_type() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{type: decimal}}\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/properties/b/type");
    assert!(e.message.contains("unsupported type `decimal`"), "{e}");
}

#[test]
fn unsupported_schema_form() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      not: {{type: string}}\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/not");
    assert!(e.message.contains("`not` is not supported"), "{e}");
}

#[test]
fn union_without_any_way_to_tell_members_apart() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      oneOf:\n        - {{type: string}}\n        - {{type: integer}}\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/oneOf");
    assert!(e.message.contains("without a `discriminator`"), "{e}");
}

#[test]
fn colliding_enum_values_name_both() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      type: string\n      enum: [dark-blue, dark_blue]\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/enum/1");
    assert!(
        e.message
            .contains("`dark-blue` and `dark_blue` both become the Rust variant `DarkBlue`"),
        "{e}"
    );
}

#[test]
fn colliding_properties_name_both() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      properties:\n        numSessions: {{type: integer}}\n        num_sessions: {{type: integer}}\n"
    ));
    assert!(
        e.message
            .contains("`numSessions` and `num_sessions` both become the Rust field `num_sessions`"),
        "{e}"
    );
}

#[test]
fn colliding_type_names_name_both_places() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    foo_bar: {{type: object, properties: {{a: {{type: string}}}}}}\n    FooBar: {{type: object, properties: {{a: {{type: string}}}}}}\n"
    ));
    assert!(e.message.contains("`FooBar`"), "{e}");
    assert!(e.message.contains("#/components/schemas/foo_bar"), "{e}");
    assert_eq!(pointer(&e), "#/components/schemas/FooBar");
}

#[test]
fn required_property_that_does_not_exist() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      required: [sessions]\n      properties:\n        num_sessions: {{type: integer}}\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/required/0");
    assert!(
        e.message
            .contains("`sessions` is listed in `required` but is not a property"),
        "{e}"
    );
}

#[test]
fn duplicate_operation_ids_name_the_first() {
    let e = error(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get: {operationId: same}\n  /b:\n    get: {operationId: same}\n",
    );
    assert_eq!(pointer(&e), "#/paths/~1b/get");
    assert!(
        e.message
            .contains("duplicate operationId `same`: already used at #/paths/~1a/get"),
        "{e}"
    );
}

#[test]
fn parameter_in_an_unsupported_location() {
    let e = error(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - {name: X-Id, in: header, schema: {type: string}}\n",
    );
    assert_eq!(pointer(&e), "#/paths/~1a/get/parameters/0/in");
    assert!(
        e.message
            .contains("parameter `X-Id` is in `header`, which this generator does not support"),
        "{e}"
    );
}

/// A spec of one operation at `path`, `method`, with `rest` (YAML lines at the operation's
/// indentation) added to it.
fn one_operation(path: &str, method: &str, rest: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  '{path}':\n    {method}:\n      operationId: op\n{rest}"
    )
}

#[test]
fn a_placeholder_without_a_path_parameter_is_refused() {
    let e = error(&one_operation("/projects/{project_id}", "get", ""));
    assert_eq!(pointer(&e), "#/paths/~1projects~1{project_id}/get");
    assert!(
        e.message.contains(
            "path `/projects/{project_id}` has the placeholder `{project_id}`, but the operation has no path parameter `project_id`"
        ),
        "{e}"
    );
}

#[test]
fn a_path_parameter_without_a_placeholder_is_refused() {
    let e = error(&one_operation(
        "/projects",
        "get",
        "      parameters:\n        - {name: project_id, in: path, required: true, schema: {type: string}}\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1projects/get");
    assert!(
        e.message.contains(
            "path parameter `project_id` has no placeholder `{project_id}` in the path `/projects`"
        ),
        "{e}"
    );
}

#[test]
fn an_optional_or_structured_path_parameter_is_refused() {
    let e = error(&one_operation(
        "/p/{id}",
        "get",
        "      parameters:\n        - {name: id, in: path, schema: {type: string}}\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1p~1{id}/get/parameters/0");
    assert!(e.message.contains("must be `required: true`"), "{e}");

    let e = error(&one_operation(
        "/p/{id}",
        "get",
        "      parameters:\n        - {name: id, in: path, required: true, schema: {type: array, items: {type: string}}}\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1p~1{id}/get/parameters/0/schema");
    assert!(e.message.contains("must be a string or an integer"), "{e}");
}

#[test]
fn a_request_body_that_is_not_json_is_refused_whatever_the_method() {
    for method in ["get", "post"] {
        let e = error(&one_operation(
            "/alerts",
            method,
            "      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n            schema: {type: object}\n",
        ));
        assert_eq!(
            pointer(&e),
            format!("#/paths/~1alerts/{method}/requestBody/content")
        );
        assert!(
            e.message.contains(
                "the request body is `application/x-www-form-urlencoded`, which this generator does not support (only JSON)"
            ),
            "{e}"
        );
    }
    // A body without content, or JSON without a schema, says what is missing where.
    let e = error(&one_operation(
        "/alerts",
        "post",
        "      requestBody: {required: true}\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1alerts/post/requestBody");
    assert!(e.message.contains("needs `content`"), "{e}");
}

#[test]
fn a_response_that_is_not_json_is_refused() {
    let e = error(&one_operation(
        "/export",
        "get",
        "      responses:\n        '200':\n          description: CSV\n          content:\n            text/csv:\n              schema: {type: string}\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1export/get/responses/200/content");
    assert!(
        e.message.contains(
            "the 200 response is `text/csv`, which this generator does not support (only JSON)"
        ),
        "{e}"
    );
}

#[test]
fn a_method_name_that_is_not_snake_case_is_refused() {
    let e = error(&one_operation(
        "/a",
        "get",
        "      x-method-name: GetThings\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1a/get/x-method-name");
    assert!(e.message.contains("must be a snake_case Rust name"), "{e}");
}

#[test]
fn an_operations_own_paging_style_needs_its_cursor() {
    let e = error(&one_operation(
        "/a",
        "get",
        "      x-pagination: {cursor-param: after, next-cursor: last_id, items: data}\n",
    ));
    assert_eq!(pointer(&e), "#/paths/~1a/get/x-pagination");
    assert!(
        e.message
            .contains("operation `op` has no `after` parameter to page with"),
        "{e}"
    );
}

/// A temporary workspace root with a spec and a generated crate, as `cargo xtask regen` sees it.
fn workspace(spec: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    tests::copy_package_settings(dir.path());
    fs::write(dir.path().join("spec/openai-usage.yaml"), spec).unwrap();
    dir
}

fn run(root: &Path, args: &[&str]) -> (Result<xtask::Outcome, String>, String) {
    tests::xtask(root, args)
}

fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tests::files_under(dir)
}

const GOOD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get-a\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n";

#[test]
fn a_bad_spec_leaves_the_generated_crate_as_it_was() {
    let root = workspace(GOOD);
    let (result, _) = run(root.path(), &["regen"]);
    assert_eq!(result, Ok(xtask::Outcome::Success));
    let before = snapshot(&root.path().join("generated"));
    assert!(before.len() >= 5, "{before:?}");

    for bad in [
        "openapi: 3.1.0\ninfo: [\n",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get-a\n      parameters:\n        - {name: q, in: query, schema: {type: wat}}\n",
    ] {
        fs::write(root.path().join("spec/openai-usage.yaml"), bad).unwrap();
        let (result, out) = run(root.path(), &["regen"]);
        let message = result.expect_err("a bad spec is an error");
        assert!(message.contains("openai-usage.yaml"), "{message}");
        assert!(out.is_empty(), "nothing is reported as written: {out}");
        assert_eq!(snapshot(&root.path().join("generated")), before, "generated/ changed");
    }
}

#[test]
fn check_reports_a_stale_crate_and_regen_fixes_it() {
    let root = workspace(GOOD);
    run(root.path(), &["regen"]).0.unwrap();
    let (result, out) = run(root.path(), &["regen", "--check"]);
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");

    // A hand edit, a generated file the spec no longer makes, and a hand-written file.
    let types = root.path().join("generated/src/types.rs");
    fs::write(
        &types,
        fs::read_to_string(&types).unwrap() + "\n// edited by hand\n",
    )
    .unwrap();
    let obsolete = root.path().join("generated/src/obsolete.rs");
    fs::write(
        &obsolete,
        "// @generated by `cargo xtask regen` from old.yaml. Do not edit.\n",
    )
    .unwrap();
    let handwritten = root.path().join("generated/src/notes.rs");
    fs::write(&handwritten, "// mine\n").unwrap();
    let before = snapshot(&root.path().join("generated"));

    let (result, out) = run(root.path(), &["regen", "--check"]);
    assert_eq!(result, Ok(xtask::Outcome::Failure));
    assert!(out.contains("-// edited by hand"), "{out}");
    assert!(out.contains("a/generated/src/obsolete.rs"), "{out}");
    assert!(out.contains("run `cargo xtask regen`"), "{out}");
    assert_eq!(
        snapshot(&root.path().join("generated")),
        before,
        "--check wrote something"
    );

    let (result, out) = run(root.path(), &["regen"]);
    assert_eq!(result, Ok(xtask::Outcome::Success));
    assert!(out.contains("updated generated/src/types.rs"), "{out}");
    assert!(out.contains("removed generated/src/obsolete.rs"), "{out}");
    assert!(!obsolete.exists());
    assert_eq!(fs::read_to_string(&handwritten).unwrap(), "// mine\n");
    assert_eq!(
        run(root.path(), &["regen", "--check"]).0,
        Ok(xtask::Outcome::Success)
    );
}

#[test]
fn out_writes_a_standalone_crate() {
    let root = workspace(GOOD);
    let out_dir = root.path().join("preview");
    let spec = root.path().join("spec/openai-usage.yaml");
    let (result, out) = run(
        root.path(),
        &[
            "regen",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
    let manifest = fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    assert!(out_dir.join("src/lib.rs").exists());
    assert!(
        !root.path().join("generated").exists(),
        "--out must not touch generated/"
    );
}

#[test]
fn bad_arguments_are_explained() {
    let root = workspace(GOOD);
    let (result, _) = run(root.path(), &["regen", "--spec", "x.yaml"]);
    let message = result.unwrap_err();
    assert!(
        message.starts_with("the following required arguments were not provided:\n  --out <DIR>"),
        "{message}"
    );
    let (result, _) = run(root.path(), &["frobnicate"]);
    assert!(result
        .unwrap_err()
        .starts_with("unrecognized subcommand 'frobnicate'"));
    // A typo gets the command it was probably meant to be.
    let (result, _) = run(root.path(), &["regn"]);
    let message = result.unwrap_err();
    assert!(
        message.contains("tip: a similar subcommand exists: 'regen'"),
        "{message}"
    );
    // Plain text, with the values that are allowed (no Rust debug formatting).
    let (result, _) = run(root.path(), &["diff", "a", "b", "--format", "html"]);
    let message = result.unwrap_err();
    assert!(
        message.starts_with("invalid value 'html' for '--format <FORMAT>'"),
        "{message}"
    );
    assert!(
        message.contains("[possible values: text, markdown]"),
        "{message}"
    );
    assert!(!message.contains("Some("), "{message}");
    // No command at all is an error with the list of commands, not a success.
    let (result, _) = run(root.path(), &[]);
    assert!(result.unwrap_err().contains("regen"));
}

#[test]
fn bad_package_settings_name_the_place_and_write_nothing() {
    let root = workspace(GOOD);
    let settings = root.path().join("spec/package.yaml");
    let good = fs::read_to_string(&settings).unwrap();
    for (text, expected) in [
        (
            good.replace("publish: true", "publsh: true"),
            "spec/package.yaml:",
        ),
        (
            good.replace("version: 0.1.0", "version: one"),
            "spec/package.yaml: `version: one` is not a semantic version (MAJOR.MINOR.PATCH)",
        ),
        (
            good.replace("[LICENSE-MIT, ", "[LICENSE-MISSING, "),
            "spec/package.yaml: license file `LICENSE-MISSING`: cannot read",
        ),
    ] {
        fs::write(&settings, &text).unwrap();
        let before = snapshot(root.path());
        let (result, _) = run(root.path(), &["regen"]);
        let message = result.unwrap_err();
        assert!(message.starts_with(expected), "{message}");
        assert_eq!(snapshot(root.path()), before, "nothing written");
    }
    // The unknown key is named, with its line.
    fs::write(&settings, good.replace("publish: true", "publsh: true")).unwrap();
    let (result, _) = run(root.path(), &["regen"]);
    let message = result.unwrap_err();
    assert!(message.contains("unknown field `publsh`"), "{message}");
    let line = good.lines().position(|l| l.starts_with("publish")).unwrap() + 1;
    assert!(
        message.starts_with(&format!("spec/package.yaml:{line}:")),
        "{message}"
    );
}

#[test]
fn every_command_has_help() {
    let root = workspace(GOOD);
    for command in ["import", "check-response", "regen", "diff", "goldens"] {
        let (result, out) = run(root.path(), &[command, "--help"]);
        assert_eq!(result, Ok(xtask::Outcome::Success), "{command}");
        assert!(
            out.contains(&format!("Usage: cargo xtask {command}")),
            "{command}: {out}"
        );
    }
    let (result, out) = run(root.path(), &["--help"]);
    assert_eq!(result, Ok(xtask::Outcome::Success));
    for command in ["import", "check-response", "regen", "diff", "goldens"] {
        assert!(out.contains(command), "{out}");
    }
}

#[test]
fn bounds_that_cannot_be_checked_are_errors_or_ignored() {
    let op = |schema: &str| {
        format!("openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - {{name: n, in: query, schema: {schema}}}\n        - {{name: w, in: query, schema: {{type: string, enum: [x, y]}}}}\n")
    };
    let e = error(&op("{type: integer, minimum: 1.5}"));
    assert_eq!(pointer(&e), "#/paths/~1a/get/parameters/0/schema/minimum");
    assert!(
        e.message
            .contains("`minimum: 1.5` of an integer must be a whole number"),
        "{e}"
    );
    let e = error(&op("{type: string, x-greater-than: n}"));
    assert!(
        e.message.contains(
            "`x-greater-than` applies to integer and `format: unix-time` parameters only"
        ),
        "{e}"
    );
    let e = error(&op(
        "{type: integer, x-maximum-by: {parameter: w, default: x, values: {x: 2.5}}}",
    ));
    assert!(e.message.contains("expected a whole number"), "{e}");
    // A bound on a string means nothing here: it is ignored, and the output compiles (the golden
    // fixtures show what checks look like when they apply).
    let files = generate(&op("{type: string, minimum: 3}")).unwrap();
    let params = &files
        .iter()
        .find(|f| f.path == Path::new("src/params.rs"))
        .unwrap()
        .contents;
    assert!(!params.contains("is below the minimum"), "{params}");
    // A fractional bound on a number is fine.
    let files = generate(&op("{type: number, minimum: 0.5}")).unwrap();
    let params = &files
        .iter()
        .find(|f| f.path == Path::new("src/params.rs"))
        .unwrap()
        .contents;
    assert!(params.contains("if value < 0.5 {"), "{params}");
}

#[test]
fn schemas_named_like_the_crates_own_exports_are_renamed() {
    let files = generate(&format!(
        "{HEAD}components:\n  schemas:\n    PageError: {{type: object, properties: {{a: {{type: string}}}}}}\n    Error: {{type: object, properties: {{a: {{type: string}}}}}}\n    Client: {{type: string, enum: [x]}}\n"
    ))
    .unwrap();
    let types = &files
        .iter()
        .find(|f| f.path == Path::new("src/types.rs"))
        .unwrap()
        .contents;
    for name in ["PageErrorSchema", "ErrorSchema", "ClientSchema"] {
        assert!(
            types.contains(&format!("pub struct {name}"))
                || types.contains(&format!("pub enum {name}")),
            "{name}"
        );
    }
}

/// A spec whose operation `a` requires `security`, and operation `b` what the document requires,
/// `document`; `schemes` are its security schemes.
fn with_security(security: &str, document: &str, schemes: &str) -> String {
    format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      security: {security}\n      responses: {{'200': {{description: ok}}}}\n  /b:\n    get:\n      operationId: b\n      responses: {{'200': {{description: ok}}}}\nsecurity: {document}\ncomponents:\n  securitySchemes:\n{schemes}"
    )
}

#[test]
fn a_key_the_client_cannot_send_as_the_spec_says_is_refused() {
    let schemes = "    Bearer: {type: http, scheme: bearer}\n    Query: {type: apiKey, in: query, name: key}\n    Basic: {type: http, scheme: basic}\n";
    // A key in the query string: never sent another way instead.
    let e = error(&with_security("[{Query: []}]", "[{Query: []}]", schemes));
    assert_eq!(pointer(&e), "#/components/securitySchemes/Query");
    assert!(
        e.message
            .contains("(type: apiKey, in: query) is not one the client can send"),
        "{e}"
    );
    let e = error(&with_security("[{Basic: []}]", "[{Basic: []}]", schemes));
    assert!(e.message.contains("(type: http, scheme: basic)"), "{e}");
    // Operation `a` wants one scheme, `b` (by the document's `security`) another.
    let schemes = "    Bearer: {type: http, scheme: bearer}\n    Header: {type: apiKey, in: header, name: X-Key}\n";
    let e = error(&with_security("[{Header: []}]", "[{Bearer: []}]", schemes));
    assert_eq!(pointer(&e), "#/security/0");
    assert!(e.message.contains("operations use different security schemes (`Header` at #/paths/~1a/get/security/0, `Bearer` here)"), "{e}");
    // The same scheme everywhere is fine, bearer or header.
    assert!(generate(&with_security("[{Bearer: []}]", "[{Bearer: []}]", schemes)).is_ok());
    assert!(generate(&with_security("[{Header: []}]", "[{Header: []}]", schemes)).is_ok());
    let e = error(&with_security("[{Header: []}]", "[{Header: []}]", "    Bearer: {type: http, scheme: bearer}\n    Header: {type: apiKey, in: header, name: 'X Key'}\n"));
    assert!(e.message.contains("is not an HTTP header name"), "{e}");
}

#[test]
fn a_misspelled_extension_is_an_error_naming_the_right_one() {
    let e = error(&one_operation(
        "/a",
        "get",
        "      parameters:\n        - {name: limit, in: query, schema: {type: integer, x-maximun-by: {parameter: w, default: d, values: {}}}}\n",
    ));
    assert_eq!(
        pointer(&e),
        "#/paths/~1a/get/parameters/0/schema/x-maximun-by"
    );
    assert!(
        e.message
            .contains("unknown extension `x-maximun-by`: did you mean `x-maximum-by`"),
        "{e}"
    );
}

#[test]
fn a_misplaced_extension_is_an_error() {
    let e = error(&format!(
        "{HEAD}components:\n  schemas:\n    A:\n      type: object\n      x-pagination: {{cursor-param: after}}\n      properties: {{a: {{type: string}}}}\n"
    ));
    assert_eq!(pointer(&e), "#/components/schemas/A/x-pagination");
    assert!(
        e.message.contains(
            "`x-pagination` is read on the document's root or an operation, not on a schema"
        ),
        "{e}"
    );
}

#[test]
fn extensions_the_generator_does_not_read_pass() {
    let spec = format!(
        "{HEAD}x-oaiMeta: {{groups: []}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      x-stainless-const: true\n      x-oaiTypeLabel: thing\n      properties: {{a: {{type: string}}}}\n"
    );
    assert!(generate(&spec).is_ok());
}
