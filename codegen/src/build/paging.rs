//! How an operation pages: the document's `x-pagination` styles (or the operation's own), checked
//! against the operation's parameters and its response type.

use crate::error::Result;
use crate::ir::{Field, Operation, PageField, PageShape, Paging, ParamId, Type, TypeDef, TypeKind};
use crate::load::Node;
use crate::naming;
use serde_yaml::Value;

/// The paging styles of the document's `x-pagination`: one style, or a list of them. An
/// operation pages by the first style whose cursor parameter it has, unless it names its own.
pub(super) fn paging_styles<'a>(root: &Node<'a>) -> Result<Vec<Node<'a>>> {
    match root.get("x-pagination") {
        None => Ok(Vec::new()),
        Some(config) if matches!(config.value, Value::Sequence(_)) => config.items(),
        Some(config) => Ok(vec![config]),
    }
}

/// How `op` pages: by its own `x-pagination` (a style, or `false` for not at all), else by the
/// first document style whose cursor parameter it has.
pub(super) fn operation_paging(
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
pub(super) fn paging(
    config: &Node<'_>,
    op: &Operation,
    types: &[TypeDef],
) -> Result<Option<Paging>> {
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
        Some(Type::Named(id)) => Some((*id, &types[id.0])),
        _ => None,
    };
    let Some((
        page_id,
        TypeDef {
            name: type_name,
            kind: TypeKind::Struct(page),
            ..
        },
    )) = response
    else {
        return Err(at(
            "a paged operation (see `x-pagination`) must answer with an object".into(),
        ));
    };
    let find = |key: &str| -> Result<Option<&Field>> {
        let Some(wire) = field(key)? else {
            return Ok(None);
        };
        match page.fields.iter().find(|f| f.wire_name == wire) {
            Some(f) => Ok(Some(f)),
            None => Err(at(format!(
                "`x-pagination` names `{wire}` as `{key}`, but `{type_name}` has no such property"
            ))),
        }
    };
    let require = |key: &str| find(key)?.ok_or_else(|| config.error(format!("missing `{key}`")));
    let next = require("next-cursor")?;
    if next.ty.non_null() != &Type::String {
        return Err(at(format!(
            "`{}` (the next cursor) must be a string",
            next.wire_name
        )));
    }
    let items = require("items")?;
    let Type::Array(item) = items.ty.non_null() else {
        return Err(at(format!(
            "`{}` (the items) must be an array",
            items.wire_name
        )));
    };
    let has_more = find("has-more")?;
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
        cursor: ParamId(
            op.params
                .iter()
                .position(|p| p.wire_name == cursor_wire)
                .expect("just found"),
        ),
        items_method: format!("{}_{}", op.method_name, naming::unraw(&items_suffix)),
        pages_method: format!("{}_pages", op.method_name),
        page: PageShape {
            ty: page_id,
            items: page_field(items),
            item: item.as_ref().clone(),
            next_cursor: page_field(next),
            has_more: has_more.map(page_field),
        },
    }))
}

pub(super) fn page_field(field: &Field) -> PageField {
    PageField {
        rust_name: field.rust_name.clone(),
        optional: field.is_option(),
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::Type;
    use crate::testing::{api, at, doc, error};

    const STYLE: &str = "x-pagination: {cursor-param: after, next-cursor: last_id, has-more: has_more, items: data, items-name: things}\n";

    fn spec(params: &str, page: &str) -> String {
        let paths = format!("  /things:\n    get:\n      operationId: list-things\n      parameters: {params}\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Page'}}}}}}}}}}\n");
        let text = doc(&paths, &format!("    Page: {page}\n    Thing: {{type: object, properties: {{id: {{type: string}}}}}}"));
        text.replace("paths:\n", &format!("{STYLE}paths:\n"))
            .replace("  schemas: {}\n", "  schemas:\n")
    }

    const PAGE: &str = "{type: object, required: [data, has_more], properties: {data: {type: array, items: {$ref: '#/components/schemas/Thing'}}, last_id: {type: string}, has_more: {type: boolean}}}";

    #[test]
    fn an_operation_with_the_cursor_pages_by_the_style() {
        let api = api(&spec(
            "[{name: after, in: query, schema: {type: string}}]",
            PAGE,
        ));
        let paging = api.operations[0].paging.as_ref().expect("pages");
        assert_eq!(api.operations[0].param(paging.cursor).wire_name, "after");
        assert_eq!(paging.items_method, "list_things_things");
        assert_eq!(paging.pages_method, "list_things_pages");
        assert_eq!(api.ty(paging.page.ty).name, "Page");
        assert_eq!(
            paging.page.item,
            Type::Named(api.type_named("Thing").unwrap())
        );
        assert!(!paging.page.items.optional && paging.page.next_cursor.optional);
        assert!(paging.page.has_more.as_ref().is_some_and(|h| !h.optional));
    }

    #[test]
    fn an_operation_without_the_cursor_does_not_page() {
        let api = api(&spec(
            "[{name: limit, in: query, schema: {type: integer}}]",
            PAGE,
        ));
        assert!(api.operations[0].paging.is_none());
    }

    #[test]
    fn a_required_cursor_or_a_missing_page_field_is_an_error() {
        let required = spec(
            "[{name: after, in: query, required: true, schema: {type: string}}]",
            PAGE,
        );
        let e = error(&required);
        assert!(
            e.message.contains("must be an optional string"),
            "{}",
            e.message
        );
        let no_next = PAGE.replace("last_id: {type: string}, ", "");
        let e = error(&spec(
            "[{name: after, in: query, schema: {type: string}}]",
            &no_next,
        ));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/paths/~1things/get");
        assert!(
            message.starts_with(
                "`x-pagination` names `last_id` as `next-cursor`, but `Page` has no such property"
            ),
            "{message}"
        );
    }
}
