//! comptoir: a headless storefront backend serving a GraphQL API.

pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod import;
pub mod loaders;
pub mod services;
