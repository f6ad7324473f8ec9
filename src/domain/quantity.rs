/// A number of units in a cart line: at least 1, at most the store's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i32);

impl Quantity {
    pub fn parse(value: i32, max: i32) -> Option<Self> {
        (1..=max).contains(&value).then_some(Quantity(value))
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;

    #[test]
    fn quantities_run_from_one_to_the_limit() {
        assert_eq!(Quantity::parse(1, 99).map(Quantity::get), Some(1));
        assert_eq!(Quantity::parse(99, 99).map(Quantity::get), Some(99));
        assert_eq!(Quantity::parse(0, 99), None);
        assert_eq!(Quantity::parse(-3, 99), None);
        assert_eq!(Quantity::parse(100, 99), None);
        assert_eq!(Quantity::parse(i32::MAX, 99), None);
    }
}
