//! Complete pagination: follow the cursor while the server says there is more, one page in memory
//! at a time; stop on a missing cursor; refuse a cursor seen before (it would loop forever); on
//! failure, report the cursor to resume from and end.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::client::{Request, Transport};
use super::errors::{Error, PageError};

/// A parameter struct whose operation is paged by a cursor parameter.
pub trait Paged: Request + Clone {
    /// Sets the cursor parameter (`None`: the first page).
    fn set_cursor(&mut self, cursor: Option<String>);
    /// The cursor parameter as set.
    fn cursor(&self) -> Option<&str>;
}

/// A response that is one page of items.
pub trait Page {
    /// One item of the page.
    type Item;
    /// Whether the server has more items after this page.
    fn has_more(&self) -> bool;
    /// The cursor of the next page, if the server sent one.
    fn next_cursor(&self) -> Option<&str>;
    /// The items of the page.
    fn into_items(self) -> Vec<Self::Item>;
}

enum State<P: Request> {
    Next(P),
    Fail(PageError<P::ErrorBody>),
    Done,
}

/// Every page, from the one `params` asks for (its cursor, or the first) to the last. Boxed, so
/// that it is `Unpin` (call `.next()` on it directly) and has a name.
pub fn pages<P>(
    transport: Transport,
    params: P,
) -> BoxStream<'static, Result<P::Response, PageError<P::ErrorBody>>>
where
    P: Paged + Send + Sync + 'static,
    P::Response: Page + Send,
    P::ErrorBody: Send,
{
    let mut seen = HashSet::new();
    if let Some(cursor) = params.cursor() {
        seen.insert(fingerprint(cursor));
    }
    stream::unfold(
        (State::Next(params), transport, seen),
        |(state, transport, mut seen)| async move {
            let mut params = match state {
                State::Next(params) => params,
                State::Fail(error) => return Some((Err(error), (State::Done, transport, seen))),
                State::Done => return None,
            };
            let page = match transport.call(&params).await {
                Ok(response) => response.into_value(),
                Err(error) => {
                    let error = PageError::new(params.cursor().map(str::to_owned), error);
                    return Some((Err(error), (State::Done, transport, seen)));
                }
            };
            let next = match page.next_cursor() {
                Some(next) if page.has_more() => {
                    if seen.insert(fingerprint(next)) {
                        params.set_cursor(Some(next.to_owned()));
                        State::Next(params)
                    } else {
                        // The page itself is good: yield it, then stop with the error.
                        let error = Error::RepeatedCursor {
                            cursor: next.to_owned(),
                        };
                        State::Fail(PageError::new(Some(next.to_owned()), error))
                    }
                }
                _ => State::Done,
            };
            Some((Ok(page), (next, transport, seen)))
        },
    )
    .boxed()
}

/// One item of the pages of `P`.
type ItemOf<P> = <<P as Request>::Response as Page>::Item;

/// Every item of every page, in order.
pub fn items<P>(
    transport: Transport,
    params: P,
) -> BoxStream<'static, Result<ItemOf<P>, PageError<P::ErrorBody>>>
where
    P: Paged + Send + Sync + 'static,
    P::Response: Page + Send,
    <P::Response as Page>::Item: Send + 'static,
    P::ErrorBody: Send,
{
    pages(transport, params)
        .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// Cursors are remembered by a 64-bit hash, so memory stays small however long the run.
fn fingerprint(cursor: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}
