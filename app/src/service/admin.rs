//! Operations figures for admins.

use super::Ctx;
use crate::api::admin::Overview;
use crate::error::AppError;
use crate::store;

pub async fn overview(ctx: &Ctx) -> Result<Overview, AppError> {
    Ok(Overview {
        users_by_role: store::users::count_by_role(&ctx.db).await?,
        restaurants: store::restaurants::count(&ctx.db).await?,
        active_orders: store::orders::count_active_by_status(&ctx.db)
            .await?
            .iter()
            .map(|(_, n)| n)
            .sum(),
        sockets_on_this_node: ctx.emitter.local_socket_count(),
    })
}
