//! Values parsed once at the edge, so that the rest of the code can trust
//! them: an `Email` is a valid address, a `CountryCode` is a real country.

pub mod address;
pub mod email;
pub mod money;
pub mod phone;
pub mod quantity;
