//! The customer's (and admin's) view of a delivery: restaurant, drop-off and
//! the driver's marker moving as positions arrive, with an ETA.

use leptos::prelude::*;
use model::events::LocationUpdate;

use super::connection::Connection;
use super::map::{route_markers, LiveMap, MapMarker, MarkerKind};
use model::{Order, OrderStatus};

fn eta_text(seconds: i64) -> String {
    match (seconds + 59) / 60 {
        0 | 1 => "Arriving in about a minute".to_owned(),
        m => format!("Arriving in about {m} min"),
    }
}

#[component]
pub fn DeliveryMap(order: Order) -> impl IntoView {
    let id = order.id;
    let driver = RwSignal::new(order.last_location.clone());
    Connection::get().on(move |update: &LocationUpdate, _| {
        if update.order_id == id {
            driver.set(Some(update.clone()));
        }
    });
    #[cfg(feature = "hydrate")]
    {
        // Join the order's room for positions; the answer has the last one.
        leptos::task::spawn_local(async move {
            if let Ok(answer) = crate::client::socket::watch(id).await {
                if let Some(last) = answer.last_location {
                    driver.update(|d| {
                        if d.as_ref().is_none_or(|cur| cur.at < last.at) {
                            *d = Some(last);
                        }
                    });
                }
            }
        });
        on_cleanup(move || crate::client::socket::unwatch(id));
    }
    let driver_name = order
        .driver
        .as_ref()
        .map(|d| d.name.clone())
        .unwrap_or_else(|| "Driver".into());
    let markers = route_markers(&order, "Drop-off", move || {
        driver.get().map(|d| {
            MapMarker::new(
                "driver",
                MarkerKind::Driver,
                d.lat,
                d.lng,
                driver_name.clone(),
            )
        })
    });
    let delivered = order.status == OrderStatus::Delivered;
    // Before pickup the estimate would be the drive alone, as if the
    // kitchen were done: say what happens instead of a time.
    let picked_up = order.status == OrderStatus::OutForDelivery;
    let who = order
        .driver
        .as_ref()
        .map_or("The driver", |d| d.name.as_str());
    let collects = if order.status == OrderStatus::Ready {
        format!("{who} is collecting the order at {}", order.restaurant.name)
    } else {
        format!(
            "{who} picks the order up at {} once it is ready",
            order.restaurant.name
        )
    };
    view! {
        <div class="delivery-map">
            {(!delivered).then(|| view! {
                <p class="eta" role="status" data-eta-seconds=move || driver.get().map(|d| d.eta_seconds.to_string())>
                    {move || match driver.get() {
                        Some(_) if !picked_up => collects.clone(),
                        Some(d) => eta_text(d.eta_seconds),
                        None => "Waiting for the driver's position…".to_owned(),
                    }}
                </p>
            })}
            <LiveMap markers label="Delivery map" />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::eta_text;

    #[test]
    fn eta_rounds_up_to_minutes() {
        assert_eq!(eta_text(20), "Arriving in about a minute");
        assert_eq!(eta_text(61), "Arriving in about 2 min");
        assert_eq!(eta_text(600), "Arriving in about 10 min");
    }
}
