//! Who is signed in, loaded once per page load from the session cookie.

use leptos::prelude::*;

use crate::api::auth::current_user;
use crate::model::User;

#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Option<User>>);

impl CurrentUser {
    pub fn provide() {
        // A failed lookup shows the signed-out header; the server still
        // guards every page and call on its own.
        let user = Resource::new(|| (), |_| async { current_user().await.ok().flatten() });
        provide_context(CurrentUser(user));
    }

    pub fn get() -> Self {
        expect_context()
    }
}
