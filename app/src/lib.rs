#![recursion_limit = "256"]
//! Mealstream's web app, compiled twice: with `ssr` for the server (pages
//! and the server functions, which call the domain in `mealstream_core`)
//! and with `hydrate` for the browser (the same pages plus the realtime
//! client). Plain data shared by both comes from `model`.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod csp;
pub mod error;
pub mod pages;

#[cfg(feature = "hydrate")]
pub mod client;
pub mod tiles;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use components::cart_store::CartStore;
use components::connection::Connection;
use components::header::Header;
use components::notify::LiveNotifications;
use components::session::CurrentUser;
use components::toast::{ToastHost, Toasts};

/// The HTML document around the app. Third-party browser libraries are
/// served from our own origin and load before the wasm.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#d9480f" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="stylesheet" href="/vendor/leaflet.css" />
                <link rel="stylesheet" href="/main.css" />
                <meta name="mealstream:tiles" content=tiles::tile_url() />
                <meta name="mealstream:log" content=rendered_at() />
                <script src="/early-taps.js"></script>
                <script src="/restored.js"></script>
                <script src="/vendor/socket.io.min.js"></script>
                <script src="/vendor/leaflet.js"></script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Where the event log stood when this page was rendered: this node's
/// tail cursor, read before any of the page's data. Every event up to it
/// is in what the page shows; the page's socket replays from there
/// (`client::socket`), so nothing committed while the page loaded is
/// missed, whatever another tab of the browser has seen meanwhile.
fn rendered_at() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<mealstream_core::service::Ctx>()
            .map(|ctx| ctx.emitter.cursor().0.to_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    CurrentUser::provide();
    let _connection = Connection::provide();
    #[cfg(feature = "hydrate")]
    client::socket::open_when_signed_in(_connection);
    Toasts::provide();
    CartStore::provide();
    components::address_store::AddressStore::provide();

    view! {
        <Title text="Mealstream" />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <LiveNotifications />
            <ToastHost />
            <main id="main" class="page">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::landing::Landing />
                    <Route path=path!("/login") view=pages::auth::Login />
                    <Route path=path!("/register") view=pages::auth::Register />
                    <Route path=path!("/restaurants") view=pages::customer::Restaurants />
                    <Route path=path!("/restaurants/:id") view=pages::customer::Menu />
                    <Route path=path!("/orders") view=pages::customer::MyOrders />
                    <Route path=path!("/orders/:id") view=pages::customer::Tracking />
                    <Route path=path!("/board") view=pages::restaurant::Board />
                    <Route path=path!("/board/menu") view=pages::restaurant::MenuEditor />
                    <Route path=path!("/driver") view=pages::driver::DriverHome />
                    <Route path=path!("/admin") view=pages::admin::Operations />
                    <Route path=path!("/admin/orders") view=pages::admin::AdminOrders />
                    <Route path=path!("/admin/orders/:id") view=pages::admin::AdminOrder />
                    <Route path=path!("/admin/disputes") view=pages::admin::DisputeQueue />
                    <Route path=path!("/admin/users") view=pages::admin::AdminUsers />
                    <Route path=path!("/admin/disputes/:id") view=pages::admin::AdminDispute />
                </Routes>
            </main>
        </Router>
    }
}
