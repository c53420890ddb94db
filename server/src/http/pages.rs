//! The server decides who may open which page: a role's home needs that
//! role. Signed out: to sign-in; another role: to your own home.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mealstream_core::service::{auth, Ctx};
use model::Role;
use tower_sessions::Session;

fn required_role(path: &str) -> Option<Role> {
    let section = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    match section {
        "restaurants" | "orders" => Some(Role::Customer),
        "board" => Some(Role::Restaurant),
        "driver" => Some(Role::Driver),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}

pub async fn guard(State(ctx): State<Ctx>, session: Session, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let required = required_role(path);
    let auth_form = matches!(path, "/login" | "/register");
    if required.is_none() && !auth_form {
        return next.run(req).await;
    }
    let user = match auth::current_user(&ctx, &session).await {
        Ok(user) => user,
        Err(e) => return e.into_response(),
    };
    match (user, required) {
        (Some(user), Some(role)) if user.role == role => next.run(req).await,
        // Another role's page, or a sign-in form while signed in.
        (Some(user), _) => Redirect::to(user.role.home()).into_response(),
        (None, Some(_)) => Redirect::to("/login").into_response(),
        (None, None) => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_home_needs_its_role() {
        assert_eq!(required_role("/restaurants"), Some(Role::Customer));
        assert_eq!(required_role("/restaurants/3"), Some(Role::Customer));
        assert_eq!(required_role("/orders/12"), Some(Role::Customer));
        assert_eq!(required_role("/board"), Some(Role::Restaurant));
        assert_eq!(required_role("/board/menu"), Some(Role::Restaurant));
        assert_eq!(required_role("/admin/orders/3"), Some(Role::Admin));
        assert_eq!(required_role("/driver"), Some(Role::Driver));
        assert_eq!(required_role("/admin"), Some(Role::Admin));
        assert_eq!(required_role("/"), None);
        assert_eq!(required_role("/pkg/mealstream.js"), None);
    }
}
