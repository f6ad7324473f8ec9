use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Orders::Table)
                    .col(pk_auto(Orders::Id))
                    .col(big_integer_uniq(Orders::Number))
                    .col(integer(Orders::CartId))
                    .col(string_uniq(Orders::IdempotencyKey))
                    .col(string(Orders::Email))
                    .col(string_null(Orders::Phone))
                    .col(string(Orders::Status))
                    .col(string(Orders::Currency))
                    .col(big_integer(Orders::Subtotal))
                    .col(big_integer(Orders::DiscountAmount))
                    .col(big_integer(Orders::ShippingAmount))
                    .col(big_integer(Orders::LoyaltyAmount))
                    .col(big_integer(Orders::Total))
                    .col(text(Orders::ShippingAddress))
                    .col(string(Orders::ShippingMethodHandle))
                    .col(string(Orders::ShippingMethodTitle))
                    .col(string(Orders::PaymentMethod))
                    .col(string_null(Orders::PaymentReference))
                    .col(integer(Orders::LoyaltyPointsEarned))
                    .col(timestamp_with_time_zone(Orders::PlacedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderLines::Table)
                    .col(pk_auto(OrderLines::Id))
                    .col(integer(OrderLines::OrderId))
                    .col(integer_null(OrderLines::VariantId))
                    .col(string(OrderLines::Title))
                    .col(string(OrderLines::VariantTitle))
                    .col(string_null(OrderLines::Sku))
                    .col(integer(OrderLines::Quantity))
                    .col(big_integer(OrderLines::UnitPrice))
                    .col(big_integer(OrderLines::TotalPrice))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderLines::Table, OrderLines::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_order_lines_order")
                    .table(OrderLines::Table)
                    .col(OrderLines::OrderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderAccessTokens::Table)
                    .col(pk_auto(OrderAccessTokens::Id))
                    .col(integer(OrderAccessTokens::OrderId))
                    .col(string_uniq(OrderAccessTokens::TokenHash))
                    .col(timestamp_with_time_zone(OrderAccessTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderAccessTokens::Table, OrderAccessTokens::OrderId)
                            .to(Orders::Table, Orders::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Counters::Table)
                    .col(string(Counters::Name).primary_key())
                    .col(big_integer(Counters::Value))
                    .to_owned(),
            )
            .await?;
        // The first order is number 1001, as shoppers are used to seeing.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(Counters::Table)
                    .columns([Counters::Name, Counters::Value])
                    .values_panic(["order_number".into(), 1000i64.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Counters::Table.into_iden(),
            OrderAccessTokens::Table.into_iden(),
            OrderLines::Table.into_iden(),
            Orders::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Orders {
    Table,
    Id,
    Number,
    CartId,
    IdempotencyKey,
    Email,
    Phone,
    Status,
    Currency,
    Subtotal,
    DiscountAmount,
    ShippingAmount,
    LoyaltyAmount,
    Total,
    ShippingAddress,
    ShippingMethodHandle,
    ShippingMethodTitle,
    PaymentMethod,
    PaymentReference,
    LoyaltyPointsEarned,
    PlacedAt,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    VariantId,
    Title,
    VariantTitle,
    Sku,
    Quantity,
    UnitPrice,
    TotalPrice,
}

#[derive(DeriveIden)]
enum OrderAccessTokens {
    Table,
    Id,
    OrderId,
    TokenHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}
