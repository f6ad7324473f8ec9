use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Sorting by title must give the same order on both databases:
        // byte order, which is SQLite's default and PostgreSQL's "C".
        let mut search_title = string(Products::SearchTitle);
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            search_title.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .col(pk_auto(Products::Id))
                    .col(string_uniq(Products::Handle))
                    .col(string(Products::Title))
                    .col(text(Products::BodyHtml))
                    .col(text(Products::Description))
                    .col(string(Products::Vendor))
                    .col(string(Products::ProductType))
                    .col(text(Products::Tags))
                    .col(text(Products::OptionNames))
                    .col(boolean(Products::Published))
                    .col(search_title)
                    .col(text(Products::SearchText))
                    .col(big_integer(Products::MinPrice))
                    .col(big_integer(Products::MaxPrice))
                    .col(timestamp_with_time_zone(Products::CreatedAt))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_products_title", Products::SearchTitle),
            ("idx_products_min_price", Products::MinPrice),
            ("idx_products_vendor", Products::Vendor),
            ("idx_products_type", Products::ProductType),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Products::Table)
                        .col(column)
                        .col(Products::Id)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ProductVariants::Table)
                    .col(pk_auto(ProductVariants::Id))
                    .col(integer(ProductVariants::ProductId))
                    .col(integer(ProductVariants::Position))
                    .col(text(ProductVariants::OptionValues))
                    .col(string_null(ProductVariants::Sku))
                    .col(big_integer(ProductVariants::Price))
                    .col(big_integer_null(ProductVariants::CompareAtPrice))
                    .col(boolean(ProductVariants::InventoryTracked))
                    .col(integer(ProductVariants::InventoryQuantity))
                    .col(boolean(ProductVariants::AllowBackorder))
                    .col(integer(ProductVariants::Grams))
                    .col(text_null(ProductVariants::ImageUrl))
                    .col(timestamp_with_time_zone(ProductVariants::CreatedAt))
                    .col(timestamp_with_time_zone(ProductVariants::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductVariants::Table, ProductVariants::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_variants_product")
                    .table(ProductVariants::Table)
                    .col(ProductVariants::ProductId)
                    .col(ProductVariants::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductImages::Table)
                    .col(pk_auto(ProductImages::Id))
                    .col(integer(ProductImages::ProductId))
                    .col(integer(ProductImages::Position))
                    .col(text(ProductImages::Url))
                    .col(text_null(ProductImages::AltText))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductImages::Table, ProductImages::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_images_product")
                    .table(ProductImages::Table)
                    .col(ProductImages::ProductId)
                    .col(ProductImages::Position)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProductTags::Table)
                    .col(integer(ProductTags::ProductId))
                    .col(string(ProductTags::Tag))
                    .primary_key(
                        Index::create()
                            .col(ProductTags::ProductId)
                            .col(ProductTags::Tag),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProductTags::Table, ProductTags::ProductId)
                            .to(Products::Table, Products::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_product_tags_tag")
                    .table(ProductTags::Table)
                    .col(ProductTags::Tag)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProductTags::Table.into_iden(),
            ProductImages::Table.into_iden(),
            ProductVariants::Table.into_iden(),
            Products::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Products {
    Table,
    Id,
    Handle,
    Title,
    BodyHtml,
    Description,
    Vendor,
    ProductType,
    Tags,
    OptionNames,
    Published,
    SearchTitle,
    SearchText,
    MinPrice,
    MaxPrice,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum ProductVariants {
    Table,
    Id,
    ProductId,
    Position,
    OptionValues,
    Sku,
    Price,
    CompareAtPrice,
    InventoryTracked,
    InventoryQuantity,
    AllowBackorder,
    Grams,
    ImageUrl,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProductImages {
    Table,
    Id,
    ProductId,
    Position,
    Url,
    AltText,
}

#[derive(DeriveIden)]
enum ProductTags {
    Table,
    ProductId,
    Tag,
}
