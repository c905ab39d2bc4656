//! The checks of a value against the bounds the spec states, shared by the parameter structs
//! (`params.rs`) and the structs a request body holds (`request.rs`). Each check returns through
//! `fail`, which builds the error of its context from the message (a `format!` string over
//! `value` or `count`).

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens as _};

use crate::ir::{Bounds, Number};

/// How a failed check returns: given the message (a `format!` string), the `return Err(..);`.
pub(super) type Fail<'a> = &'a dyn Fn(String) -> TokenStream;

/// A bound, the words of its failure, and the test that fails it.
type Rule<'a> = (
    &'a Option<Number>,
    &'static str,
    fn(TokenStream) -> TokenStream,
);

/// `minimum`, `maximum` and the exclusive bounds, over a binding `value` of the number's type.
pub(super) fn numeric(bounds: &Bounds, fail: Fail<'_>) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let rules: [Rule<'_>; 4] = [
        (
            &bounds.minimum,
            "{value} is below the minimum, ",
            |lit| quote!(value < #lit),
        ),
        (
            &bounds.maximum,
            "{value} is above the maximum, ",
            |lit| quote!(value > #lit),
        ),
        (
            &bounds.exclusive_minimum,
            "{value} must be greater than ",
            |lit| quote!(value <= #lit),
        ),
        (
            &bounds.exclusive_maximum,
            "{value} must be less than ",
            |lit| quote!(value >= #lit),
        ),
    ];
    for (bound, words, test) in rules {
        if let Some(n) = bound {
            let test = test(number(*n));
            let fail = fail(format!("{words}{}", escape(&n.to_string())));
            out.push(quote! {
                if #test {
                    #fail
                }
            });
        }
    }
    out
}

/// Lower and upper limits of a count (`minItems`, `minLength`, ...) over a binding `count`.
pub(super) fn count(
    min: Option<u64>,
    max: Option<u64>,
    what: &str,
    fail: Fail<'_>,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    if let Some(min) = min {
        let fail = fail(format!(
            "{{count}} {what} are fewer than the minimum, {min}"
        ));
        out.push(quote! {
            if count < #min {
                #fail
            }
        });
    }
    if let Some(max) = max {
        let fail = fail(format!("{{count}} {what} are more than the maximum, {max}"));
        out.push(quote! {
            if count > #max {
                #fail
            }
        });
    }
    out
}

/// A bound as a literal of the value's own type (build makes the kinds agree).
pub(super) fn number(n: Number) -> TokenStream {
    match n {
        Number::Integer(n) => Literal::i64_unsuffixed(n).into_token_stream(),
        Number::Float(x) => Literal::f64_unsuffixed(x).into_token_stream(),
    }
}

/// Text placed inside a generated `format!` string.
pub(super) fn escape(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}
