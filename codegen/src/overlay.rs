//! Overlays: a project's own changes to an imported description, in the format of the OpenAPI
//! Overlay Specification 1.0.0.
//!
//! ```yaml
//! overlay: 1.0.0
//! info: {title: ..., version: ...}
//! actions:
//!   - target: $.paths['/a'].get      # a JSONPath (RFC 9535)
//!     description: why               # required here: every change says why
//!     update: {x-pagination: ...}    # merged into each node the target selects
//!   - target: $.components.schemas.Old
//!     description: why
//!     remove: true                   # removes each node the target selects
//! ```
//!
//! `update` merges a mapping into each selected mapping (recursively: mapping into mapping,
//! anything else replaces), or appends to each selected list (a list update appends each of its
//! values). Actions apply in order, each to the
//! result of the ones before. An action whose target selects nothing is an error: an overlay must
//! not rot silently when the description it applies to changes.
//!
//! Two refinements of the specification's wording, so that an overlay survives the description
//! catching up with it: a node selected twice by one target is changed once, and a value is not
//! appended to a list that already holds it (an added enum value that upstream now lists stays
//! listed once). [`Overlay::apply`] reports the actions whose update was already wholly present
//! in what they selected ([`Applied::redundant`]): what the description now says itself, so the
//! action can go.

use std::path::{Path, PathBuf};

use serde_json_path::{JsonPath, PathElement};
use serde_yaml::{Mapping, Value};

use crate::error::{Error, Result};

/// A parsed overlay document.
#[derive(Clone, Debug)]
pub struct Overlay {
    /// The file it was read from, for errors.
    pub file: PathBuf,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The actions, in order.
    pub actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Clone, Debug)]
pub struct Action {
    /// Its position in `actions`.
    pub index: usize,
    /// The JSONPath expression, as written.
    pub target: String,
    /// Why the action is there.
    pub description: String,
    /// What it does to each selected node.
    pub change: ActionChange,
    path: JsonPath,
}

/// What an action does.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionChange {
    /// Merge into (or append to) each selected node.
    Update(Value),
    /// Remove each selected node from its parent.
    Remove,
}

impl Action {
    /// The JSON pointer of this action in its overlay file.
    pub fn pointer(&self) -> String {
        format!("#/actions/{}", self.index)
    }

    /// One line saying that the action is redundant and can be removed.
    pub fn redundancy_note(&self, file: &Path) -> String {
        format!(
            "{}: at {}: {} is redundant: the description already has what it adds; remove it",
            file.display(),
            self.pointer(),
            self.name()
        )
    }

    /// How errors name the action: its place and the start of its description.
    fn name(&self) -> String {
        let mut description: String = self.description.chars().take(60).collect();
        if description.len() < self.description.len() {
            description.push('…');
        }
        format!("action {} (\"{}\")", self.index, description.trim())
    }
}

