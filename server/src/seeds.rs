//! The load generator's and the simulator's accounts, written through the
//! store as the server writes its own: `loadtest` depends on the model
//! only, so the binary hands it this.

use anyhow::Context;
use mealstream_core::service::password;
use mealstream_core::store::restaurants::NewRestaurant;
use mealstream_core::store::{self, Db};
use model::{MenuItemId, Password, RestaurantId, Role, UserId, DEMO_PASSWORD};

pub struct StoreSeeds;

struct StoreSeedDb {
    db: Db,
    /// The demo password's hash, computed once for every account.
    hash: String,
}

#[async_trait::async_trait]
impl loadtest::Seeds for StoreSeeds {
    async fn open(&self, database_url: &str) -> anyhow::Result<Box<dyn loadtest::SeedDb>> {
        let db = Db::connect(database_url).await?;
        db.migrate().await.context("migrations failed")?;
        let hash = password::hash(&Password::parse(DEMO_PASSWORD)?).await?;
        Ok(Box::new(StoreSeedDb { db, hash }))
    }
}

#[async_trait::async_trait]
impl loadtest::SeedDb for StoreSeedDb {
    async fn user(&self, email: &str, name: &str, role: Role) -> anyhow::Result<UserId> {
        let user = store::users::insert(&self.db, email, name, &self.hash, role)
            .await?
            .with_context(|| format!("{email} exists already"))?;
        Ok(user.id)
    }

    async fn kitchen(
        &self,
        name: &str,
        lat: f64,
        lng: f64,
        staff_id: UserId,
    ) -> anyhow::Result<(RestaurantId, MenuItemId)> {
        let restaurant = NewRestaurant {
            name,
            cuisine: "Bench",
            address: "1 Load Street",
            lat,
            lng,
        };
        let restaurant_id = store::restaurants::insert(&self.db, &restaurant).await?;
        let dish =
            store::restaurants::insert_menu_item(&self.db, restaurant_id, "Test meal", "", 1200, 0)
                .await?;
        store::users::add_staff(&self.db, staff_id, restaurant_id).await?;
        Ok((restaurant_id, dish))
    }

    async fn close(&self) {
        self.db.pool.close().await;
    }
}
