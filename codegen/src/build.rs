//! Stage 5, build: walk the validated document and produce the [`crate::ir::Api`]: operations with their
//! parameters, and every named type the operations reach. Names come from [`crate::naming`].
//!
//! Named types are the schemas that need a Rust item: objects with properties, string enums
//! (closed or open) and discriminated unions. A component schema of another shape (a plain or
//! nullable string, an array) is an alias and is written out where it is used.

use std::collections::{BTreeMap, HashMap};

use heck::ToUpperCamelCase;
use serde_yaml::Value;

use crate::error::Result;
use crate::ir::{
    Api, Auth, AuthKind, Bounds, Constant, Deprecation, Doc, Enum, Field, Location, MaximumBy,
    Operation, PageField, PageShape, Paging, Param, ParamRef, PathPart, PathTemplate, Struct, Type,
    TypeDef, TypeKind, Union, UnionVariant, Variant,
};
use crate::load::{kind, Document, Node};
use crate::naming::{self, Scope};
use crate::resolve;
use crate::validate;

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
    let mut types: Vec<TypeDef> = builder.types.into_values().collect();
    open_response_enums(&mut types, &operations);
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

/// Opens every closed enum a response can hold (alone, in a list or map, in a field, in a union
/// member, at any depth), so that a value the API adds decodes instead of failing the page.
/// Parameters of such an enum still send listed values only (`Enum::requests_listed_only`).
fn open_response_enums(types: &mut [TypeDef], operations: &[Operation]) {
    fn named(ty: &Type, out: &mut Vec<String>) {
        match ty {
            Type::Named(name) => out.push(name.clone()),
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => named(inner, out),
            _ => {}
        }
    }
    let mut pending = Vec::new();
    for op in operations {
        for ty in op.response.iter().chain(&op.error) {
            named(ty, &mut pending);
        }
    }
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(def) = types.iter_mut().find(|t| t.name == name) else {
            continue;
        };
        match &mut def.kind {
            TypeKind::Struct(s) => s.fields.iter().for_each(|f| named(&f.ty, &mut pending)),
            TypeKind::Union(u) => pending.extend(u.variants.iter().map(|v| v.type_name.clone())),
            TypeKind::Enum(e) if !e.open => {
                e.open = true;
                e.requests_listed_only = true;
            }
            TypeKind::Enum(_) => {}
        }
    }
}

/// Every method the client gets from the operations is unique and leaves the client's own alone.
fn check_client_methods(root: &Node<'_>, operations: &[Operation]) -> Result<()> {
    let mut scope = Scope::default();
    for method in crate::emit::client::METHODS {
        scope
            .claim(method, "the client itself")
            .expect("fresh scope");
    }
    for op in operations {
        let mut methods = vec![
            op.method_name.clone(),
            format!("{}_with_response", op.method_name),
        ];
        if let Some(paging) = &op.paging {
            methods.push(paging.pages_method.clone());
            methods.push(paging.items_method.clone());
        }
        for method in methods {
            let owner = format!("operation `{}`", op.id);
            if let Err(first) = scope.claim(naming::unraw(&method), &owner) {
                return Err(crate::error::Error::at(
                    root.file(),
                    &op.pointer,
                    format!("the client method `{method}` of operation `{}` is already taken by {first}; give one of them another name with `x-method-name`", op.id),
                ));
            }
        }
    }
    Ok(())
}

/// A type that holds itself directly (not through a list or a map) would have no finite size.
fn check_finite(root: &Node<'_>, types: &[TypeDef]) -> Result<()> {
    fn direct(ty: &Type) -> Option<&str> {
        match ty {
            Type::Named(name) => Some(name),
            Type::Nullable(inner) => direct(inner),
            _ => None,
        }
    }
    let edges = |def: &TypeDef| -> Vec<(String, String)> {
        match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| direct(&f.ty).map(|t| (f.wire_name.clone(), t.to_string())))
                .collect(),
            TypeKind::Union(u) => u
                .variants
                .iter()
                .map(|v| (v.tag.clone(), v.type_name.clone()))
                .collect(),
            TypeKind::Enum(_) => Vec::new(),
        }
    };
    for start in types {
        // Depth-first from `start`, looking for a way back to it.
        let mut stack = vec![(start.name.clone(), vec![start.name.clone()])];
        let mut seen = std::collections::HashSet::new();
        while let Some((name, path)) = stack.pop() {
            let Some(def) = types.iter().find(|t| t.name == name) else {
                continue;
            };
            for (via, target) in edges(def) {
                let mut path = path.clone();
                path.push(format!("{via} -> {target}"));
                if target == start.name {
                    return Err(crate::error::Error::at(
                        root.file(),
                        &start.pointer,
                        format!(
                            "`{}` contains itself ({}) other than through a list or map, so it would have no finite size",
                            start.name,
                            path.join(": ")
                        ),
                    ));
                }
                if seen.insert(target.clone()) {
                    stack.push((target, path));
                }
            }
        }
    }
    Ok(())
}

