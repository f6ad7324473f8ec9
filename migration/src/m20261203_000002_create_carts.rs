use sea_orm_migration::{prelude::*, schema::*};

use super::m20261203_000001_create_catalog::ProductVariants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Carts::Table)
                    .col(pk_auto(Carts::Id))
                    .col(string_uniq(Carts::Token))
                    .col(string(Carts::Status))
                    .col(string_null(Carts::Email))
                    .col(string_null(Carts::Phone))
                    .col(text_null(Carts::ShippingAddress))
                    .col(string_null(Carts::ShippingMethod))
                    .col(timestamp_with_time_zone(Carts::CreatedAt))
                    .col(timestamp_with_time_zone(Carts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CartLines::Table)
                    .col(pk_auto(CartLines::Id))
                    .col(integer(CartLines::CartId))
                    .col(integer(CartLines::VariantId))
                    .col(integer(CartLines::Quantity))
                    .col(big_integer(CartLines::SeenPrice))
                    .col(timestamp_with_time_zone(CartLines::CreatedAt))
                    .col(timestamp_with_time_zone(CartLines::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CartLines::Table, CartLines::CartId)
                            .to(Carts::Table, Carts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CartLines::Table, CartLines::VariantId)
                            .to(ProductVariants::Table, ProductVariants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cart_lines_cart_variant")
                    .table(CartLines::Table)
                    .col(CartLines::CartId)
                    .col(CartLines::VariantId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CartLines::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Carts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Carts {
    Table,
    Id,
    Token,
    Status,
    Email,
    Phone,
    ShippingAddress,
    ShippingMethod,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CartLines {
    Table,
    Id,
    CartId,
    VariantId,
    Quantity,
    SeenPrice,
    CreatedAt,
    UpdatedAt,
}
