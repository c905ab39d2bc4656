//! The intermediate representation: plain data, already named, that the emitter walks. Nothing
//! here knows about YAML or about Rust tokens.

/// A whole API.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// The first server's URL, if any.
    pub server_url: Option<String>,
    /// `x-env-var` of the first server: an environment variable that overrides its URL.
    pub server_url_env: Option<String>,
    /// How the key is sent: the one security scheme the operations require, if any.
    pub auth: Option<Auth>,
    /// The type of the error body shared by every operation (`Any` when they differ or none is
    /// given).
    pub error_body: Type,
    /// The operations, in the order of the spec's paths.
    pub operations: Vec<Operation>,
    /// Every named type, sorted by Rust name so that output does not depend on discovery order;
    /// a [`TypeId`] is an index into it ([`Api::ty`]).
    pub types: Vec<TypeDef>,
}

/// A named type of the API: its index in [`Api::types`] (see [`Api::ty`]). Every use of a named
/// type (a field, a parameter, a response, a union member, a page) refers to it by this handle,
/// never by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

impl Api {
    /// The named type `id` refers to.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The handle of the named type with this Rust name, if there is one.
    pub fn type_named(&self, name: &str) -> Option<TypeId> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(TypeId)
    }
}

/// The security scheme the client sends the key by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auth {
    /// The scheme's name in `components/securitySchemes`.
    pub scheme: String,
    /// Where the key goes.
    pub kind: AuthKind,
    /// `x-env-var`: the environment variable `Client::from_env` reads the key from.
    pub env_var: Option<String>,
}

/// Where the key goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthKind {
    /// `type: http, scheme: bearer`: `Authorization: Bearer <key>`.
    Bearer,
    /// `type: apiKey, in: header`: the key alone, in the named header.
    Header(String),
}

/// Deprecation of an operation or parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deprecation {
    /// What the spec says about it (its description), for the `#[deprecated]` note.
    pub note: String,
    /// `x-sunset`: when it stops working, as the spec writes it.
    pub sunset: Option<String>,
}

/// One HTTP operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The `operationId` as written (`usage-completions`).
    pub id: String,
    /// The Rust method name (`usage_completions`).
    pub method_name: String,
    /// The Rust name of the parameter struct (`UsageCompletionsParams`).
    pub params_name: String,
    /// The HTTP method the runtime sends.
    pub http_method: HttpMethod,
    /// The path template (`/organization/projects/{project_id}`), with its placeholders tied to
    /// the path parameters.
    pub path: PathTemplate,
    /// Where in the spec the operation is.
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub params: Vec<Param>,
    /// The JSON request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// Whether sending the request twice has the effect of sending it once: `GET`, `HEAD`,
    /// `OPTIONS`, `TRACE` and `PUT` are (RFC 9110), others only with `x-idempotent: true`. Only
    /// an idempotent request is retried after a failure that may have reached the server.
    pub idempotent: bool,
    /// The type of the success (2xx) JSON body, if it has one.
    pub response: Option<Type>,
    /// The type of the error JSON body (`default` or 4xx/5xx), if the spec gives one.
    pub error: Option<Type>,
    /// How the operation pages, if it does (`x-pagination`).
    pub paging: Option<Paging>,
    /// `deprecated: true`, with the note and sunset.
    pub deprecated: Option<Deprecation>,
    /// `x-doc-example: true`: the operation the crate's doc examples show (else the first that
    /// pages, else the first).
    pub doc_example: bool,
}

/// An operation's JSON request body (`requestBody` with `application/json`).
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    /// `required: true`: the body is an argument of the parameter struct's `new`; otherwise it
    /// has a setter and is not sent while unset.
    pub required: bool,
    /// The type of the body: a named struct when the schema is an object.
    pub ty: Type,
    /// `requestBody.description`.
    pub description: Option<String>,
    /// The Rust name of the parameter struct's field that holds it (`body`, unless a parameter
    /// has that name).
    pub rust_name: String,
}

/// An HTTP method an OpenAPI path item can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Operation {
    /// The parameter `id` refers to.
    pub fn param(&self, id: ParamId) -> &Param {
        &self.params[id.0]
    }
}

impl HttpMethod {
    /// Whether HTTP defines the method as idempotent (RFC 9110, section 9.2.2).
    pub fn is_idempotent(self) -> bool {
        matches!(
            self,
            HttpMethod::Get
                | HttpMethod::Head
                | HttpMethod::Options
                | HttpMethod::Trace
                | HttpMethod::Put
        )
    }

    /// Every method, with its key in a path item.
    pub const ALL: [(&'static str, HttpMethod); 8] = [
        ("get", HttpMethod::Get),
        ("put", HttpMethod::Put),
        ("post", HttpMethod::Post),
        ("delete", HttpMethod::Delete),
        ("options", HttpMethod::Options),
        ("head", HttpMethod::Head),
        ("patch", HttpMethod::Patch),
        ("trace", HttpMethod::Trace),
    ];

    /// The method of a path item key (`get`), if it is one.
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        Self::ALL.iter().find(|(k, _)| *k == key).map(|(_, m)| *m)
    }

