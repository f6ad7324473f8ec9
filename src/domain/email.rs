/// An email address that has passed syntax checks, stored trimmed and with
/// its domain lower-cased (the local part is the mailbox owner's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Option<Self> {
        let trimmed = input.trim();
        if trimmed.len() > 254 || !email_address::EmailAddress::is_valid(trimmed) {
            return None;
        }
        let (local, domain) = trimmed.rsplit_once('@')?;
        // Reject addresses with no dot in the domain: a shop cannot mail
        // `someone@localhost`.
        if !domain.contains('.') || domain.starts_with('[') {
            return None;
        }
        Some(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn a_plain_address_is_kept_with_its_domain_lower_cased() {
        assert_eq!(
            Email::parse("  Marie.Curie@Example.FR ").map(Email::into_string),
            Some("Marie.Curie@example.fr".to_string())
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in ["", "plain", "a@", "@b.com", "a@b", "a b@c.com", "a@@b.com"] {
            assert_eq!(Email::parse(bad), None, "{bad}");
        }
    }
}
