//! Shipping methods come from configuration; the cart and checkout read
//! their price from here, never from the client.

use std::str::FromStr;

use crate::domain::money::Minor;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethod {
    pub handle: String,
    pub title: String,
    pub price: Minor,
}

/// The configured list, parsed from `handle:title:price;…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingMethodConfig(pub Vec<ShippingMethod>);

impl FromStr for ShippingMethodConfig {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut methods = Vec::new();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let mut parts = entry.splitn(3, ':');
            let (Some(handle), Some(title), Some(price)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(format!("\"{entry}\" is not handle:title:price"));
            };
            let price = Minor::parse(price)
                .map_err(|e| format!("price of shipping method \"{handle}\" {e}"))?;
            if methods
                .iter()
                .any(|m: &ShippingMethod| m.handle == handle.trim())
            {
                return Err(format!("shipping method \"{handle}\" is listed twice"));
            }
            methods.push(ShippingMethod {
                handle: handle.trim().to_string(),
                title: title.trim().to_string(),
                price,
            });
        }
        if methods.is_empty() {
            return Err("at least one shipping method is needed".into());
        }
        Ok(ShippingMethodConfig(methods))
    }
}

/// The shipping offer of the store: its methods, and the merchandise
/// subtotal above which `standard` costs nothing.
#[derive(Debug, Clone)]
pub struct ShippingPolicy {
    pub methods: Vec<ShippingMethod>,
    pub free_standard_from: Option<Minor>,
}

/// The handle whose price drops to zero above the free-shipping threshold.
const FREE_ABOVE_THRESHOLD: &str = "standard";

impl ShippingPolicy {
    /// The methods with the price this subtotal would pay.
    pub fn offers(&self, subtotal: Minor) -> Vec<ShippingMethod> {
        self.methods
            .iter()
            .map(|method| ShippingMethod {
                price: self.price_of(method, subtotal),
                ..method.clone()
            })
            .collect()
    }

    pub fn offer(&self, handle: &str, subtotal: Minor) -> Option<ShippingMethod> {
        self.offers(subtotal)
            .into_iter()
            .find(|m| m.handle == handle)
    }

    pub fn exists(&self, handle: &str) -> bool {
        self.methods.iter().any(|m| m.handle == handle)
    }

    fn price_of(&self, method: &ShippingMethod, subtotal: Minor) -> Minor {
        match self.free_standard_from {
            Some(threshold) if method.handle == FREE_ABOVE_THRESHOLD && subtotal >= threshold => {
                Minor(0)
            }
            _ => method.price,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ShippingPolicy {
        let config: ShippingMethodConfig =
            "standard:Standard:4.90; express:Express:9.90;pickup:Pickup:0"
                .parse()
                .unwrap();
        ShippingPolicy {
            methods: config.0,
            free_standard_from: Some(Minor(5000)),
        }
    }

    #[test]
    fn the_configuration_lists_each_method_with_its_price() {
        let handles: Vec<_> = policy().methods.iter().map(|m| m.handle.clone()).collect();
        assert_eq!(handles, ["standard", "express", "pickup"]);
        assert_eq!(policy().methods[1].price, Minor(990));
    }

    #[test]
    fn standard_shipping_is_free_from_the_threshold_and_express_never() {
        assert_eq!(
            policy().offer("standard", Minor(4999)).unwrap().price,
            Minor(490)
        );
        assert_eq!(
            policy().offer("standard", Minor(5000)).unwrap().price,
            Minor(0)
        );
        assert_eq!(
            policy().offer("express", Minor(90000)).unwrap().price,
            Minor(990)
        );
    }

    #[test]
    fn malformed_configuration_is_refused() {
        assert!("standard:Standard".parse::<ShippingMethodConfig>().is_err());
        assert!("a:A:1;a:B:2".parse::<ShippingMethodConfig>().is_err());
        assert!("a:A:-1".parse::<ShippingMethodConfig>().is_err());
        assert!("".parse::<ShippingMethodConfig>().is_err());
    }
}
