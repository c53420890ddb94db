use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::Role;

/// Live figures for the operations page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub users_by_role: Vec<(Role, i64)>,
    pub restaurants: i64,
    pub active_orders: i64,
    pub sockets_on_this_node: usize,
}

#[server(prefix = "/_sfn")]
pub async fn admin_overview() -> Result<Overview, ServerFnError> {
    let (ctx, _admin) = super::ssr::require_role(Role::Admin).await?;
    Ok(crate::service::admin::overview(&ctx).await?)
}
