use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Human order number, sequential per store.
    #[sea_orm(unique)]
    pub number: i64,
    pub cart_id: i32,
    #[sea_orm(unique)]
    pub idempotency_key: String,
    pub email: String,
    pub phone: Option<String>,
    /// `PLACED`, `PAID`, `FULFILLED` or `CANCELLED`.
    pub status: String,
    pub currency: String,
    pub subtotal: i64,
    pub discount_amount: i64,
    pub shipping_amount: i64,
    pub loyalty_amount: i64,
    pub total: i64,
    /// Snapshot of the address as JSON.
    pub shipping_address: String,
    pub shipping_method_handle: String,
    pub shipping_method_title: String,
    pub payment_method: String,
    pub payment_reference: Option<String>,
    pub loyalty_points_earned: i32,
    pub placed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::order_line::Entity")]
    Lines,
}

impl Related<super::order_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lines.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
