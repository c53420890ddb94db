//! The server decides who may open which page (`model::pages`): a role's
//! pages need that role, restaurants and menus are open to visitors too.
//! Signed out: to sign-in, and back here afterwards; another role: to
//! your own home.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use mealstream_core::service::{auth, Ctx};
use model::pages::{self, Access};
use tower_sessions::Session;

pub async fn guard(State(ctx): State<Ctx>, session: Session, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let access = pages::access(&path);
    let auth_form = matches!(path.as_str(), "/login" | "/register");
    if access == Access::Anyone && !auth_form {
        return next.run(req).await;
    }
    let user = match auth::current_user(&ctx, &session).await {
        Ok(user) => user,
        Err(e) => return e.into_response(),
    };
    match (user, access) {
        (Some(user), _) if !auth_form && pages::may_open(user.role, &path) => next.run(req).await,
        // Another role's page, or a sign-in form while signed in.
        (Some(user), _) => Redirect::to(user.role.home()).into_response(),
        // Visitors browse restaurants and menus; sign-in comes at checkout.
        (None, Access::Browse | Access::Anyone) => next.run(req).await,
        (None, Access::Role(_)) => Redirect::to(&pages::sign_in_then(&path)).into_response(),
    }
}
