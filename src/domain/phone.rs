/// Whether `number` looks like a phone number a courier could dial: digits
/// with the usual separators, 6 to 20 digits. Formats differ too much between
/// countries to check more without a numbering-plan database.
pub fn is_valid(number: &str) -> bool {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let allowed = number
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    allowed && (6..=20).contains(&digits) && number.len() <= 32
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn common_formats_are_accepted_and_text_refused() {
        for ok in ["+33 6 12 34 56 78", "(555) 123-4567", "0612345678"] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["", "12345", "not a phone <b>", "+33 6 12 34 56 78 ext. 9"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
