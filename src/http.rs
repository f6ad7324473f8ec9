//! HTTP wiring: the GraphQL endpoint with its request limits, GraphiQL, the
//! health check, CORS and request ids.

use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse, ServerError};
use async_graphql_poem::GraphQLBatchResponse;
use poem::http::{header, Method, StatusCode};
use poem::middleware::{CatchPanic, Cors, ReqId, RequestId, ReuseId, Tracing};
use poem::web::{Data, Html, Json};
use poem::{get, handler, Body, EndpointExt, IntoResponse, Request, Response, Route};

use crate::app::AppState;
use crate::error::codes;
use crate::graphql::{AppSchema, RequestId as GraphqlRequestId};
use crate::loaders::Loaders;

pub fn routes(state: AppState) -> impl poem::Endpoint {
    let schema = state.schema();
    let cors = cors(&state.settings.cors_origins);
    Route::new()
        .at("/graphql", get(graphiql).post(graphql))
        .at("/health", get(health))
        .with(cors)
        // Errors (404, 405, CORS refusals) become responses here, so that
        // they too carry the request id header.
        .catch_all_error(|err: poem::Error| async move { err.into_response() })
        // Inside the request id's span, so each request's log line carries it.
        .with(Tracing)
        .with(RequestId::default().reuse_id(ReuseId::Ignore))
        .with(CatchPanic::new().with_handler(|_| {
            // A bug, never the client's doing; still a JSON answer with a code.
            tracing::error!("a request panicked");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error",
                codes::INTERNAL,
                "-",
            )
        }))
        .data(schema)
        .data(state)
}

fn cors(origins: &str) -> Cors {
    // Any request header is allowed: front-end libraries add their own.
    let cors = Cors::new()
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .expose_header("x-request-id")
        .max_age(3600);
    origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty() && *o != "*")
        .fold(cors, |cors, origin| cors.allow_origin(origin))
}

#[handler]
async fn graphiql(Data(state): Data<&AppState>) -> Response {
    if !state.settings.graphiql_enabled() {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
}

#[handler]
async fn health(Data(state): Data<&AppState>) -> Response {
    if state.db.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// A response made of one top-level error, for requests refused before
/// execution.
fn refusal(status: StatusCode, message: &str, code: &str, request_id: &str) -> Response {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    extensions.set("requestId", request_id);
    error.extensions = Some(extensions);
    let body = async_graphql::Response::from_errors(vec![error]);
    (status, Json(body)).into_response()
}

#[handler]
async fn graphql(
    Data(state): Data<&AppState>,
    Data(schema): Data<&AppSchema>,
    request_id: ReqId,
    request: &Request,
    body: Body,
) -> Response {
    let request_id = request_id.to_string();
    let limits = &state.settings.limits;
    let declared_length = request
        .header(header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    let bytes = match read_body(body, limits.max_body_bytes, declared_length).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return too_large(limits.max_body_bytes, &request_id),
        Err(_) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "The request body could not be read",
                codes::BAD_USER_INPUT,
                &request_id,
            )
        }
    };
    let batch: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(batch) => batch,
        Err(err) => {
            let problem = if err.is_data() {
                "expected an object with a `query` string, or a list of them".to_string()
            } else {
                format!(
                    "malformed JSON at line {} column {}",
                    err.line(),
                    err.column()
                )
            };
            return refusal(
                StatusCode::BAD_REQUEST,
                &format!("The body is not a GraphQL request: {problem}"),
                codes::BAD_USER_INPUT,
                &request_id,
            );
        }
    };
    let batch = match batch {
        BatchRequest::Batch(requests) if requests.len() > limits.max_batch => {
            return refusal(
                StatusCode::BAD_REQUEST,
                &format!("A batch holds at most {} operations", limits.max_batch),
                codes::BATCH_TOO_LARGE,
                &request_id,
            )
        }
        // serde reads `[]` as a request with every field left out, so an
        // empty batch arrives here as a request without a query.
        BatchRequest::Single(request) if request.query.trim().is_empty() => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "The request has no query",
                codes::BAD_USER_INPUT,
                &request_id,
            )
        }
        BatchRequest::Batch(requests) if requests.is_empty() => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "The batch is empty",
                codes::BAD_USER_INPUT,
                &request_id,
            )
        }
        BatchRequest::Single(request) => {
            BatchRequest::Single(with_request_data(request, state, &request_id))
        }
        BatchRequest::Batch(requests) => BatchRequest::Batch(
            requests
                .into_iter()
                .map(|r| with_request_data(r, state, &request_id))
                .collect(),
        ),
    };
    let timeout = Duration::from_millis(limits.execution_timeout_ms);
    match tokio::time::timeout(timeout, schema.execute_batch(batch)).await {
        Ok(mut response) => {
            match &mut response {
                BatchResponse::Single(one) => add_missing_codes(one),
                BatchResponse::Batch(all) => all.iter_mut().for_each(add_missing_codes),
            }
            GraphQLBatchResponse::from(response).into_response()
        }
        Err(_) => {
            tracing::warn!(request_id = %request_id, "request timed out");
            refusal(
                StatusCode::OK,
                "The request took too long and was stopped",
                codes::TIMEOUT,
                &request_id,
            )
        }
    }
}

/// Gives every error a code, so that clients can branch on
/// `extensions.code` alone. Errors the schema raises itself (a malformed
/// document, a limit, a value of the wrong type) come without one.
fn add_missing_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_some() {
            continue;
        }
        let message = error.message.as_str();
        let code = if message.contains("too complex") {
            codes::COMPLEXITY_LIMIT_EXCEEDED
        } else if message.contains("nested too deep") || message.contains("recursion") {
            codes::DEPTH_LIMIT_EXCEEDED
        } else if message.trim_start().starts_with("-->") {
            codes::GRAPHQL_PARSE_FAILED
        } else if !error.path.is_empty() {
            // An argument that failed to parse while executing a field.
            codes::BAD_USER_INPUT
        } else {
            codes::GRAPHQL_VALIDATION_FAILED
        };
        extensions.set("code", code);
    }
}

/// Most bytes of an oversized body read and thrown away before answering
/// 413. A client still sending when the server answers and closes would see
/// its connection reset instead of the 413; reading a bounded excess lets
/// ordinary clients get the answer, and anything larger is cut off.
const OVERSIZED_BODY_DRAIN: usize = 4 * 1024 * 1024;

/// The body when it is at most `max` bytes, `None` when it is larger.
async fn read_body(
    body: Body,
    max: usize,
    declared_length: Option<usize>,
) -> std::io::Result<Option<Vec<u8>>> {
    use futures_util::StreamExt;
    if declared_length.is_some_and(|len| len > OVERSIZED_BODY_DRAIN) {
        return Ok(None);
    }
    let mut stream = std::pin::pin!(body.into_bytes_stream());
    let mut bytes = Vec::with_capacity(declared_length.unwrap_or(0).min(max));
    let mut received = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        received = received.saturating_add(chunk.len());
        if received <= max {
            bytes.extend_from_slice(&chunk);
        } else if received > OVERSIZED_BODY_DRAIN {
            break;
        }
    }
    Ok((received <= max).then_some(bytes))
}

fn too_large(max: usize, request_id: &str) -> Response {
    refusal(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("The request body is larger than {max} bytes"),
        codes::PAYLOAD_TOO_LARGE,
        request_id,
    )
}

fn with_request_data(
    request: async_graphql::Request,
    state: &AppState,
    request_id: &str,
) -> async_graphql::Request {
    request
        .data(Loaders::new(&state.db))
        .data(GraphqlRequestId(request_id.to_string()))
}
