//! Operations and their parameters: the security scheme, the path template, each parameter's
//! location, type and bounds, and the success and error responses.

use super::docs::deprecation;
use super::{Builder, PARAMETER_PREFIX};
use crate::error::Result;
use crate::ir::{
    Auth, AuthKind, Location, Operation, Param, ParamId, PathPart, PathTemplate, RequestBody, Type,
    TypeKind,
};
use crate::load::{Document, Node};
use crate::naming::Scope;
use crate::{naming, resolve, validate};
use heck::ToUpperCamelCase;

/// The security scheme the operations use: each operation's own `security`, or else the
/// document's. Every operation must use the same one scheme (or none), and it must be one the
/// client can send: `http` `bearer`, or `apiKey` in a header.
pub(super) fn auth(doc: &Document, sites: &[validate::OperationSite<'_>]) -> Result<Option<Auth>> {
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

/// Splits `path` at its `{placeholders}` and ties each to the path parameter of that name: a
/// placeholder with no parameter, a path parameter with no placeholder, or one used twice is an
/// error, so the generated code can never send a template with a hole in it.
pub(super) fn path_template(node: &Node<'_>, path: &str, params: &[Param]) -> Result<PathTemplate> {
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
        parts.push(PathPart::Param(ParamId(index)));
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

impl<'a> Builder<'a> {
    pub(super) fn operation(&mut self, site: &validate::OperationSite<'a>) -> Result<Operation> {
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
            None => {
                // Names keep ASCII letters and digits only; a letter of another script would be
                // dropped without a word (`usage-cоsts` with a Cyrillic `о` → `usage_c_sts`).
                if let Some(c) = site
                    .id
                    .chars()
                    .find(|c| c.is_alphanumeric() && !c.is_ascii())
                {
                    return Err(node.get("operationId").unwrap_or(node.clone()).error(format!(
                        "operationId `{}` holds `{c}` (U+{:04X}), which no Rust name can: give the operation its Rust name with `x-method-name`",
                        site.id.escape_debug(),
                        c as u32
                    )));
                }
                site.id.clone()
            }
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
        for method in crate::reserved::PARAMS_METHODS {
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
        let body = self.request_body(node, &prefix, &params)?;
        let idempotent = site.method.is_idempotent() || node.bool("x-idempotent")?.unwrap_or(false);
        let (response, error) = self.responses(node, &prefix)?;
        Ok(Operation {
            id: site.id.clone(),
            method_name,
            params_name,
            http_method: site.method,
            path,
            pointer: node.pointer.clone(),
            doc_example: node.bool("x-doc-example")?.unwrap_or(false),
            summary: node.str("summary")?.map(str::to_string),
            description: node.str("description")?.map(str::to_string),
            params,
            body,
            idempotent,
            response,
            error,
            paging: None,
            deprecated: deprecation(node)?,
        })
    }

    /// Reads one parameter; returns it with the node of its schema (for the `x-` bounds, which
    /// need all parameters of the operation).
    pub(super) fn param(&mut self, raw: &Node<'a>, prefix: &str) -> Result<(Param, Node<'a>)> {
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
            Type::Integer
                | Type::Timestamp
                | Type::Number
                | Type::Decimal
                | Type::Boolean
                | Type::String
        ) || matches!(&item, Type::Named(id) if matches!(self.def(*id).map(|t| &t.kind), Some(TypeKind::Enum(_))));
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
        let setter_name = if crate::reserved::PARAMS_METHODS.contains(&naming::unraw(&rust_name)) {
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

    /// The operation's `requestBody`: JSON only (another media type is refused where it is
    /// written), its schema typed like any other (an object becomes a struct named after the
    /// operation, `{Operation}Body`, unless it is a component or has `x-type-name`).
    pub(super) fn request_body(
        &mut self,
        op: &Node<'a>,
        prefix: &str,
        params: &[Param],
    ) -> Result<Option<RequestBody>> {
        let Some(raw) = op.get("requestBody") else {
            return Ok(None);
        };
        let node = resolve::deref(self.doc, &raw)?;
        let content = node
            .get("content")
            .ok_or_else(|| node.error("a request body needs `content`"))?;
        let entries = content.entries()?;
        let json = entries
            .iter()
            .find(|(media, _)| media == "application/json" || media.ends_with("+json"));
        let Some((_, media)) = json else {
            let types: Vec<&str> = entries.iter().map(|(m, _)| m.as_str()).collect();
            return Err(content.error(format!(
                "the request body is `{}`, which this generator does not support (only JSON): leave the operation out of the spec",
                types.join("`, `")
            )));
        };
        let schema = media
            .get("schema")
            .ok_or_else(|| media.error("a JSON request body needs a `schema`"))?;
        let ty = self.ty(&schema, &format!("{prefix}Body"))?;
        // The field is `body`, unless a parameter already is.
        let rust_name = if params.iter().any(|p| naming::unraw(&p.rust_name) == "body") {
            "request_body".to_string()
        } else {
            "body".to_string()
        };
        Ok(Some(RequestBody {
            required: node.bool("required")?.unwrap_or(false),
            ty,
            description: node.str("description")?.map(str::to_string),
            rust_name,
        }))
    }

    pub(super) fn responses(
        &mut self,
        op: &Node<'a>,
        prefix: &str,
    ) -> Result<(Option<Type>, Option<Type>)> {
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
}

#[cfg(test)]
mod tests {
    use crate::ir::{HttpMethod, Location, ParamId, PathPart, Type};
    use crate::testing::{at, doc, error, operation};

    fn with_path(path: &str, method: &str, params: &str) -> String {
        doc(
            &format!("  {path}:\n    {method}:\n      operationId: op\n      parameters: {params}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{type: object}}}}}}}}}}\n"),
            "",
        )
    }

    #[test]
    fn the_path_template_ties_each_placeholder_to_its_parameter() {
        let op = operation(&with_path(
            "/shelves/{shelf}/slots/{slot}",
            "delete",
            "[{name: slot, in: path, required: true, schema: {type: integer}}, {name: shelf, in: path, required: true, schema: {type: string}}]",
        ));
        assert_eq!(op.http_method, HttpMethod::Delete);
        assert_eq!(
            op.path.parts,
            vec![
                PathPart::Literal("/shelves/".into()),
                PathPart::Param(ParamId(1)),
                PathPart::Literal("/slots/".into()),
                PathPart::Param(ParamId(0)),
            ]
        );
        assert!(op
            .params
            .iter()
            .all(|p| p.location == Location::Path && p.required));
        assert_eq!(op.params[0].ty, Type::Integer);
    }

    #[test]
    fn an_operation_id_with_letters_no_rust_name_holds_needs_x_method_name() {
        // `usage-cоsts` with a Cyrillic `о`: dropped silently, it would be `usage_c_sts`.
        let spec = with_path("/costs", "get", "[]")
            .replace("operationId: op", "operationId: usage-c\u{43e}sts");
        let e = error(&spec);
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/paths/~1costs/get/operationId");
        assert!(message.contains("U+043E"), "{message}");
        assert!(message.contains("x-method-name"), "{message}");
        let named = spec.replace(
            "operationId: usage-c\u{43e}sts",
            "operationId: usage-c\u{43e}sts\n      x-method-name: usage_costs",
        );
        assert_eq!(operation(&named).method_name, "usage_costs");
    }

    #[test]
    fn a_placeholder_without_a_parameter_is_an_error_at_the_operation() {
        let e = error(&with_path("/things/{thing_id}", "get", "[]"));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/paths/~1things~1{thing_id}/get");
        assert!(message.contains("`{thing_id}`"), "{message}");
    }

    #[test]
    fn header_parameters_and_non_json_request_bodies_are_refused_where_they_are() {
        let e = error(&with_path(
            "/a",
            "get",
            "[{name: X-Trace, in: header, schema: {type: string}}]",
        ));
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/parameters/0/in"), "{pointer}");
        assert!(message.contains("header"), "{message}");
        let body = with_path("/a", "post", "[]").replace(
            "      responses:",
            "      requestBody: {content: {multipart/form-data: {schema: {type: object}}}}\n      responses:",
        );
        let e = error(&body);
        let (pointer, message) = at(&e);
        assert!(pointer.ends_with("/post/requestBody/content"), "{pointer}");
        assert!(
            message.contains("`multipart/form-data`") && message.contains("only JSON"),
            "{message}"
        );
    }

    #[test]
    fn a_json_request_body_is_a_named_struct_and_post_is_not_idempotent_unless_marked() {
        let spec = with_path("/alerts", "post", "[]").replace(
            "      responses:",
            "      requestBody: {required: true, description: The alert., content: {application/json: {schema: {type: object, required: [amount], properties: {amount: {type: integer, minimum: 1}, note: {type: string}}}}}}\n      responses:",
        );
        let api = crate::testing::api(&spec);
        let op = &api.operations[0];
        let body = op.body.as_ref().expect("a body");
        assert!(body.required);
        assert_eq!(body.rust_name, "body");
        assert_eq!(body.description.as_deref(), Some("The alert."));
        assert_eq!(body.ty, Type::Named(api.type_named("OpBody").unwrap()));
        assert!(!op.idempotent);
        let def = api
            .types
            .iter()
            .find(|t| t.name == "OpBody")
            .expect("the body type");
        let crate::ir::TypeKind::Struct(s) = &def.kind else {
            panic!("a struct")
        };
        assert!(s.request, "a body's struct is constructible");
        assert_eq!(
            s.fields[0].bounds.minimum,
            Some(crate::ir::Number::Integer(1))
        );
        let marked = operation(&spec.replace(
            "operationId: op",
            "operationId: op\n      x-idempotent: true",
        ));
        assert!(marked.idempotent);
        assert!(operation(&with_path("/a", "put", "[]")).idempotent);
        assert!(!operation(&with_path("/a", "delete", "[]")).idempotent);
    }

    #[test]
    fn a_setter_that_would_shadow_a_params_method_is_renamed() {
        let op = operation(&with_path(
            "/a",
            "get",
            "[{name: validate, in: query, schema: {type: boolean}}, {name: limit, in: query, schema: {type: integer}}]",
        ));
        assert_eq!(op.params[0].setter_name, "validate_param");
        assert_eq!(op.params[1].setter_name, "limit");
    }
}
