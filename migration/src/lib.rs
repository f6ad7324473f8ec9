//! Schema migrations: one file per change, named by timestamp, never edited
//! once released.

pub use sea_orm_migration::prelude::*;

mod m20261203_000001_create_catalog;
mod m20261203_000002_create_carts;
mod m20261203_000003_create_orders;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261203_000001_create_catalog::Migration),
            Box::new(m20261203_000002_create_carts::Migration),
            Box::new(m20261203_000003_create_orders::Migration),
        ]
    }
}
