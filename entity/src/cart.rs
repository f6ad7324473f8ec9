use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The secret a shopper holds to reach this cart (at least 128 random bits).
    #[sea_orm(unique)]
    pub token: String,
    /// `open` or `completed` (an order was placed from it).
    pub status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The shipping address as JSON, validated before it is stored.
    pub shipping_address: Option<String>,
    pub shipping_method: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::cart_line::Entity")]
    Lines,
}

impl Related<super::cart_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Lines.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
