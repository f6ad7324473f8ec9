//! Global ids: opaque to clients, they name the kind of object and its key.
//! A client must never build one; it reads them from responses.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Product,
    ProductVariant,
    Cart,
    CartLine,
    Order,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Product => "Product",
            Kind::ProductVariant => "ProductVariant",
            Kind::Cart => "Cart",
            Kind::CartLine => "CartLine",
            Kind::Order => "Order",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            Kind::Product,
            Kind::ProductVariant,
            Kind::Cart,
            Kind::CartLine,
            Kind::Order,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

const PREFIX: &str = "gid://comptoir/";

pub fn encode(kind: Kind, key: impl std::fmt::Display) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{PREFIX}{}/{key}", kind.name())))
}

/// The kind and key inside a global id, or `None` for anything malformed.
pub fn decode(id: &str) -> Option<(Kind, String)> {
    if id.len() > 256 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, key) = text.strip_prefix(PREFIX)?.split_once('/')?;
    if key.is_empty() {
        return None;
    }
    Some((Kind::from_name(kind)?, key.to_string()))
}

/// The numeric key of an id of `kind`.
pub fn decode_int(id: &str, kind: Kind) -> Option<i32> {
    match decode(id)? {
        (k, key) if k == kind => key.parse().ok().filter(|n: &i32| *n > 0),
        _ => None,
    }
}

/// The secret key of a cart id.
pub fn decode_cart(id: &str) -> Option<String> {
    match decode(id)? {
        (Kind::Cart, key) => Some(key),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_keep_their_kind() {
        let id = encode(Kind::Product, 42);
        assert_eq!(decode_int(&id, Kind::Product), Some(42));
        assert_eq!(decode_int(&id, Kind::ProductVariant), None);
    }

    #[test]
    fn malformed_ids_decode_to_nothing() {
        for bad in [
            "",
            "42",
            "!!!",
            &encode(Kind::Product, "x").0,
            &encode(Kind::Product, -1).0,
        ] {
            assert_eq!(decode_int(bad, Kind::Product), None, "{bad}");
        }
    }
}
