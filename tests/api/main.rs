//! Black-box tests: the real server on a fresh database, spoken to in
//! GraphQL over HTTP. Every test that names a database runs on SQLite and on
//! PostgreSQL (`name::sqlite`, `name::postgres`).

mod support;

mod cart;
mod catalog;
mod checkout;
mod import;
mod protocol;
mod schema;
mod shop;
