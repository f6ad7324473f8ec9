//! The GraphQL API: one module per domain, merged into one schema. Resolvers
//! parse their arguments, call one service function and map the result.

mod cart;
mod catalog;
mod checkout;
mod ids;
mod money;
mod node;
mod orders;
mod pagination;
mod scalars;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};

use crate::app::AppState;
use crate::error::{internal_error, Error, UserError};
use crate::loaders::Loaders;

#[derive(MergedObject, Default)]
pub struct Query(
    catalog::CatalogQuery,
    cart::CartQuery,
    orders::OrderQuery,
    node::NodeQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(cart::CartMutation, checkout::CheckoutMutation);

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The request id the HTTP layer gave this request, echoed in errors.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

pub fn build_schema(state: AppState) -> AppSchema {
    let limits = state.settings.limits.clone();
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_recursion)
        .limit_directives(limits.max_directives);
    if !state.settings.introspection_enabled() {
        builder = builder.disable_introspection();
    }
    if state.settings.env == crate::config::Environment::Production {
        builder = builder.disable_suggestions();
    }
    builder.data(state).finish()
}

/// The SDL of the schema, as `comptoir schema` prints it.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .finish()
        .sdl()
}

fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

fn loaders<'a>(ctx: &Context<'a>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

/// Logs an infrastructure failure and returns the bare `INTERNAL` error.
fn internal(ctx: &Context<'_>, err: impl Into<anyhow::Error>) -> async_graphql::Error {
    let request_id = ctx.data_opt::<RequestId>().map(|r| r.0.as_str());
    internal_error(&err.into(), request_id)
}

/// Splits a service outcome into the value and the user errors of a
/// mutation payload; infrastructure failures become a top-level error.
fn outcome<T>(
    ctx: &Context<'_>,
    result: Result<T, Error>,
) -> async_graphql::Result<(Option<T>, Vec<UserError>)> {
    match result {
        Ok(value) => Ok((Some(value), Vec::new())),
        Err(Error::User(errors)) => Ok((None, errors)),
        Err(Error::Internal(err)) => Err(internal(ctx, err)),
    }
}
