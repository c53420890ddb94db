//! The users table and restaurant staff membership.

use std::collections::HashMap;

use super::coalesce::Batch;
use super::conditions::Conditions;
use super::write::{Columns, Query, Reads, Row};
use super::{now_ms, Db};
use model::admin::{UserFilter, UserRow};
use model::{RestaurantId, Role, User, UserId};

/// A user's columns, with its session epoch and staff membership (read
/// by [`user_of`]), and where they come from.
const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.role, u.suspended, u.session_epoch, s.restaurant_id";
const USER_FROM: &str = "FROM users u LEFT JOIN restaurant_staff s ON s.user_id = u.id";

/// A new user, or `Ok(None)` when the email is already taken.
pub async fn insert(
    db: &Db,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
) -> Result<Option<User>, sqlx::Error> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, role, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now_ms())
    .fetch_one(db.writer())
    .await;
    match inserted {
        Ok(id) => Ok(Some(User {
            id,
            email: email.to_owned(),
            name: name.to_owned(),
            role,
            restaurant_id: None,
            suspended: false,
        })),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn by_id(db: &Db, id: UserId) -> Result<Option<User>, sqlx::Error> {
    Ok(with_epoch(db, id).await?.map(|(user, _)| user))
}

/// The user and its session epoch (moved on by each suspension): a session
/// made under an older epoch is over. Read with whoever else asks at the
/// same moment ([`Coalesced`](super::coalesce::Coalesced)).
pub async fn with_epoch(db: &Db, id: UserId) -> Result<Option<(User, i64)>, sqlx::Error> {
    db.users.get(id).await
}

/// [`with_epoch`] for many users in one query.
pub(super) fn with_epoch_many(reads: Reads, ids: Vec<UserId>) -> Batch<UserId, (User, i64)> {
    Box::pin(async move {
        let mut query = Query::new(format!(
            "SELECT {USER_COLUMNS} {USER_FROM} WHERE u.id IN ({})",
            super::coalesce::placeholders(ids.len())
        ));
        for id in &ids {
            query = query.bind(*id);
        }
        let mut found = HashMap::with_capacity(ids.len());
        for row in reads.all(query).await? {
            let (user, epoch) = user_of(&row)?;
            // Staff of several restaurants: the first row, as a point read.
            found.entry(user.id).or_insert((user, epoch));
        }
        Ok(found)
    })
}

/// A row of [`USER_COLUMNS`] as the user and its session epoch.
fn user_of(row: &Row) -> Result<(User, i64), sqlx::Error> {
    let user = User {
        id: UserId(row.i64("id")?),
        email: row.string("email")?,
        name: row.string("name")?,
        role: role_of(row)?,
        suspended: row.i64("suspended")? != 0,
        restaurant_id: row.opt_i64("restaurant_id")?.map(RestaurantId),
    };
    Ok((user, row.i64("session_epoch")?))
}

fn role_of(row: &Row) -> Result<Role, sqlx::Error> {
    Role::try_from(row.string("role")?)
        .map_err(|e| sqlx::Error::Decode(format!("column role: {e}").into()))
}

/// The user, its password hash and session epoch, for signing in.
pub async fn credentials_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<(User, String, i64)>, sqlx::Error> {
    let query = Query::new(format!(
        "SELECT {USER_COLUMNS}, u.password_hash {USER_FROM} WHERE u.email = $1"
    ))
    .bind(email);
    let Some(row) = db.reads.all(query).await?.into_iter().next() else {
        return Ok(None);
    };
    let (user, epoch) = user_of(&row)?;
    Ok(Some((user, row.string("password_hash")?, epoch)))
}

pub async fn add_staff(
    db: &Db,
    user_id: UserId,
    restaurant_id: RestaurantId,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO restaurant_staff (user_id, restaurant_id) VALUES ($1, $2)")
        .bind(user_id)
        .bind(restaurant_id)
        .execute(db.writer())
        .await?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
}

pub async fn count_by_role(db: &Db) -> Result<Vec<(Role, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT role, COUNT(*) FROM users GROUP BY role ORDER BY role")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(role, n)| (Role::parse(&role).unwrap_or(Role::Customer), n))
        .collect())
}

/// Sets the suspended flag; `false` when there is no such user.
pub async fn set_suspended(db: &Db, id: UserId, suspended: bool) -> Result<bool, sqlx::Error> {
    // A suspension also moves the session epoch on: every session of the
    // user ends for good, even after reinstatement.
    let done = sqlx::query(
        "UPDATE users SET suspended = $1, session_epoch = session_epoch + $1 WHERE id = $2",
    )
    .bind(i64::from(suspended))
    .bind(id)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The users `wanted` picks, for the admin's list (newest first).
pub async fn list(db: &Db, wanted: &UserFilter) -> Result<Vec<UserRow>, sqlx::Error> {
    // $1 is the limit.
    let mut c = Conditions::after(1);
    if let Some(text) = &wanted.search {
        c.contains(&["name", "email"], text);
    }
    if let Some(role) = wanted.role {
        let p = c.bind(role.as_str());
        c.and(&format!("role = {p}"));
    }
    if let Some(suspended) = wanted.suspended {
        let p = c.bind(i64::from(suspended));
        c.and(&format!("suspended = {p}"));
    }
    if let Some(before) = wanted.before {
        let p = c.bind(before);
        c.and(&format!("id < {p}"));
    }
    let (which, args) = c.finish();
    let query = args.into_iter().fold(
        Query::new(format!(
            "SELECT id, email, name, role, suspended FROM users WHERE 1 = 1{which} ORDER BY id DESC LIMIT $1"
        ))
        .bind(wanted.limit),
        Query::bind,
    );
    db.reads
        .all(query)
        .await?
        .iter()
        .map(|row| {
            Ok(UserRow {
                id: UserId(row.i64("id")?),
                email: row.string("email")?,
                name: row.string("name")?,
                role: role_of(row)?,
                suspended: row.i64("suspended")? != 0,
            })
        })
        .collect()
}