impl Overlay {
    /// Parses overlay text; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Overlay> {
        let root = crate::load::parse_yaml(path, text)?;
        let at = |pointer: &str, message: String| Error::at(path, pointer, message);
        let Value::Mapping(map) = &root else {
            return Err(at(
                "#",
                "an overlay is a mapping (`overlay`, `info`, `actions`)".into(),
            ));
        };
        for key in map.keys() {
            let key = key.as_str().unwrap_or_default();
            if !matches!(key, "overlay" | "info" | "actions" | "extends") && !key.starts_with("x-")
            {
                return Err(at("#", format!("unknown key `{key}` in an overlay (expected `overlay`, `info`, `extends`, `actions`)")));
            }
        }
        let version = map.get("overlay").and_then(scalar).unwrap_or_default();
        if !version.starts_with("1.0.") {
            return Err(at(
                "#/overlay",
                format!("`overlay: {version}`: only Overlay Specification 1.0.x is read"),
            ));
        }
        let info = map.get("info");
        let title = info.and_then(|i| i.get("title")).and_then(scalar);
        let info_version = info.and_then(|i| i.get("version")).and_then(scalar);
        let (Some(title), Some(info_version)) = (title, info_version) else {
            return Err(at("#/info", "`info` needs `title` and `version`".into()));
        };
        let Some(Value::Sequence(list)) = map.get("actions") else {
            return Err(at("#/actions", "`actions` must be a list".into()));
        };
        let mut actions = Vec::new();
        for (index, item) in list.iter().enumerate() {
            let pointer = format!("#/actions/{index}");
            let Value::Mapping(action) = item else {
                return Err(at(&pointer, "an action is a mapping".into()));
            };
            for key in action.keys() {
                let key = key.as_str().unwrap_or_default();
                if !matches!(key, "target" | "description" | "update" | "remove")
                    && !key.starts_with("x-")
                {
                    return Err(at(&pointer, format!("unknown key `{key}` in an action (expected `target`, `description`, `update` or `remove`)")));
                }
            }
            let Some(target) = action.get("target").and_then(Value::as_str) else {
                return Err(at(&pointer, "missing `target` (a JSONPath)".into()));
            };
            let path = JsonPath::parse(target).map_err(|e| {
                at(
                    &format!("{pointer}/target"),
                    format!("`{target}` is not a JSONPath (RFC 9535): {e}"),
                )
            })?;
            let description = action
                .get("description")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .ok_or_else(|| at(&pointer, "missing `description`: say what wire fact or naming choice this action encodes".into()))?;
            let remove = match action.get("remove") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    return Err(at(
                        &format!("{pointer}/remove"),
                        "`remove` is true or false".into(),
                    ))
                }
            };
            let change = match (action.get("update"), remove) {
                (Some(_), true) => {
                    return Err(at(
                        &pointer,
                        "an action either updates or removes, not both".into(),
                    ))
                }
                (Some(update), false) => ActionChange::Update(update.clone()),
                (None, true) => ActionChange::Remove,
                (None, false) => {
                    return Err(at(
                        &pointer,
                        "an action needs `update` or `remove: true`".into(),
                    ))
                }
            };
            actions.push(Action {
                index,
                target: target.to_owned(),
                description: description.to_owned(),
                change,
                path,
            });
        }
        Ok(Overlay {
            file: path.to_path_buf(),
            title,
            version: info_version,
            actions,
        })
    }

    /// Applies every action, in order, to `document`.
    pub fn apply(&self, document: &mut Value) -> Result<Applied> {
        self.apply_except(document, None)
    }

    /// Applies every action but the one at `skip` (to learn what that one action changes).
    pub fn apply_except(&self, document: &mut Value, skip: Option<usize>) -> Result<Applied> {
        self.apply_with_view(document, skip)
            .map(|(applied, _)| applied)
    }

    /// [`Overlay::apply_except`], also returning the JSON view the targets were queried on.
    ///
    /// The view is made once and each action brings the nodes it changed up to date in it: made
    /// anew for every action, converting a 3 MB description took most of an import's time.
    fn apply_with_view(
        &self,
        document: &mut Value,
        skip: Option<usize>,
    ) -> Result<(Applied, serde_json::Value)> {
        let mut view = to_json(document);
        let mut applied = Applied::default();
        for action in &self.actions {
            if Some(action.index) != skip && self.apply_action(action, document, &mut view)? {
                applied.redundant.push(action.clone());
            }
        }
        Ok((applied, view))
    }

    /// Applies one action to `document` and to its JSON `view`; `true` when it changed nothing
    /// because every node it selects already held its update.
    fn apply_action(
        &self,
        action: &Action,
        document: &mut Value,
        view: &mut serde_json::Value,
    ) -> Result<bool> {
        let error = |message: String| Error::at(&self.file, &action.pointer(), message);
        let mut targets: Vec<Vec<Step>> = action
            .path
            .query_located(view)
            .into_iter()
            .map(|located| {
                located
                    .location()
                    .iter()
                    .map(|element| match element {
                        PathElement::Name(name) => Step::Key(name.to_string()),
                        PathElement::Index(i) => Step::Index(*i),
                    })
                    .collect()
            })
            .collect();
        if targets.is_empty() {
            return Err(error(format!(
                "{}: the target `{}` selects nothing in the imported description; the description changed under it: update or drop the action",
                action.name(),
                action.target
            )));
        }
        // Later list entries first, so that removing one does not move the others; a node
        // selected twice (`$..x` and `$.a.x` in one union) is changed once.
        targets.sort_by(|a, b| b.cmp(a));
        targets.dedup();
        let mut redundant = matches!(action.change, ActionChange::Update(_));
        for steps in targets {
            let shown = pointer_of(&steps);
            match &action.change {
                ActionChange::Update(update) => {
                    let node = walk(document, &steps).expect("the query found it");
                    redundant &= contains(node, update);
                    match node {
                        Value::Mapping(map) => {
                            let Value::Mapping(update) = update else {
                                return Err(error(format!("{}: `update` must be a mapping to merge into the mapping at {shown}", action.name())));
                            };
                            merge(map, update);
                        }
                        Value::Sequence(items) => append(items, update),
                        _ => {
                            return Err(error(format!(
                                "{}: the target selects {shown}, which is neither a mapping nor a list; select its parent and update the key",
                                action.name()
                            )))
                        }
                    }
                    *view_at(view, &steps) = to_json(node);
                }
                ActionChange::Remove => {
                    let Some((last, parent_steps)) = steps.split_last() else {
                        return Err(error(format!(
                            "{}: the whole document cannot be removed",
                            action.name()
                        )));
                    };
                    let parent = walk(document, parent_steps).expect("the query found it");
                    let view_parent = view_at(view, parent_steps);
                    match (parent, last, view_parent) {
                        (
                            Value::Mapping(map),
                            Step::Key(key),
                            serde_json::Value::Object(view_map),
                        ) => {
                            let found = find_key(map, key).expect("the query found it");
                            map.shift_remove(&found);
                            // Another key may read the same (`200` and `'200'`): the view then
                            // shows it.
                            match find_key(map, key).and_then(|k| map.get(&k)) {
                                Some(value) => view_map.insert(key.clone(), to_json(value)),
                                None => view_map.remove(key),
                            };
                        }
                        (
                            Value::Sequence(items),
                            Step::Index(i),
                            serde_json::Value::Array(view_items),
                        ) => {
                            items.remove(*i);
                            view_items.remove(*i);
                        }
                        _ => unreachable!("a located path matches the document's shape"),
                    }
                }
            }
        }
        Ok(redundant)
    }
}

