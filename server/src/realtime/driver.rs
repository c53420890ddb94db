//! `driver:availability` and `driver:location`: a driver's phone going
//! online and sharing its position. Only drivers may send these.

use mealstream_core::service::driver_live;
use model::error::AppError;
use model::requests::{Availability, AvailabilitySet, LocationReport, LocationSent};
use model::rooms::Room;
use model::Role;
use socketioxide::adapter::Adapter;

use super::call::{Call, Rights};

pub async fn on_availability<A: Adapter>(call: Call<A>) {
    call.answer::<Availability>(Rights::ReadNow, async |mut c| {
        let availability: Availability = c.payload()?;
        driver_live::set_availability(c.ctx, &c.me.user, &availability).await?;
        if availability.online {
            c.socket.join(Room::DRIVERS_ONLINE);
        } else {
            c.socket.leave(Room::DRIVERS_ONLINE);
        }
        Ok(AvailabilitySet {
            online: availability.online,
        })
    })
    .await;
}

pub async fn on_location<A: Adapter>(call: Call<A>) {
    call.answer::<LocationReport>(Rights::Held, async |mut c| {
        if c.me.user.role != Role::Driver {
            return Err(AppError::Forbidden);
        }
        let report: LocationReport = c.payload()?;
        let sent = driver_live::report_location(c.ctx, &c.me.user, &report).await?;
        Ok(LocationSent { sent })
    })
    .await;
}
