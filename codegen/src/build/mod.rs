//! Stage 5, build: walk the validated document and produce the [`crate::ir::Api`]: operations with their
//! parameters, and every named type the operations reach. Names come from [`crate::naming`].
//!
//! Named types are the schemas that need a Rust item: objects with properties, string enums
//! (closed or open) and discriminated unions. A component schema of another shape (a plain or
//! nullable string, an array) is an alias and is written out where it is used.

use std::collections::{BTreeMap, HashMap};

use crate::error::Result;
use crate::ir::{Api, Type, TypeDef, TypeId};
use crate::load::Document;
use crate::naming::{self, Scope};
use crate::validate;

mod accessors;
mod bounds;
mod checks;
mod docs;
mod operations;
mod paging;
mod schemas;
mod types;
mod unions;

use checks::{check_client_methods, check_finite, mark_request_types, open_response_enums};
use operations::auth;
use paging::{operation_paging, paging_styles};
use schemas::Shape;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

const PARAMETER_PREFIX: &str = "#/components/parameters/";

/// Keywords of schema forms the generator cannot express; naming them gives a clear error rather
/// than code that silently accepts the wrong values.
const UNSUPPORTED_KEYWORDS: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "prefixItems",
    "dependentSchemas",
    "unevaluatedProperties",
];

/// Builds the IR of a loaded document.
pub fn build(doc: &Document) -> Result<Api> {
    let sites = validate::operations(doc)?;
    crate::extensions::check(doc)?;
    let mut builder = Builder {
        doc,
        types: BTreeMap::new(),
        by_pointer: HashMap::new(),
        names: Vec::new(),
        ids: HashMap::new(),
        inlining: Vec::new(),
        explicit_names: HashMap::new(),
        scope: Scope::default(),
    };
    let mut operations = Vec::new();
    for site in &sites {
        operations.push(builder.operation(site)?);
    }
    let root = doc.node();
    // Every component schema is part of the API, whether or not an operation reaches it.
    if let Some(schemas) = root.get("components").and_then(|c| c.get("schemas")) {
        for (key, schema) in schemas.entries()? {
            if matches!(
                builder.shape(&schema)?,
                Shape::Struct | Shape::Enum(_) | Shape::OpenEnum(_) | Shape::Union
            ) {
                let name = naming::type_name(&key).ok_or_else(|| {
                    schema.error(format!("schema name `{key}` has no letters or digits"))
                })?;
                builder.named(&schema, &name)?;
            }
        }
    }
    let info = root.get("info").expect("validated");
    let first_server = match root.get("servers") {
        Some(servers) => servers.items()?.into_iter().next(),
        None => None,
    };
    let (server_url, server_url_env) = match &first_server {
        Some(server) => (
            server.str("url")?.map(str::to_string),
            server.str("x-env-var")?.map(str::to_string),
        ),
        None => (None, None),
    };
    // Sorted by name: a type's final handle is its place in this order; the handles made while
    // building (in discovery order) are renumbered once.
    let mut types: Vec<TypeDef> = builder.types.into_values().collect();
    let renumbered: Vec<TypeId> = builder
        .names
        .iter()
        .map(|name| {
            TypeId(
                types
                    .binary_search_by(|t| t.name.as_str().cmp(name))
                    .expect("every type a handle was made for is built"),
            )
        })
        .collect();
    renumber(&mut operations, &mut types, &renumbered);
    accessors::resolve_accessors(&mut types, &doc.file)?;
    open_response_enums(&mut types, &operations);
    mark_request_types(&mut types, &operations, &doc.file)?;
    let styles = paging_styles(&root)?;
    for (op, site) in operations.iter_mut().zip(&sites) {
        op.paging = operation_paging(&site.node, &styles, op, &types)?;
    }
    check_client_methods(&root, &operations)?;
    check_finite(&root, &types)?;
    // Operations that do not describe their errors are assumed to send the same error body as
    // those that do; if those disagree, the body stays untyped JSON.
    let mut declared = operations.iter().filter_map(|o| o.error.as_ref());
    let error_body = match declared.next() {
        Some(first) if declared.all(|e| e == first) => first.clone(),
        _ => Type::Any,
    };
    Ok(Api {
        server_url_env,
        auth: auth(doc, &sites)?,
        error_body,
        title: info.str("title")?.unwrap_or_default().to_string(),
        description: info.str("description")?.map(str::to_string),
        version: info
            .get("version")
            .and_then(|v| v.scalar())
            .unwrap_or_default(),
        server_url,
        operations,
        types,
    })
}

