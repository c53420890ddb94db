//! `driver:availability` and `driver:location`: a driver's phone going
//! online and sharing its position. Only drivers may send these.

use mealstream_core::service::{dispatch, Ctx};
use model::error::AppError;
use model::requests::{Availability, AvailabilitySet, LocationReport, LocationSent};
use model::rooms::Room;
use model::Role;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, MaybeExtension, SocketRef, State, TryData};

use super::socket_user::SocketUser;
use super::{parse, reply};

pub async fn on_availability<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        let me = me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        super::rights::recheck(&s, &ctx, &me).await?;
        let availability: Availability = parse(data)?;
        dispatch::set_availability(&ctx, &me.user, &availability).await?;
        if availability.online {
            s.join(Room::DRIVERS_ONLINE);
        } else {
            s.leave(Room::DRIVERS_ONLINE);
        }
        Ok(AvailabilitySet {
            online: availability.online,
        })
    }
    .await;
    reply::<A, Availability>(ack, result);
}

pub async fn on_location<A: Adapter>(
    s: SocketRef<A>,
    TryData(data): TryData<Value>,
    ack: AckSender<A>,
    State(ctx): State<Ctx>,
    MaybeExtension(me): MaybeExtension<SocketUser>,
) {
    let result = async {
        let me = me.ok_or(AppError::Unauthenticated)?;
        super::limits::spend(&s)?;
        if me.user.role != Role::Driver {
            return Err(AppError::Forbidden);
        }
        let report: LocationReport = parse(data)?;
        let sent = dispatch::report_location(&ctx, &me.user, &report).await?;
        Ok(LocationSent { sent })
    }
    .await;
    reply::<A, LocationReport>(ack, result);
}
