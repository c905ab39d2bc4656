//! Complete pagination: follow the cursor while the server says there is more, one page in memory
//! at a time; refuse to end short (more announced, no cursor given) or to loop (a cursor seen
//! before, or [`MAX_EMPTY_PAGES`] empty pages in a row); on failure, report the cursor to resume
//! from and end.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::client::Request;
use super::errors::{Error, PageError};
use super::transport::Transport;

/// A parameter struct whose operation is paged by a cursor parameter.
pub trait Paged: Request + Clone {
    /// Sets the cursor parameter (`None`: the first page).
    fn set_cursor(&mut self, cursor: Option<String>);
    /// The cursor parameter as set.
    fn cursor(&self) -> Option<&str>;
}

/// How many empty pages in a row, each with a new cursor, end paging with
/// [`Error::EmptyPages`]: a server that keeps saying "more" without sending anything would
/// otherwise be followed forever.
pub const MAX_EMPTY_PAGES: u64 = 100;

/// A response that is one page of items.
pub trait Page {
    /// One item of the page.
    type Item;
    /// Whether the page has a field saying that more follow (else paging ends when no cursor
    /// comes).
    const SAYS_HAS_MORE: bool;
    /// Whether the server has more items after this page.
    fn has_more(&self) -> bool;
    /// How many items the page holds.
    fn item_count(&self) -> usize;
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
    let mut walk = Walk::default();
    if let Some(cursor) = params.cursor() {
        walk.seen.insert(cursor);
    }
    stream::unfold(
        (State::Next(params), transport, walk),
        |(state, transport, mut walk)| async move {
            let mut params = match state {
                State::Next(params) => params,
                State::Fail(error) => return Some((Err(error), (State::Done, transport, walk))),
                State::Done => return None,
            };
            let page = match transport.call(&params).await {
                Ok(response) => response.into_value(),
                Err(error) => {
                    let error = PageError::new(params.cursor().map(str::to_owned), error);
                    return Some((Err(error), (State::Done, transport, walk)));
                }
            };
            walk.pages += 1;
            walk.empty_in_a_row = if page.item_count() == 0 {
                walk.empty_in_a_row + 1
            } else {
                0
            };
            // The page itself is good: it is yielded, and a failure found here comes after it.
            let fail = |error| {
                let resume = params.cursor().map(str::to_owned);
                State::Fail(PageError::new(resume, error))
            };
            let next = match page.next_cursor() {
                Some(next) if page.has_more() => {
                    if !walk.seen.insert(next) {
                        let error = Error::RepeatedCursor {
                            cursor: next.to_owned(),
                        };
                        State::Fail(PageError::new(Some(next.to_owned()), error))
                    } else if walk.empty_in_a_row >= MAX_EMPTY_PAGES {
                        fail(Error::EmptyPages {
                            count: walk.empty_in_a_row,
                        })
                    } else {
                        params.set_cursor(Some(next.to_owned()));
                        State::Next(params)
                    }
                }
                None if P::Response::SAYS_HAS_MORE && page.has_more() => {
                    fail(Error::MissingCursor { page: walk.pages })
                }
                _ => State::Done,
            };
            Some((Ok(page), (next, transport, walk)))
        },
    )
    .boxed()
}

/// Where a walk through the pages is.
#[derive(Default)]
struct Walk {
    seen: Seen,
    pages: u64,
    empty_in_a_row: u64,
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

/// How many recent cursors are remembered exactly.
const WINDOW: usize = 1024;

/// The cursors seen so far, in bounded memory: the last [`WINDOW`] exactly (by 64-bit hash), and
/// beyond that Brent's cycle detection, which keeps one cursor and catches a cycle of any length
/// (a cycle longer than the window is caught after at most about twice its length).
#[derive(Default)]
struct Seen {
    recent: HashSet<u64>,
    order: VecDeque<u64>,
    saved: Option<u64>,
    steps: u64,
    power: u64,
}

impl Seen {
    /// Records `cursor`; false if it was seen before.
    fn insert(&mut self, cursor: &str) -> bool {
        let mut hasher = DefaultHasher::new();
        cursor.hash(&mut hasher);
        let key = hasher.finish();
        if self.saved == Some(key) || !self.recent.insert(key) {
            return false;
        }
        self.order.push_back(key);
        if self.order.len() > WINDOW {
            if let Some(old) = self.order.pop_front() {
                self.recent.remove(&old);
            }
        }
        self.steps += 1;
        if self.steps >= self.power.max(1) {
            self.saved = Some(key);
            self.power = self.power.max(1) * 2;
            self.steps = 0;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cycles_are_caught_at_once_and_long_ones_soon() {
        let mut seen = Seen::default();
        assert!(seen.insert("a") && seen.insert("b"));
        assert!(!seen.insert("a"));

        // A cycle of 5,000 cursors, longer than the window: caught within about twice that.
        let mut seen = Seen::default();
        let caught = (0..20_000).position(|i| !seen.insert(&format!("c{}", i % 5_000)));
        let caught = caught.expect("the cycle is caught");
        assert!((5_000..15_000).contains(&caught), "{caught}");

        // A long run with no repeats is never refused, and memory stays bounded.
        let mut seen = Seen::default();
        assert!((0..100_000).all(|i| seen.insert(&format!("d{i}"))));
        assert!(seen.recent.len() <= WINDOW && seen.order.len() <= WINDOW);
    }
}
