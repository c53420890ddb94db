//! The users table and restaurant staff membership.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{now_ms, Db};
use model::{Role, User};

const SELECT_USER: &str =
    "SELECT u.id, u.email, u.name, u.role, u.suspended, u.session_epoch, s.restaurant_id \
     FROM users u LEFT JOIN restaurant_staff s ON s.user_id = u.id";

fn user_from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("role {role:?}").into()))?,
        suspended: row.try_get::<i64, _>("suspended")? != 0,
        restaurant_id: row.try_get("restaurant_id")?,
    })
}

/// A new user, or `Ok(None)` when the email is already taken.
pub async fn insert(
    db: &Db,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
) -> Result<Option<User>, sqlx::Error> {
    let inserted = sqlx::query(
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
        Ok(row) => Ok(Some(User {
            id: row.try_get("id")?,
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

pub async fn by_id(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    Ok(with_epoch(db, id).await?.map(|(user, _)| user))
}

/// The user and its session epoch (moved on by each suspension): a session
/// made under an older epoch is over.
pub async fn with_epoch(db: &Db, id: i64) -> Result<Option<(User, i64)>, sqlx::Error> {
    let sql = format!("{SELECT_USER} WHERE u.id = $1");
    let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    Ok(Some((user_from_row(&row)?, row.try_get("session_epoch")?)))
}

/// The user, its password hash and session epoch, for signing in.
pub async fn credentials_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<(User, String, i64)>, sqlx::Error> {
    let sql = "SELECT u.id, u.email, u.name, u.role, u.suspended, u.session_epoch, \
         s.restaurant_id, u.password_hash \
         FROM users u LEFT JOIN restaurant_staff s ON s.user_id = u.id WHERE u.email = $1";
    let Some(row) = sqlx::query(sql)
        .bind(email)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        user_from_row(&row)?,
        row.try_get("password_hash")?,
        row.try_get("session_epoch")?,
    )))
}

pub async fn add_staff(db: &Db, user_id: i64, restaurant_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO restaurant_staff (user_id, restaurant_id) VALUES ($1, $2)")
        .bind(user_id)
        .bind(restaurant_id)
        .execute(db.writer())
        .await?;
    Ok(())
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

pub async fn count_by_role(db: &Db) -> Result<Vec<(Role, i64)>, sqlx::Error> {
    let rows = sqlx::query("SELECT role, COUNT(*) AS n FROM users GROUP BY role ORDER BY role")
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok((
                Role::parse(&role).unwrap_or(Role::Customer),
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// Sets the suspended flag; `false` when there is no such user.
pub async fn set_suspended(db: &Db, id: i64, suspended: bool) -> Result<bool, sqlx::Error> {
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

/// Every user, for the admin's list (newest first).
pub async fn list(db: &Db, limit: i64) -> Result<Vec<model::admin::UserRow>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT id, email, name, role, suspended FROM users ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&db.pool)
            .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(model::admin::UserRow {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                role: Role::parse(&role)
                    .ok_or_else(|| sqlx::Error::Decode(format!("role {role:?}").into()))?,
                suspended: r.try_get::<i64, _>("suspended")? != 0,
            })
        })
        .collect()
}