/// What applying an overlay found besides the changed document.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The update actions that changed nothing: every node they select already held what they
    /// add (the description caught up with them), in overlay order.
    pub redundant: Vec<Action>,
}

/// Appends `update` to `items` (each of its values, when it is a list), leaving out what the
/// list already holds.
fn append(items: &mut Vec<Value>, update: &Value) {
    let values = match update {
        Value::Sequence(values) => values.as_slice(),
        value => std::slice::from_ref(value),
    };
    for value in values {
        if !items.contains(value) {
            items.push(value.clone());
        }
    }
}

/// Whether `node` already holds `update`: a mapping holds every key of an update mapping with a
/// value it holds; a list holds an appended value it lists; anything else is equal.
fn contains(node: &Value, update: &Value) -> bool {
    match (node, update) {
        (Value::Mapping(map), Value::Mapping(update)) => update.iter().all(|(key, value)| {
            scalar(key)
                .and_then(|k| find_key(map, &k))
                .and_then(|k| map.get(&k))
                .is_some_and(|existing| match (existing, value) {
                    (Value::Mapping(_), Value::Mapping(_)) => contains(existing, value),
                    _ => existing == value,
                })
        }),
        (Value::Sequence(items), Value::Sequence(values)) => {
            values.iter().all(|v| items.contains(v))
        }
        (Value::Sequence(items), update) => items.contains(update),
        (node, update) => node == update,
    }
}

/// One step of a located path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

fn pointer_of(steps: &[Step]) -> String {
    let mut out = String::from("#");
    for step in steps {
        out.push('/');
        match step {
            Step::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

fn walk<'v>(mut value: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    for step in steps {
        value = match (value, step) {
            (Value::Mapping(map), Step::Key(key)) => {
                let key = find_key(map, key)?;
                map.get_mut(&key)?
            }
            (Value::Sequence(items), Step::Index(i)) => items.get_mut(*i)?,
            (Value::Tagged(tagged), _) => walk(&mut tagged.value, std::slice::from_ref(step))?,
            _ => return None,
        };
    }
    Some(value)
}

/// The node of the JSON view at `steps`, which a query located in it.
fn view_at<'v>(mut view: &'v mut serde_json::Value, steps: &[Step]) -> &'v mut serde_json::Value {
    for step in steps {
        view = match (view, step) {
            (serde_json::Value::Object(map), Step::Key(key)) => map.get_mut(key),
            (serde_json::Value::Array(items), Step::Index(i)) => items.get_mut(*i),
            _ => None,
        }
        .expect("the view has every node a query located in it");
    }
    view
}

