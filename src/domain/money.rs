use rust_decimal::Decimal;

/// ISO 4217 codes of the currencies a store can sell in. Every one of them
/// has two minor digits, which `Money` relies on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, async_graphql::Enum, serde::Serialize,
)]
#[clap(rename_all = "UPPER")]
pub enum CurrencyCode {
    Eur,
    Usd,
    Gbp,
    Chf,
    Cad,
    Aud,
    Sek,
    Nok,
    Dkk,
    Pln,
}

/// An amount of the store currency in minor units (cents). Arithmetic stays
/// in integers; decimals appear only at the API's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Minor(pub i64);

/// Largest amount accepted from outside (a price or a threshold):
/// 1,000,000.00. Anything above is far more likely a typo or a mangled
/// column than a real price.
const MAX_MINOR: i64 = 100_000_000;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must not be negative")]
    Negative,
    #[error("has more than 2 decimal places")]
    TooPrecise,
    #[error("exceeds the maximum of 1000000.00")]
    TooLarge,
    #[error("is not a number")]
    NotANumber,
}

impl Minor {
    pub fn from_decimal(value: Decimal) -> Result<Self, MoneyError> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(MoneyError::Negative);
        }
        // Checked: a client may send a decimal near the type's maximum.
        let cents = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(MoneyError::TooLarge)?;
        if cents.fract() != Decimal::ZERO {
            return Err(MoneyError::TooPrecise);
        }
        let cents: i64 = cents.try_into().map_err(|_| MoneyError::TooLarge)?;
        if cents > MAX_MINOR {
            return Err(MoneyError::TooLarge);
        }
        Ok(Minor(cents))
    }

    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let value: Decimal = text.trim().parse().map_err(|_| MoneyError::NotANumber)?;
        Self::from_decimal(value)
    }

    /// The amount as a decimal with exactly two places, as shoppers read it.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

impl std::ops::Add for Minor {
    type Output = Minor;
    fn add(self, other: Minor) -> Minor {
        Minor(self.0.saturating_add(other.0))
    }
}

impl std::ops::Sub for Minor {
    type Output = Minor;
    fn sub(self, other: Minor) -> Minor {
        Minor(self.0.saturating_sub(other.0))
    }
}

impl std::ops::Mul<i64> for Minor {
    type Output = Minor;
    fn mul(self, quantity: i64) -> Minor {
        Minor(self.0.saturating_mul(quantity))
    }
}

impl std::iter::Sum for Minor {
    fn sum<I: Iterator<Item = Minor>>(iter: I) -> Minor {
        iter.fold(Minor(0), |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_become_whole_cents() {
        assert_eq!(Minor::parse("42.99"), Ok(Minor(4299)));
        assert_eq!(Minor::parse("10"), Ok(Minor(1000)));
        assert_eq!(Minor::parse("0.5"), Ok(Minor(50)));
        assert_eq!(Minor::parse("85.00"), Ok(Minor(8500)));
    }

    #[test]
    fn fractions_of_a_cent_and_negative_prices_are_refused() {
        assert_eq!(Minor::parse("1.999"), Err(MoneyError::TooPrecise));
        assert_eq!(Minor::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Minor::parse("1000000.01"), Err(MoneyError::TooLarge));
        assert_eq!(
            Minor::parse("99999999999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(Minor::parse("abc"), Err(MoneyError::NotANumber));
        assert_eq!(
            Minor::parse("79228162514264337593543950335"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn amounts_print_with_two_decimals() {
        assert_eq!(Minor(1990).to_decimal().to_string(), "19.90");
        assert_eq!(Minor(5).to_decimal().to_string(), "0.05");
        assert_eq!(Minor(0).to_decimal().to_string(), "0.00");
    }
}
