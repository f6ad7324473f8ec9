use serde::{Deserialize, Serialize};

use crate::error::{UserError, UserErrorCode};

/// A postal address as a shopper typed it, before any check.
#[derive(Debug, Clone, Default)]
pub struct AddressInput {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub province: Option<String>,
    pub postal_code: String,
    pub country_code: String,
    pub phone: Option<String>,
}

/// An address that passed every check: required fields present, each field
/// of a sane length, the country a real ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailingAddress {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub province: Option<String>,
    pub postal_code: String,
    pub country_code: String,
    pub phone: Option<String>,
}

const MAX_FIELD_LEN: usize = 255;

impl MailingAddress {
    /// Checks every field and reports each problem against its field path,
    /// under `prefix` (the input argument's name).
    pub fn parse(input: AddressInput, prefix: &[&str]) -> Result<Self, Vec<UserError>> {
        let mut errors = Vec::new();
        let mut required = |name: &str, value: String| -> String {
            let value = value.trim().to_string();
            if value.is_empty() {
                errors.push(UserError::new(
                    field_path(prefix, name),
                    format!("{name} is required"),
                    UserErrorCode::Required,
                ));
            } else if value.chars().count() > MAX_FIELD_LEN {
                errors.push(UserError::new(
                    field_path(prefix, name),
                    format!("{name} is longer than {MAX_FIELD_LEN} characters"),
                    UserErrorCode::Invalid,
                ));
            }
            value
        };
        let first_name = required("firstName", input.first_name);
        let last_name = required("lastName", input.last_name);
        let address1 = required("address1", input.address1);
        let city = required("city", input.city);
        let postal_code = required("postalCode", input.postal_code);
        let country_input = input.country_code.trim().to_ascii_uppercase();

        let mut optional = |name: &str, value: Option<String>| -> Option<String> {
            let value = value
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty());
            if value
                .as_ref()
                .is_some_and(|v| v.chars().count() > MAX_FIELD_LEN)
            {
                errors.push(UserError::new(
                    field_path(prefix, name),
                    format!("{name} is longer than {MAX_FIELD_LEN} characters"),
                    UserErrorCode::Invalid,
                ));
            }
            value
        };
        let company = optional("company", input.company);
        let address2 = optional("address2", input.address2);
        let province = optional("province", input.province);
        let phone = optional("phone", input.phone);
        if let Some(number) = &phone {
            if !super::phone::is_valid(number) {
                errors.push(UserError::new(
                    field_path(prefix, "phone"),
                    "This is not a valid phone number",
                    UserErrorCode::Invalid,
                ));
            }
        }

        let country_known =
            country_input.len() == 2 && isocountry::CountryCode::for_alpha2(&country_input).is_ok();
        if !country_known {
            errors.push(UserError::new(
                field_path(prefix, "countryCode"),
                format!(
                    "\"{}\" is not an ISO 3166-1 alpha-2 country code",
                    input.country_code.trim()
                ),
                UserErrorCode::InvalidCountryCode,
            ));
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(MailingAddress {
            first_name,
            last_name,
            company,
            address1,
            address2,
            city,
            province,
            postal_code,
            country_code: country_input,
            phone,
        })
    }
}

fn field_path(prefix: &[&str], name: &str) -> Vec<String> {
    prefix
        .iter()
        .map(|s| s.to_string())
        .chain(std::iter::once(name.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> AddressInput {
        AddressInput {
            first_name: "Jeanne".into(),
            last_name: "Martin".into(),
            address1: "12 rue des Lilas".into(),
            city: "Lyon".into(),
            postal_code: "69003".into(),
            country_code: "fr".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_address_is_accepted_with_its_country_upper_cased() {
        let address = MailingAddress::parse(valid(), &["address"]).expect("valid");
        assert_eq!(address.country_code, "FR");
        assert_eq!(address.company, None);
    }

    #[test]
    fn each_missing_field_is_reported_on_its_own_path() {
        let input = AddressInput {
            city: " ".into(),
            postal_code: String::new(),
            ..valid()
        };
        let errors = MailingAddress::parse(input, &["address"]).unwrap_err();
        let paths: Vec<_> = errors.iter().map(|e| e.field.clone().unwrap()).collect();
        assert_eq!(
            paths,
            vec![
                vec!["address".to_string(), "city".to_string()],
                vec!["address".to_string(), "postalCode".to_string()]
            ]
        );
    }

    #[test]
    fn an_unknown_country_code_is_refused() {
        for code in ["XX", "FRA", "", "1"] {
            let input = AddressInput {
                country_code: code.into(),
                ..valid()
            };
            let errors = MailingAddress::parse(input, &[]).unwrap_err();
            assert_eq!(errors[0].code, UserErrorCode::InvalidCountryCode, "{code}");
        }
    }
}
