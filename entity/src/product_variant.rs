use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_variants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub product_id: i32,
    pub position: i32,
    /// Option values joined by newlines, in the product's option order; the
    /// identity of a variant within its product.
    pub option_values: String,
    pub sku: Option<String>,
    /// Minor units of the store currency.
    pub price: i64,
    pub compare_at_price: Option<i64>,
    pub inventory_tracked: bool,
    pub inventory_quantity: i32,
    pub allow_backorder: bool,
    pub grams: i32,
    pub image_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id"
    )]
    Product,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
