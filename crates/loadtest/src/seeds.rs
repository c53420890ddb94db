//! Accounts and kitchens a scenario needs, written straight into the
//! deployment's database as the server would write them (only admins'
//! tooling may make drivers or restaurants through the API). The binary
//! provides the writer, since it owns the store: the load generator itself
//! depends on the model only.

use model::{MenuItemId, RestaurantId, Role, UserId};

/// Opens a deployment's database for seeding.
#[async_trait::async_trait]
pub trait Seeds: Send + Sync {
    async fn open(&self, database_url: &str) -> anyhow::Result<Box<dyn SeedDb>>;
}

/// One open database.
#[async_trait::async_trait]
pub trait SeedDb: Send + Sync {
    /// A new account with the demo password: its id. An email already
    /// taken is an error.
    async fn user(&self, email: &str, name: &str, role: Role) -> anyhow::Result<UserId>;
    /// A restaurant at (`lat`, `lng`) with one dish at 12.00, and
    /// `staff_id` its staff: the restaurant's id and the dish's.
    async fn kitchen(
        &self,
        name: &str,
        lat: f64,
        lng: f64,
        staff_id: UserId,
    ) -> anyhow::Result<(RestaurantId, MenuItemId)>;
    async fn close(&self);
}
