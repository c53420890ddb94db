//! One folder per role, plus the public pages.

pub mod admin;
pub mod auth;
pub mod customer;
pub mod driver;
pub mod landing;
pub mod not_found;
pub mod restaurant;
