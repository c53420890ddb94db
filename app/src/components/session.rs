//! Who is signed in, loaded once per page load from the session cookie.

use leptos::prelude::*;

use crate::api::auth::current_user;
use model::User;

#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Option<User>>, RwSignal<Option<User>>);

impl CurrentUser {
    pub fn provide() {
        // A failed lookup shows the signed-out header; the server still
        // guards every page and call on its own.
        let user = Resource::new(|| (), |_| async { current_user().await.ok().flatten() });
        let known = RwSignal::new(None);
        Effect::new(move |_| known.set(user.get().flatten()));
        provide_context(CurrentUser(user, known));
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The user, known in the browser once the page has hydrated (`None`
    /// while the server renders and while the browser hydrates, so both
    /// build the same page). For what must render on the server, await the
    /// resource under `<Suspense>` instead.
    pub fn after_hydration(self) -> Signal<Option<User>> {
        self.1.into()
    }
}
