//! The checks of a parameter struct's `validate`: each path parameter can be one segment, an
//! enum a response also holds sends only the values it lists, and the bounds the spec states
//! (numbers, counts, lengths, and the extensions that tie one parameter to another).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::checks::escape;
use super::ident;
use super::params::{is_array, is_string, is_timestamp};
use crate::ir::{Api, Location, Operation, Param, Type, TypeKind};

/// A string path parameter that cannot be one segment (empty, `.`, `..`) is refused.
pub(super) fn segment_check(p: &Param) -> TokenStream {
    if p.location != Location::Path || !is_string(p) {
        return quote!();
    }
    let (id, wire) = (ident(&p.rust_name), &p.wire_name);
    quote!(crate::runtime::path::check_segment(Self::OPERATION_ID, #wire, &self.#id)?;)
}

pub(super) fn checks(p: &Param, op: &Operation) -> TokenStream {
    let numeric = numeric_checks(p, op);
    let size = size_checks(p);
    quote!(#numeric #size)
}

/// `minItems`/`maxItems` of an array (checked when it is set, that is, not empty) and
/// `minLength`/`maxLength` of a string, in characters.
fn size_checks(p: &Param) -> TokenStream {
    let b = &p.bounds;
    let id = ident(&p.rust_name);
    let wire = &p.wire_name;
    let fail = |message: String| quote!(return Err(crate::runtime::InvalidParam::new(Self::OPERATION_ID, #wire, format!(#message))););
    let limits = |min, max, what: &str| super::checks::count(min, max, what, &fail);
    if is_array(p) {
        let body = limits(b.min_items, b.max_items, "values");
        if body.is_empty() {
            return quote!();
        }
        return quote! {
            if !self.#id.is_empty() {
                let count = self.#id.len() as u64;
                #(#body)*
            }
        };
    }
    let body = limits(b.min_length, b.max_length, "characters");
    if body.is_empty() || !is_string(p) {
        return quote!();
    }
    if p.required {
        quote! {
            {
                let count = self.#id.chars().count() as u64;
                #(#body)*
            }
        }
    } else {
        quote! {
            if let Some(value) = self.#id.as_deref() {
                let count = value.chars().count() as u64;
                #(#body)*
            }
        }
    }
}

fn numeric_checks(p: &Param, op: &Operation) -> TokenStream {
    let b = &p.bounds;
    if b.minimum.is_none()
        && b.maximum.is_none()
        && b.exclusive_minimum.is_none()
        && b.exclusive_maximum.is_none()
        && b.maximum_by.is_none()
        && b.greater_than.is_none()
        && !is_timestamp(p)
    {
        return quote!();
    }
    let id = ident(&p.rust_name);
    let wire = &p.wire_name;
    let mut body = Vec::new();
    if is_timestamp(p) {
        // Milliseconds by mistake (or a negative value) would silently ask for nothing.
        body.push(quote! {
            if let Some(problem) = value.parameter_problem() {
                return Err(crate::runtime::InvalidParam::new(Self::OPERATION_ID, #wire, problem));
            }
        });
    }
    let fail = |message: String| quote!(return Err(crate::runtime::InvalidParam::new(Self::OPERATION_ID, #wire, format!(#message))););
    body.extend(super::checks::numeric(b, &fail));
    if let Some(by) = &b.maximum_by {
        let other = op.param(by.param);
        let other_id = ident(&other.rust_name);
        let other_wire = &other.wire_name;
        let default = &by.default;
        let basis = if other.required {
            quote!(let basis = self.#other_id.as_str();)
        } else {
            quote!(let basis = self.#other_id.as_ref().map_or(#default, |v| v.as_str());)
        };
        let message = format!(
            "{{value}} is above the maximum, {{maximum}}, for `{}={{basis}}`",
            escape(other_wire)
        );
        let arms = by.values.iter().map(|(value, max)| {
            let lit = Literal::i64_unsuffixed(*max);
            quote!(#value => Some(#lit),)
        });
        body.push(quote! {
            #basis
            let maximum = match basis {
                #(#arms)*
                _ => None,
            };
            if let Some(maximum) = maximum {
                if value > maximum {
                    return Err(crate::runtime::InvalidParam::new(
                        Self::OPERATION_ID,
                        #wire,
                        format!(#message),
                    ));
                }
            }
        });
    }
    if let Some(reference) = &b.greater_than {
        let other = op.param(*reference);
        let other_wire = &other.wire_name;
        let other_id = ident(&other.rust_name);
        let message = format!(
            "{{value}} must be greater than `{}` ({{other}})",
            escape(other_wire)
        );
        let fail = quote! {
            return Err(crate::runtime::InvalidParam::new(Self::OPERATION_ID, #wire, format!(#message)));
        };
        body.push(if other.required {
            quote! {
                let other = self.#other_id;
                if value <= other {
                    #fail
                }
            }
        } else {
            quote! {
                if let Some(other) = self.#other_id {
                    if value <= other {
                        #fail
                    }
                }
            }
        });
    }
    if p.required {
        quote! {
            {
                let value = self.#id;
                #(#body)*
            }
        }
    } else {
        quote! {
            if let Some(value) = self.#id {
                #(#body)*
            }
        }
    }
}

/// For a parameter of an enum that is open only because a response uses it: the extra variant is
/// rejected before sending, since the spec lists what the endpoint accepts.
pub(super) fn listed_only(api: &Api, p: &Param) -> TokenStream {
    let item = match p.ty.non_null() {
        Type::Array(item) => item.as_ref(),
        other => other,
    };
    let Type::Named(id) = item else {
        return quote!();
    };
    let name = &api.ty(*id).name;
    let TypeKind::Enum(e) = &api.ty(*id).kind else {
        return quote!();
    };
    if e.openness != crate::ir::Openness::OpenInResponses {
        return quote!();
    }
    let (id, wire) = (ident(&p.rust_name), &p.wire_name);
    let other = ident(&e.other_name);
    let ty = ident(name);
    let fail = quote! {
        return Err(crate::runtime::InvalidParam::new(
            Self::OPERATION_ID,
            #wire,
            format!("`{value}` is not one of the values the spec lists"),
        ));
    };
    if is_array(p) {
        quote! {
            for item in &self.#id {
                if let super::types::#ty::#other(value) = item {
                    #fail
                }
            }
        }
    } else if p.required {
        quote! {
            if let super::types::#ty::#other(value) = &self.#id {
                #fail
            }
        }
    } else {
        quote! {
            if let Some(super::types::#ty::#other(value)) = &self.#id {
                #fail
            }
        }
    }
}
