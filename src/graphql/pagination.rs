//! Relay connection arguments: checked once here for every connection.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, OutputType};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{client_error, codes};
use crate::services::catalog::PageRequest;

/// Page size when a client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: usize = 20;

/// The complexity of a connection field: its page size times the cost of
/// what each item selects. Capped far above any limit, because the schema
/// adds complexities without overflow checks and a hostile query could
/// otherwise wrap the sum around to a small number.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    const CEILING: usize = 1 << 40;
    let size = first
        .or(last)
        .map_or(DEFAULT_PAGE_SIZE, |n| n.max(0) as usize);
    size.max(1).saturating_mul(child).min(CEILING)
}

pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        PageArgs {
            first,
            after,
            last,
            before,
        }
    }

    /// The requested slice, with cursors decoded by `decode`.
    pub fn request<C>(
        self,
        ctx: &Context<'_>,
        decode: impl Fn(&str) -> Option<C>,
    ) -> async_graphql::Result<PageRequest<C>> {
        let max = super::state(ctx).settings.limits.max_page_size;
        let size = |name: &str, n: i32| -> async_graphql::Result<usize> {
            if n < 0 || n as usize > max {
                return Err(client_error(
                    format!("`{name}` must be between 0 and {max}"),
                    codes::PAGE_SIZE_EXCEEDED,
                ));
            }
            Ok(n as usize)
        };
        let cursor = |name: &str, raw: Option<String>| -> async_graphql::Result<Option<C>> {
            raw.map(|raw| {
                decode(&raw).ok_or_else(|| {
                    client_error(
                        format!("`{name}` is not a cursor of this list"),
                        codes::BAD_USER_INPUT,
                    )
                })
            })
            .transpose()
        };
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(client_error(
                "Pass `first` or `last`, not both",
                codes::BAD_USER_INPUT,
            )),
            (None, Some(last)) => Ok(PageRequest::Backward {
                last: size("last", last)?,
                before: cursor("before", self.before)?,
            }),
            (first, None) => {
                if self.before.is_some() {
                    return Err(client_error(
                        "`before` goes with `last`",
                        codes::BAD_USER_INPUT,
                    ));
                }
                Ok(PageRequest::Forward {
                    first: size("first", first.unwrap_or(DEFAULT_PAGE_SIZE as i32))?,
                    after: cursor("after", self.after)?,
                })
            }
        }
    }
}

fn encode_index(index: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("i{index}"))
}

fn decode_index(cursor: &str) -> Option<usize> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    std::str::from_utf8(&bytes)
        .ok()?
        .strip_prefix('i')?
        .parse()
        .ok()
}

/// Pages through a short list already in memory (a product's variants, a
/// cart's lines); cursors are positions in the list.
pub fn paginate_in_memory<T: OutputType, U>(
    ctx: &Context<'_>,
    items: Vec<U>,
    args: PageArgs,
    wrap: impl Fn(U) -> T,
) -> async_graphql::Result<Connection<String, T>> {
    let total = items.len();
    let (start, end) = match args.request(ctx, decode_index)? {
        PageRequest::Forward { first, after } => {
            let start = after.map_or(0, |i| i.saturating_add(1)).min(total);
            (start, (start + first).min(total))
        }
        PageRequest::Backward { last, before } => {
            let end = before.unwrap_or(total).min(total);
            (end.saturating_sub(last), end)
        }
    };
    let mut connection = Connection::new(start > 0, end < total);
    connection.edges.extend(
        items
            .into_iter()
            .enumerate()
            .skip(start)
            .take(end - start)
            .map(|(i, item)| Edge::new(encode_index(i), wrap(item))),
    );
    Ok(connection)
}
