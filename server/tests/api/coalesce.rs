//! User reads made at the same moment go out together
//! (`store::coalesce`): every caller still gets its own user, as fresh as
//! a read of its own, on SQLite and on PostgreSQL.

use std::sync::Arc;

use mealstream_core::store::{self, Db};
use model::{Role, UserId};

use crate::helpers::{configured, fresh_postgres_database, unique_suffix, Backend};

async fn database(backend: Backend) -> Db {
    let url = match backend {
        Backend::Postgres => fresh_postgres_database().await,
        _ => format!(
            "sqlite://{}/coalesce-{}.db",
            std::env::temp_dir().display(),
            unique_suffix()
        ),
    };
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrations");
    db
}

async fn many_readers_each_get_their_own_user(backend: Backend) {
    let db = Arc::new(database(backend).await);
    let mut ids = Vec::new();
    for i in 0..40 {
        let user = store::users::insert(
            &db,
            &format!("u{i}@x.test"),
            &format!("User {i}"),
            "h",
            Role::Customer,
        )
        .await
        .unwrap()
        .unwrap();
        ids.push(user.id);
    }
    let before = db.user_batches();
    let mut readers = Vec::new();
    for round in 0..10 {
        for (i, id) in ids.iter().enumerate() {
            let (db, id) = (db.clone(), *id);
            readers.push(tokio::spawn(async move {
                let got = store::users::with_epoch(&db, id).await.unwrap();
                (i, round, got)
            }));
        }
    }
    // One that does not exist reads as none, in the same batches.
    let missing = store::users::with_epoch(&db, UserId(999_999))
        .await
        .unwrap();
    assert!(missing.is_none());
    for reader in readers {
        let (i, _, got) = reader.await.unwrap();
        let (user, epoch) = got.expect("the user exists");
        assert_eq!(user.id, ids[i]);
        assert_eq!(user.name, format!("User {i}"));
        assert_eq!(epoch, 0);
    }
    let batches = db.user_batches() - before;
    assert!(
        batches < 200,
        "401 reads at once took {batches} queries: they were not read together"
    );

    // A read asked after a write sees it.
    store::users::set_suspended(&db, ids[3], true)
        .await
        .unwrap();
    let (user, _) = store::users::with_epoch(&db, ids[3])
        .await
        .unwrap()
        .unwrap();
    assert!(user.suspended);
}

#[tokio::test]
async fn many_readers_each_get_their_own_user_on_sqlite() {
    many_readers_each_get_their_own_user(Backend::Sqlite).await;
}

#[tokio::test]
async fn many_readers_each_get_their_own_user_on_postgres() {
    if !configured(&[Backend::Postgres]) {
        return;
    }
    many_readers_each_get_their_own_user(Backend::Postgres).await;
}
