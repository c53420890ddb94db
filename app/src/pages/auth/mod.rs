//! Signing in and creating an account. Both forms work without JavaScript
//! too: they post to the server functions, which redirect.

mod login;
mod register;

pub use login::Login;
pub use register::Register;
