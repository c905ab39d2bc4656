//! `client.rs`: the `Client`, one async method per operation, and page streams for operations
//! that page (`x-pagination`).

use proc_macro2::TokenStream;
use quote::quote;

use super::text::{Code, Tree};
use super::{docs, ident, rust_type};
use crate::ir::{Api, Operation};
use crate::Options;

fn types_path() -> TokenStream {
    quote!(super::types::)
}

pub fn file(api: &Api, options: &Options) -> TokenStream {
    let base_url = api.server_url.clone().unwrap_or_default();
    let user_agent = format!("{}/{}", options.crate_name, options.crate_version);
    let error_body = rust_type(api, &api.error_body, &types_path());
    let title = &api.title;
    let mut client_text = format!(
        "A client of the {title}: one async method per operation.\n\n\
         Cheap to clone: clones share one connection pool. Its `Debug` output never shows the API key."
    );
    if let Some(example) = super::examples::client(api, options) {
        client_text.push_str("\n\n");
        client_text.push_str(&example);
    }
    let client_doc = docs::attrs(&client_text);
    let base_doc = docs::attrs(&format!(
        "The server the spec names (`{base_url}`); [`ClientBuilder::base_url`] sends requests elsewhere."
    ));
    let key_env = api.auth.as_ref().and_then(|a| a.env_var.as_ref());
    let from_env = key_env.map(|key_var| {
        let mut text = format!(
            "A client with the API key from the environment variable `{key_var}` and default settings."
        );
        let (binding, url_override) = match &api.server_url_env {
            Some(url_var) => {
                text.push_str(&format!(" If `{url_var}` is set (and not empty), requests go there instead of the spec's server."));
                let read = quote! {
                    if let Some(url) = ::std::env::var(#url_var).ok().filter(|u| !u.trim().is_empty()) {
                        builder = builder.base_url(url);
                    }
                };
                (quote!(let mut builder), read)
            }
            None => (quote!(let builder), quote!()),
        };
        let doc = docs::attrs(&text);
        let missing = format!("the environment variable `{key_var}` is not set: set it to an API key");
        quote! {
            #doc
            pub fn from_env() -> Result<Self, Error> {
                let key = ::std::env::var(#key_var)
                    .ok()
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| crate::runtime::Error::Config(#missing.to_owned()))?;
                #binding = Self::builder().api_key(key);
                #url_override
                builder.build()
            }
        }
    });
    let methods = api.operations.iter().map(|op| operation(api, op));
    // Where the spec's security scheme puts the key (bearer is the builder's default).
    let key_placement = match api.auth.as_ref().map(|a| &a.kind) {
        Some(crate::ir::AuthKind::Header(name)) => quote!(.key_in_header(#name)),
        _ => quote!(),
    };
    let shapes = super::shapes::table(api);
    let page_error = if api.operations.iter().any(|o| o.paging.is_some()) {
        quote!(pub(crate) type PageError = crate::runtime::PageError<#error_body>;)
    } else {
        quote!()
    };
    quote! {
        //! The client.
        // Deprecated operations stay callable; only their users are warned.
        #![allow(deprecated)]

        #base_doc
        pub const DEFAULT_BASE_URL: &str = #base_url;

        // The crate root re-exports the runtime's `Error`, `PageError` and `ClientBuilder`, whose
        // type parameters default to these; spelled out here, they read the same in any crate
        // the runtime is compiled into.
        pub(crate) type Error = crate::runtime::Error<#error_body>;
        #page_error
        pub(crate) type ClientBuilder = crate::runtime::ClientBuilder<Client>;

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            transport: crate::runtime::Transport,
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.transport, f)
            }
        }

        impl crate::runtime::FromTransport for Client {
            type ErrorBody = #error_body;

            fn from_transport(transport: crate::runtime::Transport) -> Self {
                Client { transport }
            }
        }

        impl Client {
            /// A client with this API key and default settings.
            ///
            /// # Errors
            ///
            /// [`Error::Config`](crate::runtime::Error::Config) if the key cannot be sent in a header (it
            /// is empty or holds a line break, say) or HTTP cannot be set up.
            pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
                Self::builder().api_key(api_key).build()
            }

            #from_env

            /// A builder, to set the base URL, timeouts, retries, user agent or HTTP client.
            pub fn builder() -> ClientBuilder {
                crate::runtime::ClientBuilder::new(DEFAULT_BASE_URL, #user_agent) #key_placement
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            #(#methods)*
        }

        #shapes
    }
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let params_name = ident(&op.params_name);
    let params = quote!(super::params::#params_name);
    let response = match &op.response {
        Some(ty) => rust_type(api, ty, &types_path()),
        None => quote!(::serde_json::Value),
    };
    let endpoint = format!("`{} {}`", op.http_method, op.path);
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(&docs::sanitize(summary));
        text.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        text.push_str(&docs::sanitize(description));
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "{endpoint} (operation `{}`). The parameters are checked first \
         ([`{1}::validate`](super::params::{1}::validate)); failures that may pass on a second try \
         are retried as the client is configured.",
        op.id, op.params_name
    ));
    if !op.idempotent {
        text.push_str(
            " Not idempotent: retried only after failures that cannot have reached the server (no \
             connection, a 429), never after a timeout, a 5xx or a broken answer, which may come \
             after the change was made.",
        );
    }
    let deprecated = super::deprecated(&op.deprecated);
    let paging = op.paging.as_ref().map(|paging| {
        let pages = ident(&paging.pages_method);
        let items = ident(&paging.items_method);
        let item = rust_type(api, &paging.page.item, &types_path());
        let cursor = crate::naming::unraw(&op.param(paging.cursor).rust_name);
        let pages_doc = docs::attrs(&format!(
            "Every page of {endpoint}, from the one `params` asks for (its `{cursor}`, or the first) to the \
             last: the cursor is followed while the server says there is more. One page is held at a \
             time. After an error (which carries the cursor to resume from) the stream ends."
        ));
        let items_doc = docs::attrs(&format!(
            "Every item of every page of {endpoint}, in order; see [`{0}`](Self::{0}).",
            paging.pages_method
        ));
        quote! {
            #pages_doc
            #deprecated
            pub fn #pages(&self, params: #params) -> ::futures::stream::BoxStream<'static, Result<#response, PageError>> {
                crate::runtime::pages(self.transport.clone(), params)
            }

            #items_doc
            #deprecated
            pub fn #items(&self, params: #params) -> ::futures::stream::BoxStream<'static, Result<#item, PageError>> {
                crate::runtime::items(self.transport.clone(), params)
            }
        }
    });
    let response_code = match &op.response {
        Some(ty) => super::rust_type_code(api, ty, "super::types::"),
        None => "::serde_json::Value".to_owned(),
    };
    // The call, and the same with the response's status and headers.
    let method = |name: String, doc: &str, returns: String, body: &str| {
        let params = format!("params: &super::params::{}", op.params_name);
        let args = Tree::list("(", vec![Tree::code("&self"), Tree::code(params)], ")");
        let mut code = Code::member();
        code.doc(doc);
        super::deprecated_line(&mut code, &op.deprecated);
        code.statement(
            &format!("pub async fn {name}"),
            &args,
            &format!(" -> {returns} {{"),
        )
        .indented(|code| {
            code.line(body);
        })
        .line("}");
        super::text::member(code)
    };
    let call = method(
        op.method_name.clone(),
        &text,
        format!("Result<{response_code}, Error>"),
        "self.transport.call(params).await.map(crate::runtime::Response::into_value)",
    );
    let with_response = method(
        format!("{}_with_response", op.method_name),
        &format!(
            "Like [`{0}`](Self::{0}), with the response's status and headers (request id, rate limits).",
            op.method_name
        ),
        format!("Result<crate::runtime::Response<{response_code}>, Error>"),
        "self.transport.call(params).await",
    );
    quote! {
        #call
        #with_response
        #paging
    }
}
