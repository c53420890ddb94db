//! Disputes: a customer opens one on a delivered order (within 7 days,
//! one open at a time); admins see the queue live and settle it with a
//! full or partial refund or a rejection, with a note. Each step is kept
//! (who, what, when), logged, and the customer is told.

use super::notifications::{self, Note};
use super::Ctx;
use crate::store;
use model::dispute::{
    resolution_label, Dispute, OpenDispute, ResolveDispute, MAX_DETAILS_CHARS, MAX_NOTE_CHARS,
    OPEN_WINDOW_MS, REASONS, RESOLUTIONS,
};
use model::error::AppError;
use model::events::DisputeOpened;
use model::events::DisputeResolved;
use model::events::Payload;
use model::rooms::Room;
use model::{format_cents, DisputeId, OrderId, OrderStatus, Role, User};

const LISTED: i64 = 200;

pub async fn open(
    ctx: &Ctx,
    user: &User,
    order_id: OrderId,
    input: &OpenDispute,
) -> Result<Dispute, AppError> {
    let access = store::orders::access(&ctx.db, order_id)
        .await?
        .ok_or(AppError::NotFound("order"))?;
    if user.role != Role::Customer || access.customer_id != user.id {
        return Err(if user.role == Role::Admin {
            AppError::Forbidden
        } else {
            AppError::NotFound("order")
        });
    }
    if !REASONS.iter().any(|(code, _)| *code == input.reason) {
        return Err(AppError::invalid(
            "reason",
            "one of missing_item, wrong_item, late, damaged, other",
        ));
    }
    let details = input.details.trim();
    if details.chars().count() > MAX_DETAILS_CHARS {
        return Err(AppError::invalid("details", "at most 2,000 characters"));
    }
    if access.status != OrderStatus::Delivered {
        return Err(AppError::Conflict(format!(
            "only a delivered order can be disputed; this one is {}",
            access.status.as_str()
        )));
    }
    if ctx.now_ms() - access.updated_at > OPEN_WINDOW_MS {
        return Err(AppError::Conflict(
            "disputes are open for 7 days after delivery".into(),
        ));
    }
    let at = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(id) =
        store::disputes::insert(&mut tx, order_id, user.id, &input.reason, details, at).await?
    else {
        return Err(AppError::Conflict(
            "this order already has an open dispute".into(),
        ));
    };
    let dispute = store::disputes::get_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("dispute"))?;
    let rooms = vec![Room::role(Role::Admin), Room::user(user.id)];
    tx.log(rooms, &DisputeOpened(dispute.clone()))?;
    tx.commit().await?;
    tracing::info!(
        dispute_id = id.0,
        order_id = order_id.0,
        customer_id = user.id.0,
        "dispute opened"
    );
    Ok(dispute)
}

/// Admins: every dispute. Customers: their own. Others: 403.
pub async fn list(
    ctx: &Ctx,
    user: &User,
    order_id: Option<OrderId>,
) -> Result<Vec<Dispute>, AppError> {
    let customer = match user.role {
        Role::Admin => None,
        Role::Customer => Some(user.id),
        _ => return Err(AppError::Forbidden),
    };
    Ok(store::disputes::list(&ctx.db, customer, order_id, LISTED).await?)
}

pub async fn get(ctx: &Ctx, user: &User, id: DisputeId) -> Result<Dispute, AppError> {
    let dispute = store::disputes::get(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("dispute"))?;
    match user.role {
        Role::Admin => Ok(dispute),
        Role::Customer if dispute.customer.id == user.id => Ok(dispute),
        _ => Err(AppError::NotFound("dispute")),
    }
}

pub async fn resolve(
    ctx: &Ctx,
    admin: &User,
    id: DisputeId,
    input: &ResolveDispute,
) -> Result<Dispute, AppError> {
    if admin.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let dispute = store::disputes::get(&ctx.db, id)
        .await?
        .ok_or(AppError::NotFound("dispute"))?;
    if !RESOLUTIONS
        .iter()
        .any(|(code, _)| *code == input.resolution)
    {
        return Err(AppError::invalid(
            "resolution",
            "one of full_refund, partial_refund, rejected",
        ));
    }
    let note = input.note.trim();
    if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid(
            "note",
            "say why, in at most 1,000 characters",
        ));
    }
    // Earlier disputes of the same order may have refunded part of it already.
    let total =
        dispute.order_total_cents - store::disputes::refunded(&ctx.db, dispute.order_id).await?;
    if total <= 0 && input.resolution != "rejected" {
        return Err(AppError::Conflict(
            "this order was refunded in full already".into(),
        ));
    }
    let refund = match input.resolution.as_str() {
        "full_refund" => Some(total),
        "partial_refund" => match input.refund_cents {
            Some(cents) if (1..=total).contains(&cents) => Some(cents),
            Some(_) => {
                return Err(AppError::invalid(
                    "refundCents",
                    format!(
                        "a partial refund is {} to {} (what is left of the order's total)",
                        model::format_cents(1),
                        model::format_cents(total)
                    ),
                ))
            }
            None => {
                return Err(AppError::invalid(
                    "refundCents",
                    "a partial refund needs an amount",
                ))
            }
        },
        _ => None,
    };
    if dispute.status != "open" {
        return Err(AppError::Conflict(
            "this dispute is already resolved".into(),
        ));
    }
    let at = ctx.now_ms();
    let mut tx = ctx.begin().await?;
    if !store::disputes::resolve(&mut tx, id, &input.resolution, refund, note, admin.id, at).await?
    {
        return Err(AppError::Conflict(
            "this dispute is already resolved".into(),
        ));
    }
    let resolved = store::disputes::get_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("dispute"))?;
    let rooms = vec![Room::role(Role::Admin), Room::user(resolved.customer.id)];
    tx.log(rooms, &DisputeResolved(resolved.clone()))?;
    let outcome = match refund {
        Some(cents) => format!(
            "{}: {}",
            resolution_label(&input.resolution),
            format_cents(cents)
        ),
        None => resolution_label(&input.resolution).to_owned(),
    };
    notifications::record(
        &mut tx,
        &[Note {
            recipients: vec![resolved.customer.id],
            kind: DisputeResolved::NAME,
            title: format!("Your dispute about order #{}", resolved.order_id),
            body: format!("{outcome}. {note}"),
            order_id: Some(resolved.order_id),
        }],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(dispute_id = id.0, admin_id = admin.id.0, resolution = %input.resolution, ?refund, "dispute resolved");
    Ok(resolved)
}
