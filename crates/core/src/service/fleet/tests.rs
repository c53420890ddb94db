//! The fleet's behaviour: throttle, moves worth sending, expiry, ETA.

use super::*;

fn at(lat: f64, lng: f64) -> LocationReport {
    LocationReport {
        lat,
        lng,
        heading: None,
        speed: None,
    }
}

async fn report(
    fleet: &Fleet,
    driver: i64,
    name: &str,
    r: &LocationReport,
) -> Result<Reported, AppError> {
    fleet.report(UserId(driver), name, r).await
}

/// A fleet on a clock the test moves.
fn on_manual_clock() -> (Arc<clock::ManualClock>, Fleet) {
    let clock = clock::ManualClock::new();
    (clock.clone(), Fleet::with_clock(clock))
}

#[tokio::test]
async fn a_second_fix_within_a_second_is_rate_limited() {
    let fleet = Fleet::default();
    assert!(report(&fleet, 1, "D", &at(38.71, -9.14)).await.is_ok());
    let e = report(&fleet, 1, "D", &at(38.72, -9.14)).await.unwrap_err();
    assert_eq!(e.status(), 429);
    assert!(
        report(&fleet, 2, "E", &at(38.71, -9.14)).await.is_ok(),
        "other drivers are unaffected"
    );
}

#[tokio::test]
async fn a_fix_that_barely_moved_is_stored_but_not_sent() {
    let (clock, fleet) = on_manual_clock();
    report(&fleet, 1, "D", &at(38.71, -9.14)).await.unwrap();
    clock.advance(1500);
    assert_eq!(
        report(&fleet, 1, "D", &at(38.71001, -9.14)).await.unwrap(),
        Reported::Unchanged
    );
    clock.advance(1500);
    assert!(matches!(
        report(&fleet, 1, "D", &at(38.7110, -9.14)).await.unwrap(),
        Reported::Moved { .. }
    ));
}

#[tokio::test]
async fn turning_counts_as_moving() {
    let (clock, fleet) = on_manual_clock();
    let mut r = at(38.71, -9.14);
    r.heading = Some(350.0);
    report(&fleet, 1, "D", &r).await.unwrap();
    clock.advance(1500);
    r.heading = Some(5.0);
    assert_eq!(
        report(&fleet, 1, "D", &r).await.unwrap(),
        Reported::Unchanged,
        "15 degrees across north is no turn"
    );
    clock.advance(1500);
    r.heading = Some(40.0);
    assert!(matches!(
        report(&fleet, 1, "D", &r).await.unwrap(),
        Reported::Moved { .. }
    ));
}

#[tokio::test]
async fn an_expired_fix_marks_the_driver_offline() {
    let (clock, fleet) = on_manual_clock();
    report(&fleet, 1, "D", &at(38.71, -9.14)).await.unwrap();
    assert!(fleet.is_online(UserId(1)).await.unwrap());
    assert_eq!(fleet.available().await.unwrap().len(), 1);
    clock.advance(POSITION_TTL.as_millis() as i64 + 1);
    assert!(!fleet.is_online(UserId(1)).await.unwrap());
    assert!(fleet.available().await.unwrap().is_empty());
    assert!(fleet.position(UserId(1)).await.unwrap().is_none());
}

#[tokio::test]
async fn watchers_hear_only_of_a_driver_on_their_order() {
    let (clock, fleet) = on_manual_clock();
    let job = Assignment {
        order_id: OrderId(9),
        pickup: LatLng {
            lat: 38.7118,
            lng: -9.1376,
        },
        dropoff: LatLng {
            lat: 38.7076,
            lng: -9.1365,
        },
        picked_up: false,
    };
    match report(&fleet, 1, "D", &at(38.715, -9.14)).await.unwrap() {
        Reported::Moved { watchers, admins } => assert!(watchers.is_none() && admins.is_some()),
        other => panic!("{other:?}"),
    }
    fleet.assign(UserId(1), job).await.unwrap();
    clock.advance(1500);
    match report(&fleet, 1, "D", &at(38.714, -9.14)).await.unwrap() {
        Reported::Moved {
            watchers: Some(u),
            admins,
        } => {
            assert_eq!(u.order_id, OrderId(9));
            assert!(u.eta_seconds > 0);
            assert!(
                admins.is_none(),
                "the admin feed is thinned to one per few seconds"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn eta_goes_via_the_restaurant_until_pickup() {
    let fix = Fix {
        point: LatLng {
            lat: 38.7076,
            lng: -9.1500,
        },
        heading: None,
        speed: Some(10.0),
        at_ms: 0,
    };
    let mut job = Assignment {
        order_id: OrderId(1),
        pickup: LatLng {
            lat: 38.7118,
            lng: -9.1376,
        },
        dropoff: LatLng {
            lat: 38.7076,
            lng: -9.1365,
        },
        picked_up: false,
    };
    let before = eta_seconds(&fix, &job);
    job.picked_up = true;
    assert!(before > eta_seconds(&fix, &job));
}

#[tokio::test]
async fn bad_coordinates_are_refused() {
    let fleet = Fleet::default();
    for (lat, lng) in [(91.0, 0.0), (0.0, -181.0), (f64::NAN, 0.0)] {
        assert_eq!(
            report(&fleet, 1, "D", &at(lat, lng))
                .await
                .unwrap_err()
                .status(),
            422
        );
    }
}

#[tokio::test]
async fn a_phone_at_a_steady_one_hertz_with_network_jitter_is_never_refused() {
    let (clock, fleet) = on_manual_clock();
    // Sent a second apart; each report is late by 0-90 ms on the way.
    let delays = [0, 90, 10, 75, 5, 60, 30, 85, 0, 45];
    let mut previous = 0;
    let mut accepted = 0;
    for (i, delay) in delays.iter().cycle().take(100).enumerate() {
        clock.advance(1000 - previous + delay);
        previous = *delay;
        if report(&fleet, 1, "D", &at(38.71 + i as f64 * 1e-4, -9.14))
            .await
            .is_ok()
        {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 100, "a 1 Hz phone is within the 900 ms floor");
}
