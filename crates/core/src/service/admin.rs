//! Operations figures for admins, live.

use super::Ctx;
use crate::store;
use model::admin::{Overview, RoleCount, StatusCount};
use model::error::AppError;
use model::{Role, User};

pub fn require_admin(user: &User) -> Result<(), AppError> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn overview(ctx: &Ctx, admin: &User) -> Result<Overview, AppError> {
    require_admin(admin)?;
    let by_status = store::orders::count_active_by_status(&ctx.db).await?;
    Ok(Overview {
        sockets_by_role: ctx
            .emitter
            .sockets_by_role()
            .await
            .into_iter()
            .map(|(role, count)| RoleCount {
                role,
                count: count as i64,
            })
            .collect(),
        online_drivers: ctx.fleet.positions().await?.len() as i64,
        active_orders: by_status.iter().map(|(_, n)| n).sum(),
        active_orders_by_status: by_status
            .into_iter()
            .map(|(status, count)| StatusCount { status, count })
            .collect(),
        open_disputes: store::disputes::count_open(&ctx.db).await?,
        events_last_minute: store::events::count_since(&ctx.db, ctx.now_ms() - 60_000).await?,
        users_by_role: store::users::count_by_role(&ctx.db)
            .await?
            .into_iter()
            .map(|(role, count)| RoleCount { role, count })
            .collect(),
        restaurants: store::restaurants::count(&ctx.db).await?,
    })
}