/// The key of `map` that reads as `name` in the JSON view (`200` and `'200'` both read `200`).
fn find_key(map: &Mapping, name: &str) -> Option<Value> {
    map.keys()
        .find(|k| scalar(k).as_deref() == Some(name))
        .cloned()
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Merges `update` into `target`: mappings merge key by key, anything else replaces; new keys
/// go at the end.
fn merge(target: &mut Mapping, update: &Mapping) {
    for (key, value) in update {
        let existing = scalar(key).and_then(|k| find_key(target, &k));
        match (existing.and_then(|k| target.get_mut(&k)), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(value)) => merge(inner, value),
            (Some(slot), value) => *slot = value.clone(),
            (None, value) => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// The JSON view of a YAML tree that JSONPath queries run on. Keys read as JSON strings; of two
/// keys that read the same (`200` and `'200'`), the view shows the first, the one an action
/// changes.
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(J::Null, J::Number)
            }
        }
        Value::String(s) => J::String(s.clone()),
        Value::Sequence(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => {
            let mut object = serde_json::Map::new();
            for (key, value) in map {
                if let Some(key) = scalar(key) {
                    object.entry(key).or_insert_with(|| to_json(value));
                }
            }
            J::Object(object)
        }
        Value::Tagged(tagged) => to_json(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Place;

    fn overlay(text: &str) -> Result<Overlay> {
        Overlay::parse(Path::new("overlay.yaml"), text)
    }

    fn yaml(text: &str) -> Value {
        crate::load::parse_yaml(Path::new("test.yaml"), text).unwrap()
    }

    const HEAD: &str = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn update_merges_and_appends_remove_deletes() {
        let o = overlay(&format!(
            "{HEAD}actions:
  - target: $.a
    description: merge
    update: {{b: {{c: 2}}, d: 3}}
  - target: $.list
    description: append
    update: z
  - target: $.list[?@ == 'x']
    description: remove
    remove: true
  - target: \"$.r['200']\"
    description: numeric key
    update: {{ok: true}}"
        ))
        .unwrap();
        let mut doc = yaml("a: {b: {c: 1, e: 5}, f: 1}\nlist: [x, y, x]\nr: {200: {}}");
        o.apply(&mut doc).unwrap();
        assert_eq!(
            doc,
            yaml("a: {b: {c: 2, e: 5}, f: 1, d: 3}\nlist: [y, z]\nr: {200: {ok: true}}")
        );
    }

    #[test]
    fn the_view_stays_the_documents_and_later_actions_see_what_earlier_ones_did() {
        let o = overlay(&format!(
            "{HEAD}actions:
  - target: $.a
    description: adds a mapping
    update: {{new: {{x: 1}}}}
  - target: $.a.new
    description: finds it
    update: {{y: 2}}
  - target: $.a.b
    description: removes a key
    remove: true
  - target: $.list[?@ == 'x']
    description: removes list entries
    remove: true
  - target: $.list
    description: appends
    update: w
  - target: $.list[?@ == 'w']
    description: finds the appended one
    remove: true
  - target: \"$.r['200']\"
    description: removes the first of two keys that read the same
    remove: true
  - target: \"$.r['200']\"
    description: finds the second
    update: {{second: true}}"
        ))
        .unwrap();
        let original = yaml("a: {b: 1}\nlist: [x, y, x, z]\nr: {200: {first: true}, '200': {}}");
        let mut doc = original.clone();
        let (_, view) = o.apply_with_view(&mut doc, None).unwrap();
        assert_eq!(
            doc,
            yaml("a: {new: {x: 1, y: 2}}\nlist: [y, z]\nr: {'200': {second: true}}")
        );
        assert_eq!(
            view,
            to_json(&doc),
            "the view kept in step is the view made anew"
        );
        let mut without_one = original;
        let (_, view) = o.apply_with_view(&mut without_one, Some(1)).unwrap();
        assert_eq!(view, to_json(&without_one));
    }

    #[test]
    fn an_action_the_description_caught_up_with_is_reported_and_appends_nothing() {
        let o = overlay(&format!(
            "{HEAD}actions:
  - target: $.enum
    description: adds b
    update: b
  - target: $.schema
    description: adds a field
    update: {{properties: {{x: {{type: integer}}}}}}
  - target: $.schema
    description: still needed
    update: {{properties: {{y: {{type: string}}}}}}
  - target: $..[?@ == 'a']
    description: removals are never redundant
    remove: true"
        ))
        .unwrap();
        let mut doc =
            yaml("enum: [a, b]\nschema: {properties: {x: {type: integer, description: d}}}");
        let applied = o.apply(&mut doc).unwrap();
        let redundant: Vec<usize> = applied.redundant.iter().map(|a| a.index).collect();
        assert_eq!(redundant, [0, 1]);
        assert_eq!(
            doc,
            yaml("enum: [b]\nschema: {properties: {x: {type: integer, description: d}, y: {type: string}}}"),
            "`b` is listed once"
        );
        let note = applied.redundant[0].redundancy_note(Path::new("spec/overlay.yaml"));
        assert_eq!(
            note,
            "spec/overlay.yaml: at #/actions/0: action 0 (\"adds b\") is redundant: the description already has what it adds; remove it"
        );
    }

    #[test]
    fn a_node_selected_twice_is_changed_once() {
        let o = overlay(&format!(
            "{HEAD}actions:\n  - target: $['a','a']\n    description: twice\n    update: z"
        ))
        .unwrap();
        let mut doc = yaml("a: [x]");
        let applied = o.apply(&mut doc).unwrap();
        assert_eq!(doc, yaml("a: [x, z]"));
        let several = overlay(&format!(
            "{HEAD}actions:\n  - target: $.a\n    description: several\n    update: [x, y, z]"
        ))
        .unwrap();
        let mut doc = yaml("a: [x]");
        several.apply(&mut doc).unwrap();
        assert_eq!(doc, yaml("a: [x, y, z]"), "each value once");
        assert!(applied.redundant.is_empty());
    }

    #[test]
    fn a_target_that_selects_nothing_names_the_action() {
        let o = overlay(&format!(
            "{HEAD}actions:\n  - target: $.missing\n    description: Gone upstream\n    update: {{a: 1}}"
        ))
        .unwrap();
        let e = o.apply(&mut yaml("a: 1")).unwrap_err();
        assert_eq!(e.place, Place::Pointer("#/actions/0".into()));
        assert!(e.message.contains("action 0 (\"Gone upstream\")"), "{e}");
        assert!(e.message.contains("selects nothing"), "{e}");
    }

    #[test]
    fn a_bad_jsonpath_names_its_place() {
        let e = overlay(&format!(
            "{HEAD}actions:\n  - target: $.a[?@.b ==]\n    description: x\n    remove: true"
        ))
        .unwrap_err();
        assert_eq!(e.place, Place::Pointer("#/actions/0/target".into()));
        assert!(e.message.contains("is not a JSONPath"), "{e}");
    }

    #[test]
    fn actions_must_say_why_and_do_one_thing() {
        let no_why = overlay(&format!(
            "{HEAD}actions:\n  - target: $.a\n    remove: true"
        ))
        .unwrap_err();
        assert!(no_why.message.contains("missing `description`"), "{no_why}");
        let both = overlay(&format!(
            "{HEAD}actions:\n  - target: $.a\n    description: x\n    remove: true\n    update: {{}}"
        ))
        .unwrap_err();
        assert!(both.message.contains("not both"), "{both}");
        let typo = overlay(&format!(
            "{HEAD}actions:\n  - target: $.a\n    description: x\n    updte: {{}}"
        ))
        .unwrap_err();
        assert!(typo.message.contains("unknown key `updte`"), "{typo}");
        let version =
            overlay("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []").unwrap_err();
        assert_eq!(version.place, Place::Pointer("#/overlay".into()));
    }

    #[test]
    fn updating_a_scalar_is_an_error() {
        let o = overlay(&format!(
            "{HEAD}actions:\n  - target: $.a\n    description: x\n    update: {{b: 1}}"
        ))
        .unwrap();
        let e = o.apply(&mut yaml("a: 1")).unwrap_err();
        assert!(e.message.contains("neither a mapping nor a list"), "{e}");
    }
}