    /// The method as sent, upper case (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template, split at its placeholders; each placeholder is tied to one path parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as the spec writes it.
    pub template: String,
    /// Literal text and placeholders, in order.
    pub parts: Vec<PathPart>,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as it is.
    Literal(String),
    /// A placeholder: the path parameter that fills it (percent-encoded as exactly one path
    /// segment).
    Param(ParamId),
}

impl PathTemplate {
    /// A template with no placeholders.
    pub fn literal(path: &str) -> PathTemplate {
        PathTemplate {
            template: path.to_owned(),
            parts: vec![PathPart::Literal(path.to_owned())],
        }
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.template)
    }
}

/// How an operation pages: by a cursor parameter, through fields of its response.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    /// The cursor parameter.
    pub cursor: ParamId,
    /// The Rust name of the method that streams items (`usage_completions_buckets`).
    pub items_method: String,
    /// The Rust name of the method that streams pages (`usage_completions_pages`).
    pub pages_method: String,
    /// The response struct and how to read it.
    pub page: PageShape,
}

/// The fields of a page response that paging reads.
#[derive(Clone, Debug, PartialEq)]
pub struct PageShape {
    /// The response struct.
    pub ty: TypeId,
    /// The field that holds the items.
    pub items: PageField,
    /// The type of one item.
    pub item: Type,
    /// The field that holds the next cursor.
    pub next_cursor: PageField,
    /// The field that says whether more pages follow, if the spec names one.
    pub has_more: Option<PageField>,
}

/// A field of a page response that paging reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageField {
    /// The Rust name of the field.
    pub rust_name: String,
    /// Whether the Rust field is an `Option`.
    pub optional: bool,
}

/// A parameter of an operation: its index in [`Operation::params`] (see [`Operation::param`]).
/// Path templates, paging and the rules that relate two parameters refer to parameters by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamId(pub usize);

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The query string.
    Query,
    /// One segment of the path, in place of its placeholder.
    Path,
}

impl Location {
    /// The spec's name for it (`in: query`).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Path => "path",
        }
    }
}

/// One parameter of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The name on the wire (`group_by`).
    pub wire_name: String,
    /// The Rust name of the field (`group_by`).
    pub rust_name: String,
    /// The Rust name of its setter: the field's name, unless that is taken by a method of the
    /// parameter struct (`new`, `to_query`, `validate`), then with `_param` added.
    pub setter_name: String,
    pub location: Location,
    /// Form style: with `explode`, an array is sent as repeated keys (`a=1&a=2`); without it, as
    /// one comma-joined value (`a=1,2`).
    pub explode: bool,
    pub required: bool,
    /// The type of the value; for an array parameter, `Type::Array` of the item type.
    pub ty: Type,
    pub doc: Doc,
    pub bounds: Bounds,
    /// `deprecated: true`, with the note and sunset.
    pub deprecated: Option<Deprecation>,
}

/// Checks on a value that the generated code makes before a request is sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bounds {
    /// `minimum`.
    pub minimum: Option<Number>,
    /// `maximum`.
    pub maximum: Option<Number>,
    /// `exclusiveMinimum` (3.1's number, or 3.0's `minimum` with `exclusiveMinimum: true`).
    pub exclusive_minimum: Option<Number>,
    /// `exclusiveMaximum`, likewise.
    pub exclusive_maximum: Option<Number>,
    /// `minItems` of an array parameter.
    pub min_items: Option<u64>,
    /// `maxItems` of an array parameter.
    pub max_items: Option<u64>,
    /// `minLength` of a string parameter.
    pub min_length: Option<u64>,
    /// `maxLength` of a string parameter.
    pub max_length: Option<u64>,
    /// `pattern` of a string parameter (documented and reviewed; the server checks it).
    pub pattern: Option<String>,
    /// `pattern` of each value of an array parameter (`items.pattern`), likewise.
    pub items_pattern: Option<String>,
    /// `x-maximum-by`: a maximum that depends on another parameter's value.
    pub maximum_by: Option<MaximumBy>,
    /// `x-greater-than`: the parameter this one must exceed.
    pub greater_than: Option<ParamId>,
}

/// A numeric bound, of the parameter's own kind: whole for an `integer` (build refuses
/// `minimum: 0.5` on one), finite for a `number`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A bound of an `integer` parameter.
    Integer(i64),
    /// A bound of a `number` parameter.
    Float(f64),
}