/// The security scheme the operations use: each operation's own `security`, or else the
/// document's. Every operation must use the same one scheme (or none), and it must be one the
/// client can send: `http` `bearer`, or `apiKey` in a header.
fn auth(doc: &Document, sites: &[validate::OperationSite<'_>]) -> Result<Option<Auth>> {
    let root = doc.node();
    let mut used: Option<(String, String)> = None;
    for site in sites {
        let requirement = match site.node.get("security") {
            Some(own) => own,
            None => match root.get("security") {
                Some(shared) => shared,
                None => continue,
            },
        };
        for alternative in requirement.items()? {
            for (name, _) in alternative.entries()? {
                match &used {
                    None => used = Some((name, alternative.pointer.clone())),
                    Some((first, at)) if *first != name => {
                        return Err(alternative.error(format!(
                            "operations use different security schemes (`{first}` at {at}, `{name}` here); the generator supports one key for the whole client"
                        )))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    let Some((name, at)) = used else {
        return Ok(None);
    };
    let scheme = root
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
        .and_then(|s| s.get(&name))
        .ok_or_else(|| {
            crate::error::Error::at(
                root.file(),
                &at,
                format!("security scheme `{name}` is not defined in `components/securitySchemes`"),
            )
        })?;
    let scheme = resolve::deref(doc, &scheme)?;
    let kind = match (scheme.str("type")?, scheme.str("scheme")?, scheme.str("in")?) {
        (Some("http"), Some(s), _) if s.eq_ignore_ascii_case("bearer") => AuthKind::Bearer,
        (Some("apiKey"), _, Some("header")) => {
            let header = scheme
                .str("name")?
                .ok_or_else(|| scheme.error("an `apiKey` scheme needs `name`, the header"))?;
            if header.is_empty() || !header.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
                return Err(scheme.error(format!("`name: {header}` is not an HTTP header name")));
            }
            AuthKind::Header(header.to_ascii_lowercase())
        }
        (kind, how, place) => {
            return Err(scheme.error(format!(
                "security scheme `{name}` ({}) is not one the client can send: only `type: http, scheme: bearer` and `type: apiKey, in: header` are supported, so that a key is never sent in a way the spec does not say",
                [kind.map(|k| format!("type: {k}")), how.map(|h| format!("scheme: {h}")), place.map(|p| format!("in: {p}"))]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    };
    Ok(Some(Auth {
        scheme: name,
        kind,
        env_var: scheme.str("x-env-var")?.map(str::to_string),
    }))
}

/// The paging styles of the document's `x-pagination`: one style, or a list of them. An
/// operation pages by the first style whose cursor parameter it has, unless it names its own.
fn paging_styles<'a>(root: &Node<'a>) -> Result<Vec<Node<'a>>> {
    match root.get("x-pagination") {
        None => Ok(Vec::new()),
        Some(config) if matches!(config.value, Value::Sequence(_)) => config.items(),
        Some(config) => Ok(vec![config]),
    }
}

/// How `op` pages: by its own `x-pagination` (a style, or `false` for not at all), else by the
/// first document style whose cursor parameter it has.
fn operation_paging(
    node: &Node<'_>,
    styles: &[Node<'_>],
    op: &Operation,
    types: &[TypeDef],
) -> Result<Option<Paging>> {
    match node.get("x-pagination") {
        Some(own) if own.value.as_bool() == Some(false) => Ok(None),
        Some(own) => match paging(&own, op, types)? {
            Some(paging) => Ok(Some(paging)),
            None => Err(own.error(format!(
                "operation `{}` has no `{}` parameter to page with",
                op.id,
                own.str("cursor-param")?.unwrap_or_default()
            ))),
        },
        None => {
            for style in styles {
                let found = paging(style, op, types).map_err(|mut e| {
                    e.message.push_str(
                        " (an operation that takes this cursor but does not page this way needs its own `x-pagination`, or `x-pagination: false`)",
                    );
                    e
                })?;
                if found.is_some() {
                    return Ok(found);
                }
            }
            Ok(None)
        }
    }
}

/// How `op` pages under one `x-pagination` style: only operations with the cursor parameter do,
/// and their response must have the fields the configuration names.
fn paging(config: &Node<'_>, op: &Operation, types: &[TypeDef]) -> Result<Option<Paging>> {
    let field = |key: &str| -> Result<Option<String>> { Ok(config.str(key)?.map(str::to_string)) };
    let cursor_wire =
        field("cursor-param")?.ok_or_else(|| config.error("missing `cursor-param`"))?;
    let Some(cursor) = op.params.iter().find(|p| p.wire_name == cursor_wire) else {
        return Ok(None);
    };
    let at = |message: String| crate::error::Error::at(config.file(), &op.pointer, message);
    if cursor.required || cursor.ty.non_null() != &Type::String {
        return Err(at(format!(
            "`x-pagination` cursor parameter `{cursor_wire}` must be an optional string"
        )));
    }
    let response = match &op.response {
        Some(Type::Named(name)) => types.iter().find(|t| &t.name == name),
        _ => None,
    };
    let Some(TypeDef {
        name: type_name,
        kind: TypeKind::Struct(page),
        ..
    }) = response
    else {
        return Err(at(
            "a paged operation (see `x-pagination`) must answer with an object".into(),
        ));
    };
    let find = |key: &str, required: bool| -> Result<Option<&Field>> {
        let Some(wire) = field(key)? else {
            return if required {
                Err(config.error(format!("missing `{key}`")))
            } else {
                Ok(None)
            };
        };
        match page.fields.iter().find(|f| f.wire_name == wire) {
            Some(f) => Ok(Some(f)),
            None => Err(at(format!(
                "`x-pagination` names `{wire}` as `{key}`, but `{type_name}` has no such property"
            ))),
        }
    };
    let next = find("next-cursor", true)?.expect("required");
    if next.ty.non_null() != &Type::String {
        return Err(at(format!(
            "`{}` (the next cursor) must be a string",
            next.wire_name
        )));
    }
    let items = find("items", true)?.expect("required");
    let Type::Array(item) = items.ty.non_null() else {
        return Err(at(format!(
            "`{}` (the items) must be an array",
            items.wire_name
        )));
    };
    let has_more = find("has-more", false)?;
    if let Some(h) = has_more {
        if h.ty.non_null() != &Type::Boolean {
            return Err(at(format!(
                "`{}` (has more) must be a boolean",
                h.wire_name
            )));
        }
    }
    let items_name = field("items-name")?.unwrap_or_else(|| items.wire_name.clone());
    let items_suffix = naming::field_name(&items_name).ok_or_else(|| {
        config.error(format!(
            "`items-name: {items_name}` has no letters or digits"
        ))
    })?;
    Ok(Some(Paging {
        cursor_param: cursor.rust_name.clone(),
        items_method: format!("{}_{}", op.method_name, naming::unraw(&items_suffix)),
        pages_method: format!("{}_pages", op.method_name),
        page: PageShape {
            type_name: type_name.clone(),
            items: page_field(items),
            item: item.as_ref().clone(),
            next_cursor: page_field(next),
            has_more: has_more.map(page_field),
        },
    }))
}

fn page_field(field: &Field) -> PageField {
    PageField {
        rust_name: field.rust_name.clone(),
        optional: field.is_option(),
    }
}

/// Splits `path` at its `{placeholders}` and ties each to the path parameter of that name: a
/// placeholder with no parameter, a path parameter with no placeholder, or one used twice is an
/// error, so the generated code can never send a template with a hole in it.
fn path_template(node: &Node<'_>, path: &str, params: &[Param]) -> Result<PathTemplate> {
    let mut parts = Vec::new();
    let mut used = vec![false; params.len()];
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err(node.error(format!("path `{path}` has a `{{` with no closing `}}`")));
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        let found = params
            .iter()
            .position(|p| p.location == Location::Path && p.wire_name == name);
        let Some(index) = found else {
            return Err(node.error(format!(
                "path `{path}` has the placeholder `{{{name}}}`, but the operation has no path parameter `{name}` (add one with `in: path`, `required: true`)"
            )));
        };
        if std::mem::replace(&mut used[index], true) {
            return Err(node.error(format!(
                "path `{path}` has the placeholder `{{{name}}}` twice"
            )));
        }
        parts.push(PathPart::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    if let Some(unused) = params
        .iter()
        .zip(&used)
        .find(|(p, used)| p.location == Location::Path && !**used)
    {
        return Err(node.error(format!(
            "path parameter `{}` has no placeholder `{{{}}}` in the path `{path}`",
            unused.0.wire_name, unused.0.wire_name
        )));
    }
    Ok(PathTemplate {
        template: path.to_string(),
        parts,
    })
}

struct Builder<'a> {
    doc: &'a Document,
    /// Named types by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Rust name of the named type built from each schema pointer.
    by_pointer: HashMap<String, String>,
    /// Pointers of aliases being written out, to find alias cycles.
    inlining: Vec<String>,
    /// Names given with `x-type-name`, with the pointer of the first schema that asked for each.
    explicit_names: HashMap<String, String>,
    /// Every Rust type name in the crate, with the place that claimed it.
    scope: Scope,
}

/// What a schema is, once `null` alternatives are set aside.
enum Shape<'a> {
    Ref(&'a str),
    Struct,
    Enum(Vec<Node<'a>>),
    OpenEnum(Node<'a>),
    Union,
    Single(Node<'a>),
    Primitive(Type),
    Array(Node<'a>),
    Map(Node<'a>),
}

impl<'a> Builder<'a> {
    // ---------------------------------------------------------------- operations

    fn operation(&mut self, site: &validate::OperationSite<'a>) -> Result<Operation> {
        let node = &site.node;
        // `x-method-name` renames an operation whose operationId reads badly in Rust; its
        // parameter struct and inline types follow the new name.
        let rust_source = match node.str("x-method-name")? {
            Some(name) => {
                let at = node.get("x-method-name").expect("present");
                if naming::field_name(name).as_deref() != Some(name) {
                    return Err(at.error(format!(
                        "`x-method-name: {name}` must be a snake_case Rust name (like `get_spend_limit`)"
                    )));
                }
                name.to_string()
            }
            None => site.id.clone(),
        };
        let prefix = naming::type_name(&rust_source).ok_or_else(|| {
            node.error(format!(
                "operationId `{}` has no letters or digits",
                site.id
            ))
        })?;
        let method_name =
            naming::field_name(&rust_source).expect("same characters as the type name");
        let params_name = format!("{prefix}Params");
        self.claim(&params_name, &node.pointer)?;

        // Path-level parameters apply to every operation of the path, unless overridden.
        let mut raw_params: Vec<Node<'a>> = Vec::new();
        for holder in [&site.path_item, node] {
            if let Some(list) = holder.get("parameters") {
                for item in list.items()? {
                    raw_params.push(item);
                }
            }
        }
        let mut params: Vec<Param> = Vec::new();
        let mut sites: Vec<Node<'a>> = Vec::new();
        let mut scope = Scope::default();
        for raw in raw_params {
            let (param, schema) = self.param(&raw, &prefix)?;
            if let Some(i) = params.iter().position(|p| p.wire_name == param.wire_name) {
                params.remove(i);
                sites.remove(i);
            }
            params.push(param);
            sites.push(schema);
        }
        for method in crate::emit::params::METHODS {
            scope
                .claim(
                    &format!("method {method}"),
                    "a method of the parameter struct",
                )
                .expect("fresh scope");
        }
        for param in &params {
            for name in [
                format!("field {}", param.rust_name),
                format!("method {}", param.setter_name),
            ] {
                if let Err(first) = scope.claim(&name, &param.wire_name) {
                    return Err(node.error(format!(
                        "parameters `{first}` and `{}` both become the Rust name `{}`",
                        param.wire_name,
                        name.split_once(' ').map_or(name.as_str(), |(_, n)| n)
                    )));
                }
            }
        }
        for i in 0..params.len() {
            let bounds = self.extension_bounds(&sites[i], &params[i], &params)?;
            params[i].bounds.maximum_by = bounds.maximum_by;
            params[i].bounds.greater_than = bounds.greater_than;
        }

        let path = path_template(node, &site.path, &params)?;
        let (response, error) = self.responses(node, &prefix)?;
        Ok(Operation {
            id: site.id.clone(),
            method_name,
            params_name,
            http_method: site.method,
            path,
            pointer: node.pointer.clone(),
            summary: node.str("summary")?.map(str::to_string),
            description: node.str("description")?.map(str::to_string),
            params,
            response,
            error,
            paging: None,
            deprecated: deprecation(node)?,
        })
    }

    /// Reads one parameter; returns it with the node of its schema (for the `x-` bounds, which
    /// need all parameters of the operation).
    fn param(&mut self, raw: &Node<'a>, prefix: &str) -> Result<(Param, Node<'a>)> {
        let reference = resolve::reference(raw)?;
        let node = resolve::deref(self.doc, raw)?;
        let wire_name = node
            .str("name")?
            .ok_or_else(|| node.error("missing parameter `name`"))?
            .to_string();
        let location = node
            .str("in")?
            .ok_or_else(|| node.error("missing parameter `in`"))?;
        let location = match location {
            "query" => Location::Query,
            "path" => Location::Path,
            other => {
                return Err(node.get("in").unwrap_or(node.clone()).error(format!(
                    "parameter `{wire_name}` is in `{other}`, which this generator does not support (only `query` and `path`): leave the operation out of the spec"
                )))
            }
        };
        let default_style = match location {
            Location::Query => "form",
            Location::Path => "simple",
        };
        let style = node.str("style")?.unwrap_or(default_style);
        if style != default_style {
            return Err(node.get("style").unwrap_or(node.clone()).error(format!(
                "{} parameter style `{style}` is not supported (only `{default_style}`, the default)",
                location.as_str()
            )));
        }
        let explode = node.bool("explode")?.unwrap_or(location == Location::Query);
        let required = node.bool("required")?.unwrap_or(false);
        if location == Location::Path && !required {
            return Err(node.error(format!(
                "path parameter `{wire_name}` must be `required: true` (OpenAPI requires it: a path cannot leave a segment out)"
            )));
        }
        let schema = node.get("schema").ok_or_else(|| {
            node.error(
                "missing parameter `schema` (parameters described by `content` are not supported)",
            )
        })?;
        let rust_name = naming::field_name(&wire_name).ok_or_else(|| {
            node.error(format!(
                "parameter name `{wire_name}` has no letters or digits"
            ))
        })?;
        // A shared parameter's inline types are named after the shared parameter, not after the
        // first operation that happens to use it.
        let hint = match reference.and_then(|r| r.strip_prefix(PARAMETER_PREFIX)) {
            Some(key) => naming::type_name(key)
                .unwrap_or_else(|| format!("{prefix}{}", wire_name.to_upper_camel_case())),
            None => format!(
                "{prefix}{}",
                naming::type_name(&wire_name).unwrap_or_default()
            ),
        };
        let ty = self.ty(&schema, &hint)?;
        let item = match ty.non_null() {
            Type::Array(item) => item.as_ref().clone(),
            other => other.clone(),
        };
        let queryable = matches!(
            item,
            Type::Integer | Type::Number | Type::Boolean | Type::String
        ) || matches!(&item, Type::Named(n) if matches!(self.types.get(n).map(|t| &t.kind), Some(TypeKind::Enum(_))));
        if !queryable {
            return Err(schema.error(
                "this parameter's type cannot be sent in a query string (only strings, numbers, booleans, enums and arrays of them)",
            ));
        }
        if location == Location::Path && !matches!(ty, Type::String | Type::Integer) {
            return Err(schema.error(format!(
                "path parameter `{wire_name}` must be a string or an integer (one path segment), not nullable"
            )));
        }
        let core = resolve::deref(self.doc, &schema)?;
        let mut doc = self.doc_of(&node, &core)?;
        if doc.allowed.is_empty() {
            doc.allowed = self.allowed_values(&item);
        }
        let bounds = self.numeric_bounds(&core, ty.non_null())?;
        let setter_name = if crate::emit::params::METHODS.contains(&naming::unraw(&rust_name)) {
            format!("{}_param", naming::unraw(&rust_name))
        } else {
            rust_name.clone()
        };
        let param = Param {
            deprecated: deprecation(&node)?,
            wire_name,
            setter_name,
            rust_name,
            location,
            explode,
            required,
            ty,
            doc,
            bounds,
        };
        Ok((param, core))
    }

    /// `minimum` and `maximum` of a number or integer parameter (as integers for an integer);
    /// other types have no bounds to check.
    fn numeric_bounds(&self, schema: &Node<'a>, ty: &Type) -> Result<Bounds> {
        let mut bounds = Bounds::default();
        match ty {
            Type::Integer | Type::Number => {}
            Type::Array(_) => {
                bounds.min_items = count(schema, "minItems")?;
                bounds.max_items = count(schema, "maxItems")?;
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
        let whole = |key: &str, text: String| -> Result<String> {
            if *ty == Type::Integer && text.parse::<i64>().is_err() {
                return Err(schema.get(key).unwrap_or(schema.clone()).error(format!(
                    "`{key}: {text}` of an integer must be a whole number"
                )));
            }
            Ok(text)
        };
        for (key, slot) in [
            ("minimum", &mut bounds.minimum),
            ("maximum", &mut bounds.maximum),
        ] {
            if let Some(text) = schema.number_text(key)? {
                *slot = Some(whole(key, text)?);
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
                    let text = schema.number_text(key)?.expect("present");
                    *slot = Some(whole(key, text)?);
                }
            }
        }
        Ok(bounds)
    }

    /// `x-maximum-by` and `x-greater-than`, which name other parameters of the operation.
    fn extension_bounds(
        &self,
        schema: &Node<'a>,
        this: &Param,
        params: &[Param],
    ) -> Result<Bounds> {
        for key in ["x-greater-than", "x-maximum-by"] {
            if let Some(node) = schema.get(key) {
                if this.ty.non_null() != &Type::Integer {
                    return Err(node.error(format!("`{key}` applies to integer parameters only")));
                }
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
            let reference = ParamRef {
                index,
                wire_name: name.to_string(),
            };
            Ok::<_, crate::error::Error>((reference, &params[index]))
        };
        let mut bounds = Bounds::default();
        if let Some(node) = schema.get("x-greater-than") {
            let (reference, other) = find(&node, node.as_str()?)?;
            if other.ty.non_null() != &Type::Integer {
                return Err(
                    node.error(format!("parameter `{}` is not an integer", other.wire_name))
                );
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
                    Value::Number(n) if n.as_i64().is_some() => n.to_string(),
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

    fn responses(&mut self, op: &Node<'a>, prefix: &str) -> Result<(Option<Type>, Option<Type>)> {
        let Some(responses) = op.get("responses") else {
            return Ok((None, None));
        };
        let mut success = None;
        let mut error = None;
        for (code, response) in responses.entries()? {
            let is_success = code.starts_with('2');
            let is_error = code == "default" || code.starts_with('4') || code.starts_with('5');
            if (is_success && success.is_some())
                || (is_error && error.is_some())
                || !(is_success || is_error)
            {
                continue;
            }
            let response = resolve::deref(self.doc, &response)?;
            let Some(content) = response.get("content") else {
                continue;
            };
            let json = content
                .entries()?
                .into_iter()
                .find(|(media, _)| media == "application/json" || media.ends_with("+json"));
            let Some((_, media)) = json else {
                if is_success {
                    let types: Vec<String> =
                        content.entries()?.into_iter().map(|(m, _)| m).collect();
                    return Err(content.error(format!(
                        "the {code} response is `{}`, which this generator does not support (only JSON): leave the operation out of the spec",
                        types.join("`, `")
                    )));
                }
                continue;
            };
            let Some(schema) = media.get("schema") else {
                continue;
            };
            if is_success {
                success = Some(self.ty(&schema, &format!("{prefix}Response"))?);
            } else {
                error = Some(self.ty(&schema, &format!("{prefix}Error"))?);
            }
        }
        Ok((success, error))
    }

    // ---------------------------------------------------------------- schemas

    /// The type of the schema at `node`; inline named types are called `hint`.
    fn ty(&mut self, node: &Node<'a>, hint: &str) -> Result<Type> {
        let nullable = self.is_nullable(node)?;
        let core = self.core(node, hint)?;
        Ok(match (nullable, core) {
            (true, Type::Nullable(inner)) | (false, Type::Nullable(inner)) => Type::Nullable(inner),
            (true, core) => Type::Nullable(Box::new(core)),
            (false, core) => core,
        })
    }

    /// Whether the schema itself admits `null` (any of the three ways of saying so).
    fn is_nullable(&self, node: &Node<'a>) -> Result<bool> {
        if node.bool("nullable")? == Some(true) {
            return Ok(true);
        }
        if let Some(Value::Sequence(types)) = node.get("type").map(|t| t.value) {
            if types.iter().any(|t| t.as_str() == Some("null")) {
                return Ok(true);
            }
        }
        if let Some(Value::Sequence(values)) = node.get("enum").map(|e| e.value) {
            if values.iter().any(Value::is_null) {
                return Ok(true);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(members) = node.get(key) {
                for member in members.items()? {
                    if is_null_schema(&member) {
                        return Ok(true);
                    }
                }
            }
        }
        Ok(false)
    }

    /// The type of the schema with its `null` alternatives set aside.
    fn core(&mut self, node: &Node<'a>, hint: &str) -> Result<Type> {
        match self.shape(node)? {
            Shape::Ref(target) => self.reference(node, target, hint),
            Shape::Primitive(ty) => Ok(ty),
            Shape::Array(items) => Ok(Type::Array(Box::new(self.ty(&items, hint)?))),
            Shape::Map(values) => Ok(Type::Map(Box::new(
                self.ty(&values, &format!("{hint}Value"))?,
            ))),
            Shape::Single(member) => self.ty(&member, hint),
            Shape::Struct | Shape::Enum(_) | Shape::OpenEnum(_) | Shape::Union => {
                let name = self.named(node, hint)?;
                Ok(Type::Named(name))
            }
        }
    }

    fn reference(&mut self, node: &Node<'a>, target: &str, hint: &str) -> Result<Type> {
        let target_node = resolve::lookup(self.doc, node, target)?;
        let component = target
            .strip_prefix(SCHEMA_PREFIX)
            .filter(|rest| !rest.contains('/'));
        let named = matches!(
            self.shape(&target_node)?,
            Shape::Struct | Shape::Enum(_) | Shape::OpenEnum(_) | Shape::Union
        );
        if let (Some(key), true) = (component, named) {
            let name = match naming::type_name(key) {
                Some(name) => name,
                None => {
                    return Err(
                        target_node.error(format!("schema name `{key}` has no letters or digits"))
                    )
                }
            };
            let name = self.named(&target_node, &name)?;
            let ty = Type::Named(name);
            return Ok(if self.is_nullable(&target_node)? {
                Type::Nullable(Box::new(ty))
            } else {
                ty
            });
        }
        if self.inlining.iter().any(|p| p == target) {
            let mut chain = self.inlining.clone();
            chain.push(target.to_string());
            return Err(node.error(format!("`$ref` cycle: {}", chain.join(" -> "))));
        }
        self.inlining.push(target.to_string());
        let result = self.ty(&target_node, hint);
        self.inlining.pop();
        result
    }

    /// Classifies a schema (ignoring how it says `null`).
    fn shape(&self, node: &Node<'a>) -> Result<Shape<'a>> {
        if let Some(target) = resolve::reference(node)? {
            return Ok(Shape::Ref(target));
        }
        for keyword in UNSUPPORTED_KEYWORDS {
            if let Some(at) = node.get(keyword) {
                return Err(at.error(format!(
                    "the schema keyword `{keyword}` is not supported by this generator"
                )));
            }
        }
        match node.value {
            Value::Mapping(_) => {}
            Value::Bool(true) => return Ok(Shape::Primitive(Type::Any)),
            other => {
                return Err(node.error(format!(
                    "expected a schema (a mapping), found {}",
                    kind(other)
                )))
            }
        }
        if node.has("discriminator") {
            return Ok(Shape::Union);
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(list) = node.get(key) {
                let members: Vec<Node<'a>> = list
                    .items()?
                    .into_iter()
                    .filter(|m| !is_null_schema(m))
                    .collect();
                return match members.as_slice() {
                    [] => Ok(Shape::Primitive(Type::Any)),
                    [one] => Ok(Shape::Single(one.clone())),
                    [a, b] if is_plain_string(a) && is_string_enum(b) => Ok(Shape::OpenEnum(b.clone())),
                    [a, b] if is_string_enum(a) && is_plain_string(b) => Ok(Shape::OpenEnum(a.clone())),
                    _ if self.implicit_discriminator(&members)?.is_some() => Ok(Shape::Union),
                    _ => Err(list.error(format!(
                        "`{key}` of several schemas without a `discriminator` is not supported: add `discriminator: {{propertyName: ...}}` so the alternatives can be told apart"
                    ))),
                };
            }
        }
        if let Some(list) = node.get("allOf") {
            return match list.items()?.as_slice() {
                [one] => Ok(Shape::Single(one.clone())),
                _ => Err(list.error("`allOf` of more than one schema is not supported")),
            };
        }
        if let Some(values) = node.get("enum") {
            let values: Vec<Node<'a>> = values
                .items()?
                .into_iter()
                .filter(|v| !v.value.is_null())
                .collect();
            return Ok(Shape::Enum(values));
        }
        if let Some(value) = node.get("const") {
            return Ok(Shape::Enum(vec![value]));
        }
        let ty =
            match node.get("type") {
                None => None,
                Some(t) => match t.value {
                    Value::String(s) => Some(s.as_str()),
                    Value::Sequence(list) => {
                        let non_null: Vec<&str> = list
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|s| *s != "null")
                            .collect();
                        match non_null.as_slice() {
                            [] => Some("null"),
                            [one] => Some(*one),
                            _ => return Err(t.error(
                                "a `type` list with more than one non-null type is not supported",
                            )),
                        }
                    }
                    other => {
                        return Err(t.error(format!("expected a type name, found {}", kind(other))))
                    }
                },
            };
        Ok(match ty {
            Some("integer") => Shape::Primitive(Type::Integer),
            Some("number") => Shape::Primitive(Type::Number),
            Some("boolean") => Shape::Primitive(Type::Boolean),
            Some("string") => Shape::Primitive(Type::String),
            Some("null") => Shape::Primitive(Type::Nullable(Box::new(Type::Any))),
            Some("array") => Shape::Array(
                node.get("items")
                    .ok_or_else(|| node.error("an array schema needs `items`"))?,
            ),
            Some("object") | None if node.has("properties") => Shape::Struct,
            Some("object") | None => match node.get("additionalProperties") {
                Some(values) if matches!(values.value, Value::Mapping(_)) => Shape::Map(values),
                _ => Shape::Primitive(Type::Any),
            },
            Some(other) => {
                return Err(node
                    .get("type")
                    .unwrap_or(node.clone())
                    .error(format!("unsupported type `{other}`: expected one of integer, number, boolean, string, array, object, null")))
            }
        })
    }

    /// The Rust name of the named type at `node`, building it the first time it is reached.
    fn named(&mut self, node: &Node<'a>, name: &str) -> Result<String> {
        if let Some(existing) = self.by_pointer.get(&node.pointer) {
            // Also while it is being built: recursion through a list is fine; `check_finite`
            // refuses recursion that would give the type no finite size.
            return Ok(existing.clone());
        }
        let name = match node.get("x-type-name") {
            Some(given) => {
                let text = given.as_str()?;
                let name = naming::type_name(text)
                    .filter(|n| n == text)
                    .ok_or_else(|| {
                        given.error(format!(
                            "`x-type-name: {text}` is not an UpperCamelCase Rust type name"
                        ))
                    })?;
                if naming::RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                    return Err(given.error(format!("`x-type-name: {name}` is a name the generated crate defines itself; choose another")));
                }
                // Identical schemas that ask for the same name (one enum repeated inline in
                // several operations) become one type.
                if let Some(first) = self.explicit_names.get(&name) {
                    let same = self
                        .doc
                        .lookup(first)
                        .is_some_and(|n| n.value == node.value);
                    if !same {
                        return Err(given.error(format!("`x-type-name: {name}` is also given to the different schema at {first}; schemas that share a name must be identical")));
                    }
                    self.by_pointer.insert(node.pointer.clone(), name.clone());
                    return Ok(name);
                }
                self.explicit_names
                    .insert(name.clone(), node.pointer.clone());
                name
            }
            None => {
                let mut name = name.to_string();
                if naming::RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                    name.push_str("Schema");
                }
                name
            }
        };
        self.claim(&name, &node.pointer)?;
        self.by_pointer.insert(node.pointer.clone(), name.clone());
        let def = self.type_def(node, &name);
        let def = def?;
        self.types.insert(name.clone(), def);
        Ok(name)
    }

    fn claim(&mut self, name: &str, pointer: &str) -> Result<()> {
        self.scope.claim(name, pointer).map_err(|first| {
            crate::error::Error::at(
                &self.doc.file,
                pointer,
                format!(
                    "the Rust type name `{name}` is also the name of {first}; rename one of them"
                ),
            )
        })
    }

    fn type_def(&mut self, node: &Node<'a>, name: &str) -> Result<TypeDef> {
        let kind = match self.shape(node)? {
            Shape::Struct => TypeKind::Struct(self.structure(node, name)?),
            Shape::Enum(values) => TypeKind::Enum(self.enumeration(node, &values, false)?),
            Shape::OpenEnum(member) => {
                let values = member.get("enum").expect("checked by shape").items()?;
                let mut e = self.enumeration(&member, &values, true)?;
                // The default may sit on the `anyOf` itself rather than on its enum member.
                if let (None, Some(default)) = (&e.default, node.get("default")) {
                    let text = default.scalar().unwrap_or_default();
                    let variant = e.variants.iter().find(|v| v.wire == text).ok_or_else(|| {
                        default.error(format!("default `{text}` is not one of the listed values"))
                    })?;
                    e.default = Some(variant.rust_name.clone());
                }
                TypeKind::Enum(e)
            }
            Shape::Union => TypeKind::Union(self.union(node)?),
            _ => unreachable!("named() is only called for named shapes"),
        };
        let mut doc = self.doc_of(node, node)?;
        if let TypeKind::Enum(e) = &kind {
            doc.allowed = e.variants.iter().map(|v| v.wire.clone()).collect();
        }
        Ok(TypeDef {
            name: name.to_string(),
            pointer: node.pointer.clone(),
            doc,
            kind,
        })
    }

    fn structure(&mut self, node: &Node<'a>, name: &str) -> Result<Struct> {
        let properties = node.get("properties").expect("checked by shape");
        let required: Vec<(String, Node<'a>)> = match node.get("required") {
            Some(list) => list
                .items()?
                .into_iter()
                .map(|n| Ok((n.as_str()?.to_string(), n)))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let entries = properties.entries()?;
        for (wire, at) in &required {
            if !entries.iter().any(|(k, _)| k == wire) {
                let known: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
                return Err(at.error(format!(
                    "`{wire}` is listed in `required` but is not a property of this object (its properties: {})",
                    known.join(", ")
                )));
            }
        }
        let mut fields = Vec::new();
        let mut constants = Vec::new();
        let mut scope = Scope::default();
        for (index, (wire, prop)) in entries.into_iter().enumerate() {
            if let Some(value) = single_value(&prop)? {
                constants.push(Constant {
                    wire_name: wire,
                    value,
                });
                continue;
            }
            let rust_name = naming::field_name(&wire).unwrap_or_else(|| format!("field_{index}"));
            if let Err(first) = scope.claim(&rust_name, &wire) {
                return Err(prop.error(format!(
                    "properties `{first}` and `{wire}` both become the Rust field `{rust_name}`; rename one of them"
                )));
            }
            let hint = format!(
                "{name}{}",
                naming::type_name(&wire).unwrap_or_else(|| format!("Field{index}"))
            );
            let ty = self.ty(&prop, &hint)?;
            let target = resolve::deref(self.doc, &prop)?;
            let mut doc = self.doc_of(&prop, &target)?;
            doc.allowed = self.allowed_values(ty.non_null());
            fields.push(Field {
                required: required.iter().any(|(r, _)| *r == wire),
                wire_name: wire,
                rust_name,
                ty,
                doc,
            });
        }
        Ok(Struct { fields, constants })
    }

    fn enumeration(&self, node: &Node<'a>, values: &[Node<'a>], open: bool) -> Result<Enum> {
        let names = VariantNames::read(node, values.len(), "values")?;
        let mut variants = Vec::new();
        let mut scope = Scope::default();
        for (index, value) in values.iter().enumerate() {
            let wire = match value.value {
                Value::String(s) => s.clone(),
                other => {
                    return Err(value.error(format!(
                        "enum values must be strings, found {}; integer and boolean enums are not supported",
                        kind(other)
                    )))
                }
            };
            let rust_name = match names.get(index, &wire)? {
                Some(given) => given,
                None => naming::type_name(&wire).unwrap_or_else(|| format!("Value{index}")),
            };
            if let Err(first) = scope.claim(&rust_name, &wire) {
                return Err(value.error(format!(
                    "enum values `{first}` and `{wire}` both become the Rust variant `{rust_name}`; name them with `x-enum-varnames`"
                )));
            }
            variants.push(Variant { wire, rust_name });
        }
        let other_name = ["Other", "Unlisted", "UnlistedValue"]
            .into_iter()
            .find(|n| !scope.contains(n))
            .unwrap_or("UnlistedValue")
            .to_string();
        let default = match node.get("default") {
            None => None,
            Some(d) => {
                let text = d.scalar().unwrap_or_default();
                match variants.iter().find(|v| v.wire == text) {
                    Some(v) => Some(v.rust_name.clone()),
                    None if values.is_empty() => None,
                    None => {
                        return Err(
                            d.error(format!("default `{text}` is not one of the allowed values"))
                        )
                    }
                }
            }
        };
        Ok(Enum {
            variants,
            open,
            requests_listed_only: false,
            other_name,
            default,
        })
    }

    /// A property that every member declares with one constant value, different in each: it
    /// tells the members apart even when the spec gives no `discriminator`.
    fn implicit_discriminator(&self, members: &[Node<'a>]) -> Result<Option<String>> {
        let mut constants: Vec<Vec<(String, String)>> = Vec::new();
        for member in members {
            let member = resolve::deref(self.doc, member)?;
            let mut found = Vec::new();
            if let Some(properties) = member.get("properties") {
                for (name, prop) in properties.entries()? {
                    if let Some(value) = single_value(&prop)? {
                        found.push((name, value));
                    }
                }
            }
            constants.push(found);
        }
        let Some(first) = constants.first() else {
            return Ok(None);
        };
        for (name, _) in first {
            let values: Option<Vec<&String>> = constants
                .iter()
                .map(|c| c.iter().find(|(n, _)| n == name).map(|(_, v)| v))
                .collect();
            if let Some(mut values) = values {
                let count = values.len();
                values.sort();
                values.dedup();
                if values.len() == count {
                    return Ok(Some(name.clone()));
                }
            }
        }
        Ok(None)
    }

    fn union(&mut self, node: &Node<'a>) -> Result<Union> {
        let list = node
            .get("oneOf")
            .or_else(|| node.get("anyOf"))
            .ok_or_else(|| {
                node.error("a `discriminator` needs a `oneOf` (or `anyOf`) next to it")
            })?;
        let members: Vec<Node<'a>> = list
            .items()?
            .into_iter()
            .filter(|m| !is_null_schema(m))
            .collect();
        let (discriminator, property) = match node.get("discriminator") {
            Some(d) => {
                let property = d
                    .str("propertyName")?
                    .ok_or_else(|| d.error("missing `propertyName`"))?
                    .to_string();
                (d, property)
            }
            // No `discriminator`: the shape stage found a constant property that tells them apart.
            None => {
                let property = self
                    .implicit_discriminator(&members)?
                    .ok_or_else(|| list.error("no property tells these alternatives apart"))?;
                (list.clone(), property)
            }
        };
        let mapping: Vec<(String, String)> = match discriminator.get("mapping") {
            Some(m) => m
                .entries()?
                .into_iter()
                .map(|(tag, target)| Ok((tag, target.as_str()?.to_string())))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let names = VariantNames::read(node, members.len(), "alternatives")?;
        let mut variants = Vec::new();
        let mut names_scope = Scope::default();
        let mut tags_scope = Scope::default();
        for (index, member) in members.iter().enumerate() {
            let Some(target) = resolve::reference(member)? else {
                return Err(member.error("each alternative of a discriminated union must be a `$ref` to an object schema"));
            };
            let key = target.rsplit('/').next().unwrap_or(target);
            let type_name = match self.core(member, &naming::type_name(key).unwrap_or_default())? {
                Type::Named(name) => name,
                _ => {
                    return Err(member.error(
                        "each alternative of a discriminated union must be an object schema",
                    ))
                }
            };
            let Some(TypeKind::Struct(structure)) = self.types.get(&type_name).map(|t| &t.kind)
            else {
                return Err(member.error(format!("`{type_name}` is not an object schema, so it cannot be an alternative of a discriminated union")));
            };
            let constant = structure
                .constants
                .iter()
                .find(|c| c.wire_name == property)
                .map(|c| c.value.clone());
            let has_field = structure.fields.iter().any(|f| f.wire_name == property);
            if constant.is_none() && !has_field {
                return Err(member.error(format!(
                    "`{type_name}` has no property `{property}`, the discriminator"
                )));
            }
            let mapped = mapping
                .iter()
                .find(|(_, t)| t == target)
                .map(|(tag, _)| tag.clone());
            let tag = match (mapped, constant) {
                (Some(tag), Some(constant)) if tag != constant => {
                    return Err(discriminator.error(format!(
                        "the mapping sends `{tag}` to `{type_name}`, whose `{property}` can only be `{constant}`"
                    )))
                }
                (Some(tag), _) | (None, Some(tag)) => tag,
                (None, None) => key.to_string(),
            };
            let rust_name = match names.get(index, &tag)? {
                Some(given) => given,
                None => type_name.clone(),
            };
            if let Err(first) = names_scope.claim(&rust_name, target) {
                return Err(member.error(format!(
                    "alternatives {first} and {target} both become the variant `{rust_name}`"
                )));
            }
            if let Err(first) = tags_scope.claim(&tag, target) {
                return Err(member.error(format!(
                    "alternatives {first} and {target} both have the tag `{tag}`"
                )));
            }
            let description = self.types[&type_name].doc.description.clone();
            variants.push(UnionVariant {
                tag,
                rust_name,
                type_name,
                description,
            });
        }
        for (tag, target) in &mapping {
            if !variants.iter().any(|v| v.tag == *tag) {
                return Err(discriminator.error(format!("the mapping of `{tag}` points at {target}, which is not one of the alternatives")));
            }
        }
        let unknown_name = ["Unknown", "UnknownObject", "Unlisted"]
            .into_iter()
            .find(|n| !names_scope.contains(n))
            .unwrap_or("UnlistedObject")
            .to_string();
        Ok(Union {
            property,
            variants,
            unknown_name,
        })
    }

    // ---------------------------------------------------------------- docs

    /// The documentation of a use site (`node`) of a schema (`target`, the same node or what its
    /// `$ref` points at): the use site's own description wins.
    fn doc_of(&self, node: &Node<'a>, target: &Node<'a>) -> Result<Doc> {
        let mut description = None;
        for n in [node, target] {
            for key in ["description", "summary", "title"] {
                if description.is_none() {
                    description = n
                        .str(key)?
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty());
                }
            }
        }
        // A nullable anyOf often carries the description on its non-null member.
        if description.is_none() {
            if let Shape::Single(member) = self.shape(target)? {
                description = member.str("description")?.map(|s| s.trim().to_string());
            }
        }
        let schema_default = target
            .get("default")
            .or_else(|| node.get("schema").and_then(|s| s.get("default")));
        let default = match schema_default {
            Some(d) => d.scalar(),
            None => match resolve::deref(self.doc, target)?.get("default") {
                Some(d) => d.scalar(),
                None => None,
            },
        };
        Ok(Doc {
            description,
            default,
            allowed: Vec::new(),
        })
    }

    fn allowed_values(&self, ty: &Type) -> Vec<String> {
        match ty.non_null() {
            Type::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(e)) => e.variants.iter().map(|v| v.wire.clone()).collect(),
                _ => Vec::new(),
            },
            Type::Array(item) => self.allowed_values(item),
            _ => Vec::new(),
        }
    }
}

/// `{type: 'null'}` (with or without a description).
fn is_null_schema(node: &Node<'_>) -> bool {
    node.get("type")
        .is_some_and(|t| t.value.as_str() == Some("null"))
        && !node.has("$ref")
}

fn is_plain_string(node: &Node<'_>) -> bool {
    node.get("type")
        .is_some_and(|t| t.value.as_str() == Some("string"))
        && !node.has("enum")
}

fn is_string_enum(node: &Node<'_>) -> bool {
    node.has("enum") && !node.has("$ref")
}

/// The one string an inline property can hold (`enum` with one value, or `const`), if that is
/// what the property is.
fn single_value(prop: &Node<'_>) -> Result<Option<String>> {
    if prop.has("$ref") || prop.bool("nullable")? == Some(true) {
        return Ok(None);
    }
    if let Some(Value::String(s)) = prop.get("const").map(|c| c.value) {
        return Ok(Some(s.clone()));
    }
    if let Some(Value::Sequence(values)) = prop.get("enum").map(|e| e.value) {
        if let [Value::String(s)] = values.as_slice() {
            return Ok(Some(s.clone()));
        }
    }
    Ok(None)
}

/// `x-enum-varnames`: the Rust names of an enum's values or a union's alternatives, either as a
/// list (one name per entry, in order) or as a mapping from wire value (or discriminator value)
/// to name. A mapping may leave values out (they get the default name) and may name values the
/// schema does not have (ignored), so that one mapping can serve several enums and survives
/// values added upstream.
enum VariantNames<'a> {
    None,
    List(Vec<Node<'a>>),
    Map(Node<'a>),
}

impl<'a> VariantNames<'a> {
    fn read(node: &Node<'a>, count: usize, what: &str) -> Result<Self> {
        let Some(given) = node.get("x-enum-varnames") else {
            return Ok(VariantNames::None);
        };
        match given.value {
            Value::Mapping(_) => Ok(VariantNames::Map(given)),
            _ => {
                let items = given.items()?;
                if items.len() != count {
                    return Err(given.error(format!(
                        "`x-enum-varnames` has {} names for {count} {what}; give one per entry, or a mapping from value to name",
                        items.len(),
                    )));
                }
                Ok(VariantNames::List(items))
            }
        }
    }

    /// The given name of entry `index`, whose wire value is `wire`.
    fn get(&self, index: usize, wire: &str) -> Result<Option<String>> {
        let node = match self {
            VariantNames::None => return Ok(None),
            VariantNames::List(items) => items[index].clone(),
            VariantNames::Map(map) => match map.get(wire) {
                Some(node) => node,
                None => return Ok(None),
            },
        };
        let given = node.as_str()?;
        naming::type_name(given)
            .map(Some)
            .ok_or_else(|| node.error(format!("`{given}` is not usable as a Rust name")))
    }
}

/// A non-negative whole number under `key` (`minItems`, `maxLength`, ...), if present.
fn count(schema: &Node<'_>, key: &str) -> Result<Option<u64>> {
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

/// `deprecated: true` (and `x-sunset`) on an operation or parameter.
fn deprecation(node: &Node<'_>) -> Result<Option<Deprecation>> {
    if node.bool("deprecated")? != Some(true) {
        return Ok(None);
    }
    let note = node
        .str("description")?
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "deprecated by the API".to_string());
    let sunset = node.get("x-sunset").and_then(|s| s.scalar());
    Ok(Some(Deprecation { note, sunset }))
}
