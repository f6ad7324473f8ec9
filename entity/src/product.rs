use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub handle: String,
    pub title: String,
    pub body_html: String,
    /// `body_html` with the markup removed, for clients that show plain text.
    pub description: String,
    pub vendor: String,
    pub product_type: String,
    /// Tags joined by commas (Shopify tags cannot contain a comma).
    pub tags: String,
    /// Option names in order, joined by newlines.
    pub option_names: String,
    pub published: bool,
    /// Lower-cased title, for case-insensitive search on every database.
    pub search_title: String,
    /// Lower-cased title, description, vendor, type and tags.
    pub search_text: String,
    /// Cheapest and dearest variant price in minor units, kept in step with
    /// the variants so that sorting by price is a plain indexed column.
    pub min_price: i64,
    pub max_price: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::product_variant::Entity")]
    Variants,
    #[sea_orm(has_many = "super::product_image::Entity")]
    Images,
    #[sea_orm(has_many = "super::product_tag::Entity")]
    Tags,
}

impl Related<super::product_variant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Variants.def()
    }
}

impl Related<super::product_image::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Images.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
