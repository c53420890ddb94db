//! `mealstream loadtest` at a small scale, against Mealstream, the Node
//! Socket.IO peer and the raw floor, and (on PostgreSQL and Redis) the
//! Node Express + pg peer and Mealstream on two nodes: every scenario runs
//! end to end and writes its results, and the delivery figures come out
//! right. No timing is asserted here; the benchmark proper is
//! `scripts/bench.sh`.

use serde_json::Value;

fn result<'a>(doc: &'a Value, target: &str) -> &'a Value {
    let found = doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["target"] == target)
        .unwrap_or_else(|| panic!("no {target} in {doc}"));
    assert_ne!(
        found["outcome"]["kind"], "failed",
        "{target} failed: {found}"
    );
    &found["outcome"]["result"]
}

/// Every step of a fanout result made changes, and each of its
/// `watchers` got every change exactly once.
fn assert_every_change_reached_each_watcher_once(fanout: &Value, target: &str, steps: usize) {
    let r = result(fanout, target);
    let all = r["steps"].as_array().expect("steps");
    assert_eq!(all.len(), steps, "{target}: {r}");
    let watchers = r["watchersPerChange"].as_u64().expect("watchers");
    for s in all {
        assert!(s["changes"].as_u64() > Some(0), "{target}: {s}");
        assert_eq!(s["errors"], 0, "{target}: {s}");
        assert_eq!(s["lost"], 0, "{target}: {s}");
        assert_eq!(s["unexpected"], 0, "{target}: {s}");
        assert_eq!(
            s["delivered"].as_u64(),
            s["changes"].as_u64().map(|c| c * watchers),
            "{target}: {s}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_against_all_three_servers_and_nothing_is_lost() {
    let out = std::env::temp_dir().join(format!("mealstream-loadtest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let peer = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/peers/socketio-node");
    // The Node peer's packages: scripts/test.sh installs them (`npm ci`).
    if !std::path::Path::new(peer)
        .join("node_modules/socket.io")
        .is_dir()
    {
        eprintln!("skipped: the Node peer is not installed (npm ci in {peer})");
        return;
    }
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_mealstream"))
        .args(["loadtest", "--scenario", "all", "--peers"])
        .args([
            "--sockets",
            "200",
            "--sockets-per-user",
            "5",
            "--hold-seconds",
            "1",
        ])
        .args([
            "--orders",
            "30",
            "--admins",
            "2",
            "--rates",
            "40,80",
            "--step-seconds",
            "2",
        ])
        .args([
            "--drivers",
            "12",
            "--location-seconds",
            "4",
            "--reconnect-rate",
            "60",
            "--streams",
            "40",
        ])
        .arg("--node-peer")
        .arg(peer)
        .arg("--out")
        .arg(&out)
        .status()
        .await
        .expect("the loadtest runs");
    assert!(status.success(), "loadtest exited with {status}");
    let read = |name: &str| -> Value {
        let path = out.join(format!("{name}.json"));
        serde_json::from_str(&std::fs::read_to_string(&path).expect("results file")).expect("JSON")
    };

    let idle = read("idle");
    for target in ["mealstream", "socketio-node", "floor"] {
        let r = result(&idle, target);
        assert_eq!(r["connected"], 200, "{target}: {r}");
        assert_eq!(r["aliveAfterHold"], 200, "{target}: {r}");
        assert!(r["bytesPerSocket"].as_f64().is_some(), "{r}");
    }

    let fanout = read("fanout");
    for target in ["mealstream", "socketio-node", "floor"] {
        // Customer, restaurant and two admins.
        assert_eq!(result(&fanout, target)["watchersPerChange"], 4, "{target}");
        assert_every_change_reached_each_watcher_once(&fanout, target, 2);
    }
    assert!(
        fanout["results"]
            .as_array()
            .is_some_and(|r| r.iter().all(|r| r["target"] != "express-pg")),
        "the same-work peer needs PostgreSQL and Redis: {fanout}"
    );

    let location = read("location");
    for target in ["mealstream", "socketio-node", "floor"] {
        let r = result(&location, target);
        assert!(r["accepted"].as_u64() > Some(0), "{target}: {r}");
        assert_eq!(r["errors"], 0, "{target}: {r}");
        assert_eq!(r["delivered"], r["accepted"], "{target}: {r}");
    }
    // Mealstream's admin feed is throttled to one position per driver per 3 s.
    let m = result(&location, "mealstream");
    assert!(m["adminUpdates"].as_u64() > Some(0), "{m}");
    assert!(
        m["adminUpdates"].as_u64() < m["accepted"].as_u64().map(|a| a * 2),
        "{m}"
    );

    let reconnect = read("reconnect");
    for target in ["mealstream", "socketio-node", "floor"] {
        assert_eq!(result(&reconnect, target)["reconnected"], 200, "{target}");
    }
    // Mealstream replays what a socket missed: nothing lost.
    let m = result(&reconnect, "mealstream");
    assert!(m["changesWhileAway"].as_u64() > Some(0), "{m}");
    assert_eq!(m["lost"], 0, "{m}");
    assert!(m["caughtUpMs"].is_number(), "{m}");
    // Node recovers the sockets that had an offset (the client sends its
    // pid and offset, and takes the missed packets sent before CONNECT).
    let node = result(&reconnect, "socketio-node");
    assert!(node["resumable"].as_u64() > Some(0), "{node}");
    assert_eq!(node["lostByResumable"], 0, "{node}");
    // The floor has no log to replay from: what happened while away is gone.
    let floor = result(&reconnect, "floor");
    assert!(floor["lost"].as_u64() > Some(0), "{floor}");

    // Every stream opens, stays, and gets the announcement once.
    let sse = read("sse");
    let r = result(&sse, "mealstream");
    for field in ["opened", "aliveAfterHold", "announcementDelivered"] {
        assert_eq!(r[field], 40, "{field}: {r}");
    }
    assert!(r["bytesPerStream"].as_f64().is_some(), "{r}");

    for file in [
        "summary.md",
        "idle-memory.svg",
        "fanout-latency.svg",
        "location-p99.svg",
    ] {
        let body =
            std::fs::read_to_string(out.join(file)).unwrap_or_else(|_| panic!("{file} written"));
        assert!(body.len() > 100, "{file}: {body}");
    }
    let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary");
    assert!(summary.contains("## Ratios"), "{summary}");
    let _ = std::fs::remove_dir_all(&out);
}

/// Scale mode: the same-work peer writes every change to PostgreSQL before
/// emitting it through Redis, and Mealstream on two nodes delivers a change
/// made on one node to watchers on the other. Needs PostgreSQL and Redis
/// (scripts/test.sh sets both); skipped without them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fanout_on_postgres_and_redis_reaches_every_watcher_once_on_the_same_work_peer_and_two_nodes(
) {
    if !crate::helpers::configured(&crate::helpers::CLUSTER) {
        return;
    }
    let postgres = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    let redis = std::env::var("TEST_REDIS_URL").unwrap_or_default();
    let out =
        std::env::temp_dir().join(format!("mealstream-loadtest-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let peers = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/peers");
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_mealstream"))
        .args([
            "loadtest",
            "--scenario",
            "fanout",
            "--peers",
            "--nodes",
            "2",
        ])
        .args(["--postgres", &postgres, "--redis", &redis])
        .args(["--orders", "12", "--admins", "2"])
        .args(["--rates", "20", "--step-seconds", "2"])
        .arg("--node-peer")
        .arg(format!("{peers}/socketio-node"))
        .arg("--express-pg-peer")
        .arg(format!("{peers}/express-pg"))
        .arg("--out")
        .arg(&out)
        .status()
        .await
        .expect("the loadtest runs");
    assert!(status.success(), "loadtest exited with {status}");
    let path = out.join("fanout.json");
    let fanout: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("results file")).expect("JSON");
    for target in ["mealstream", "mealstream-2-nodes", "express-pg"] {
        assert_eq!(result(&fanout, target)["watchersPerChange"], 4, "{target}");
        assert_every_change_reached_each_watcher_once(&fanout, target, 1);
    }
    let table = std::fs::read_to_string(out.join("fanout.md")).expect("fanout.md");
    assert!(table.contains("| Mealstream (2 nodes) |"), "{table}");
    assert!(table.contains("| Node Express + pg"), "{table}");
    let _ = std::fs::remove_dir_all(&out);
}