impl Number {
    /// The value as a float, for comparing bounds of either kind.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Integer(n) => n as f64,
            Number::Float(x) => x,
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Integer(n) => write!(f, "{n}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A maximum that depends on the value of another (enum) parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct MaximumBy {
    /// The other parameter.
    pub param: ParamId,
    /// The wire value assumed when the other parameter is not set.
    pub default: String,
    /// (wire value of the other parameter, maximum) pairs, in spec order.
    pub values: Vec<(String, i64)>,
}

/// A type as it is used by a field or parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Integer,
    /// A JSON number; decoded from a number or a numeric string.
    Number,
    /// A JSON integer with `format: unix-time`: whole seconds since the Unix epoch, as the
    /// runtime's `Timestamp`.
    Timestamp,
    /// A JSON number with `format: decimal` (the OpenAPI format registry's name): an exact
    /// decimal, decoded from the number's literal text or a numeric string, never through `f64`.
    Decimal,
    Boolean,
    String,
    /// Any JSON value.
    Any,
    /// A named type defined in [`Api::types`].
    Named(TypeId),
    Array(Box<Type>),
    /// An object with arbitrary keys and values of one type.
    Map(Box<Type>),
    /// A value that may be `null`.
    Nullable(Box<Type>),
}

impl Type {
    /// This type without an outer `Nullable`.
    pub fn non_null(&self) -> &Type {
        match self {
            Type::Nullable(inner) => inner,
            other => other,
        }
    }
}

/// Documentation gathered from the spec for one item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    /// `description` (or `summary`, or `title`).
    pub description: Option<String>,
    /// `default`, as written in the spec.
    pub default: Option<String>,
    /// Allowed values of an enum type, as wire strings.
    pub allowed: Vec<String>,
    /// `example` (or the first of `examples`), as written in the spec: the value generated doc
    /// examples use.
    pub example: Option<String>,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Where in the spec it is defined.
    pub pointer: String,
    pub doc: Doc,
    pub kind: TypeKind,
}

/// What a named type is.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
}

/// An object with known properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Properties that can only have one value (`enum` with one value, or `const`): they are
    /// written when serializing and not stored.
    pub constants: Vec<Constant>,
    /// `x-accessors`: methods that read a value nested in optional objects in one call.
    pub accessors: Vec<Accessor>,
    /// A request body holds it (directly or nested): it gets a constructor (`new`, taking the
    /// required fields), a setter per optional field and `validate`.
    pub request: bool,
}

/// A method that follows a path of fields (`x-accessors`), each possibly absent, to a value:
/// `cost.amount_value()` for `cost.amount.as_ref().and_then(|a| a.value)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Accessor {
    /// The method's name (snake_case).
    pub name: String,
    /// What it returns, in words.
    pub description: String,
    /// The wire names of the fields it follows, outermost first.
    pub path: Vec<String>,
    /// The Rust fields it follows and whether each is an `Option`; filled in once every type
    /// is built.
    pub steps: Vec<AccessorStep>,
    /// The type of the value it reaches (without `Option`).
    pub ty: Type,
}

/// One field an accessor goes through.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessorStep {
    pub rust_name: String,
    pub option: bool,
}

/// A property that can only hold one string.
#[derive(Clone, Debug, PartialEq)]
pub struct Constant {
    pub wire_name: String,
    pub value: String,
}

/// A property of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    /// Listed in `required`: absent on the wire is an error (unless the type is nullable).
    pub required: bool,
    pub ty: Type,
    pub doc: Doc,
    /// The bounds the schema states, checked by `validate` when the struct is sent.
    pub bounds: Bounds,
    /// The Rust name of its setter in a request struct: the field's name, unless a method of
    /// the struct (`new`, `validate`, an accessor) has it, then with `_field` added.
    pub setter_name: String,
}

impl Field {
    /// Whether the Rust field is an `Option`: not required, or nullable.
    pub fn is_option(&self) -> bool {
        !self.required || matches!(self.ty, Type::Nullable(_))
    }
}

/// A string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub variants: Vec<Variant>,
    /// Whether a value the spec does not list is kept (in the extra variant) or an error.
    pub openness: Openness,
    /// The Rust name of the variant that keeps other strings, when open.
    pub other_name: String,
    /// The Rust name of the default variant, if the spec gives a default.
    pub default: Option<String>,
}

/// Whether an enum keeps values the spec does not list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Openness {
    /// Only the listed values: another is an error (an enum only requests use).
    Closed,
    /// Open in the spec (`anyOf: [string, enum]`): any other string is kept in the extra
    /// variant, and sent as it is.
    Open,
    /// Closed in the spec but held by a response: another value is kept when received (a value
    /// the API adds must not fail a page), and a request rejects the extra variant before
    /// sending (the spec lists what the endpoint takes).
    OpenInResponses,
}

impl Openness {
    /// Whether the Rust enum has the extra variant that keeps other values.
    pub fn is_open(self) -> bool {
        self != Openness::Closed
    }
}

/// One value of an enum.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub wire: String,
    pub rust_name: String,
}

/// A `oneOf` whose members are told apart by one string property.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// The wire name of the discriminator property (`object`).
    pub property: String,
    pub variants: Vec<UnionVariant>,
    /// The Rust name of the variant that keeps objects with any other tag, as JSON.
    pub unknown_name: String,
}

/// One member of a union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// The discriminator value that selects it.
    pub tag: String,
    pub rust_name: String,
    /// The struct it holds.
    pub ty: TypeId,
    /// The description of that struct.
    pub description: Option<String>,
}