impl Builder<'_> {
    /// The handle of the named type `name` (made the first time it is asked for).
    fn intern(&mut self, name: &str) -> TypeId {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = TypeId(self.names.len());
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    /// The named type a handle made during this build refers to, once it is built.
    fn def(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(&self.names[id.0])
    }
}

/// Gives every use of a named type its final handle (`renumbered[provisional]`).
fn renumber(operations: &mut [crate::ir::Operation], types: &mut [TypeDef], renumbered: &[TypeId]) {
    fn ty(t: &mut Type, renumbered: &[TypeId]) {
        match t {
            Type::Named(id) => *id = renumbered[id.0],
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => ty(inner, renumbered),
            _ => {}
        }
    }
    for op in operations {
        for p in &mut op.params {
            ty(&mut p.ty, renumbered);
        }
        if let Some(body) = &mut op.body {
            ty(&mut body.ty, renumbered);
        }
        for t in op.response.iter_mut().chain(op.error.iter_mut()) {
            ty(t, renumbered);
        }
    }
    for def in types {
        match &mut def.kind {
            crate::ir::TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    ty(&mut f.ty, renumbered);
                }
                for a in &mut s.accessors {
                    ty(&mut a.ty, renumbered);
                }
            }
            crate::ir::TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.ty = renumbered[v.ty.0];
                }
            }
            crate::ir::TypeKind::Enum(_) => {}
        }
    }
}

/// The state of one build: the named types found so far and the names they claim. Its methods
/// live beside the concern they serve: operations and parameters (`operations`), bounds
/// (`bounds`), schema classification (`schemas`), named types (`types`), docs (`docs`).
struct Builder<'a> {
    doc: &'a Document,
    /// Named types by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Rust name of the named type built from each schema pointer.
    by_pointer: HashMap<String, String>,
    /// The names of the handles made so far (`TypeId(i)` is `names[i]`), in the order made;
    /// renumbered by name at the end.
    names: Vec<String>,
    /// The handle made for each name.
    ids: HashMap<String, TypeId>,
    /// Pointers of aliases being written out, to find alias cycles.
    inlining: Vec<String>,
    /// Names given with `x-type-name`, with the pointer of the first schema that asked for each.
    explicit_names: HashMap<String, String>,
    /// Every Rust type name in the crate, with the place that claimed it.
    scope: Scope,
}

#[cfg(test)]
mod tests {
    use crate::ir::Type;
    use crate::testing::{api, doc, get};

    #[test]
    fn the_error_body_is_the_one_every_operation_that_declares_errors_agrees_on() {
        let error = "      responses:\n        default: {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}\n";
        let paths = get("[]", "{type: object}").replace("      responses:\n", error);
        let text = doc(
            &paths,
            "    E: {type: object, properties: {message: {type: string}}}",
        )
        .replace("  schemas: {}\n", "  schemas:\n");
        let built = api(&text);
        assert_eq!(
            built.error_body,
            Type::Named(built.type_named("E").unwrap())
        );
        assert_eq!(
            api(&doc(&get("[]", "{type: object}"), "")).error_body,
            Type::Any
        );
    }

    #[test]
    fn the_first_server_and_its_environment_variable_become_the_default_base_url() {
        let text = doc(&get("[]", "{type: object}"), "").replace(
            "paths:\n",
            "servers: [{url: 'https://api.example.com/v1', x-env-var: EXAMPLE_BASE_URL}, {url: 'https://other'}]\npaths:\n",
        );
        let api = api(&text);
        assert_eq!(
            api.server_url.as_deref(),
            Some("https://api.example.com/v1")
        );
        assert_eq!(api.server_url_env.as_deref(), Some("EXAMPLE_BASE_URL"));
        assert_eq!((api.title.as_str(), api.version.as_str()), ("Test", "1"));
    }
}
