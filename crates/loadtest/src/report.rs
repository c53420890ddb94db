//! What a run leaves behind: `<scenario>.json` with every figure,
//! `<scenario>.md` tables, SVG plots (`plots`), and `summary.md` with the
//! ratios between Mealstream and each peer.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;
use serde_json::Value;

use super::fanout::FanoutResult;
use super::idle::IdleResult;
use super::location::LocationResult;
use super::plots;
use super::reconnect::ReconnectResult;
use super::sse::SseResult;
use super::targets::Kind;
use super::{LoadtestArgs, Scenario};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "result")]
pub enum Outcome {
    Idle(IdleResult),
    Fanout(FanoutResult),
    Location(LocationResult),
    Reconnect(ReconnectResult),
    Sse(SseResult),
    Failed(String),
}

#[derive(Debug, Serialize)]
pub struct TargetResult {
    pub target: Kind,
    pub outcome: Outcome,
}

fn scenario_name(s: Scenario) -> &'static str {
    match s {
        Scenario::Idle => "idle",
        Scenario::Fanout => "fanout",
        Scenario::Location => "location",
        Scenario::Reconnect => "reconnect",
        Scenario::Sse => "sse",
        Scenario::All => "all",
    }
}

fn machine() -> Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    serde_json::json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": model,
        "kernel": std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim(),
    })
}

pub fn write(
    args: &LoadtestArgs,
    scenario: Scenario,
    results: Vec<TargetResult>,
) -> anyhow::Result<()> {
    let name = scenario_name(scenario);
    let json = serde_json::json!({
        "scenario": name,
        "mealstreamMode": args.mode(),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "machine": machine(),
        "results": results,
    });
    let path = args.out.join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&json)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let table = table(&results);
    std::fs::write(args.out.join(format!("{name}.md")), &table)?;
    println!("\n{table}");
    match scenario {
        Scenario::Idle => plots::idle(&args.out, &results)?,
        Scenario::Fanout => plots::fanout(&args.out, &results)?,
        Scenario::Location => plots::location(&args.out, &results)?,
        _ => {}
    }
    Ok(())
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

fn table(results: &[TargetResult]) -> String {
    let mut t = String::new();
    for r in results {
        let label = r.target.label();
        match &r.outcome {
            Outcome::Idle(i) => {
                if t.is_empty() {
                    t.push_str("| server | sockets connected | connects/s | server RSS per socket | still open after the hold |\n|---|---|---|---|---|\n");
                }
                let _ = writeln!(
                    t,
                    "| {label} | {} of {} | {:.0} | {:.1} KB | {} |",
                    i.connected,
                    i.sockets,
                    i.connects_per_second,
                    i.bytes_per_socket / 1000.0,
                    i.alive_after_hold
                );
            }
            Outcome::Fanout(f) => {
                if t.is_empty() {
                    t.push_str("| server | target changes/s | made/s | delivered | p50 ms | p99 ms | max ms | msgs/s | server CPU |\n|---|---|---|---|---|---|---|---|---|\n");
                }
                for s in &f.steps {
                    let _ = writeln!(
                        t,
                        "| {label} | {} | {:.0} | {:.3}% | {} | {} | {} | {:.0} | {:.0}% |",
                        s.target_rate,
                        s.achieved_rate,
                        s.delivered_share * 100.0,
                        ms(s.latency.p50_ms),
                        ms(s.latency.p99_ms),
                        ms(s.latency.max_ms),
                        s.messages_per_second,
                        s.server_cpu_percent
                    );
                }
            }
            Outcome::Location(l) => {
                if t.is_empty() {
                    t.push_str("| server | drivers | reports | passed throttle | delivered | p50 ms | p99 ms | max ms | admin updates | server CPU |\n|---|---|---|---|---|---|---|---|---|---|\n");
                }
                let _ = writeln!(
                    t,
                    "| {label} | {} | {} | {} | {:.3}% | {} | {} | {} | {} | {:.0}% |",
                    l.drivers,
                    l.reports,
                    l.accepted,
                    l.delivered_share * 100.0,
                    ms(l.latency.p50_ms),
                    ms(l.latency.p99_ms),
                    ms(l.latency.max_ms),
                    l.admin_updates,
                    l.server_cpu_percent
                );
            }
            Outcome::Reconnect(c) => {
                if t.is_empty() {
                    t.push_str("| server | sockets back | resumable at the drop | changes while away | all caught up after | per socket, own reconnect to caught up: p50 / p99 / max | lost (by resumable sockets) | duplicates dropped |\n|---|---|---|---|---|---|---|---|\n");
                }
                let caught = c.caught_up_ms.is_some();
                let _ = writeln!(
                    t,
                    "| {label} | {} of {} | {} | {} | {} | {} | {} ({}) | {} |",
                    c.reconnected,
                    c.sockets,
                    c.resumable,
                    c.changes_while_away,
                    c.caught_up_ms
                        .map_or("never (no replay)".into(), |m| format!("{:.0} ms", m)),
                    if caught {
                        format!(
                            "{} / {} / {} ms",
                            ms(c.per_socket.p50_ms),
                            ms(c.per_socket.p99_ms),
                            ms(c.per_socket.max_ms)
                        )
                    } else {
                        "n/a".into()
                    },
                    c.lost,
                    c.lost_by_resumable,
                    c.duplicates_dropped
                );
            }
            Outcome::Sse(e) => {
                if t.is_empty() {
                    t.push_str("| server | streams open | opens/s | server RSS per stream | still open after the hold | announcement delivered | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|---|\n");
                }
                let _ = writeln!(
                    t,
                    "| {label} | {} of {} | {:.0} | {:.1} KB | {} | {} ({:.3}%) | {} | {} | {} |",
                    e.opened,
                    e.streams,
                    e.opens_per_second,
                    e.bytes_per_stream / 1000.0,
                    e.alive_after_hold,
                    e.announcement_delivered,
                    e.delivered_share * 100.0,
                    ms(e.latency.p50_ms),
                    ms(e.latency.p99_ms),
                    ms(e.latency.max_ms)
                );
            }
            Outcome::Failed(e) => {
                let _ = writeln!(t, "\n{label}: failed: {e}\n");
            }
        }
    }
    t
}

/// `summary.md`: every scenario's table and the ratios, from the JSON files.
pub fn summarise(out: &Path) -> anyhow::Result<()> {
    let mut s = String::from("# Load test results\n\n");
    let read = |name: &str| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(out.join(format!("{name}.json"))).ok()?).ok()
    };
    let get = |v: &Option<Value>, kind: &str, f: &dyn Fn(&Value) -> Option<f64>| -> Option<f64> {
        v.as_ref()?["results"]
            .as_array()?
            .iter()
            .find(|r| r["target"] == kind)
            .and_then(|r| f(&r["outcome"]["result"]))
    };
    if let Some(v) = read("idle") {
        let _ = writeln!(
            s,
            "Mealstream ran on {}.\n",
            v["mealstreamMode"].as_str().unwrap_or("?")
        );
    }
    for name in ["idle", "fanout", "location", "reconnect", "sse"] {
        if let Ok(t) = std::fs::read_to_string(out.join(format!("{name}.md"))) {
            let _ = writeln!(s, "## {name}\n\n{t}");
        }
    }
    let (idle, fanout, location) = (read("idle"), read("fanout"), read("location"));
    let mem = |k| get(&idle, k, &|r| r["bytesPerSocket"].as_f64());
    let rate = |k| get(&fanout, k, &|r| r["bestRate"].as_f64());
    let sustained = |k| get(&fanout, k, &sustained_rate);
    let p99 = |k| get(&location, k, &|r| r["latency"]["p99Ms"].as_f64());
    let mut ratios = String::new();
    for (peer, label) in [
        ("socketio-node", "Node Socket.IO"),
        ("express-pg", "Node Express + pg (same work)"),
        ("floor", "raw WebSocket floor"),
    ] {
        let row = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
            _ => "n/a".to_owned(),
        };
        let _ = writeln!(
            ratios,
            "| {label} | {} | {} | {} | {} |",
            row(mem(peer), mem("mealstream")),
            row(rate("mealstream"), rate(peer)),
            row(rate("mealstream"), sustained(peer)),
            row(p99(peer), p99("mealstream")),
        );
    }
    let _ = writeln!(
        s,
        "## Ratios (above 1× favours Mealstream)\n\n| against | their memory per socket ÷ ours | our best change rate ÷ theirs (p99 ≤ 25 ms, nothing lost) | our best change rate ÷ their sustained rate | their location p99 ÷ ours |\n|---|---|---|---|---|\n{ratios}"
    );
    std::fs::write(out.join("summary.md"), &s)?;
    println!("{s}");
    Ok(())
}

/// The highest rate a server made at a step where every change reached
/// every watcher, whatever its latency: what it sustains. A server that
/// falls behind makes less than the step asks, so this is its ceiling.
fn sustained_rate(fanout: &Value) -> Option<f64> {
    fanout["steps"]
        .as_array()?
        .iter()
        .filter(|s| s["deliveredShare"].as_f64() == Some(1.0))
        .filter_map(|s| s["achievedRate"].as_f64())
        .reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(target: u64, made: f64, delivered: f64, p99: f64) -> Value {
        serde_json::json!({
            "targetRate": target, "achievedRate": made, "deliveredShare": delivered,
            "latency": {"p99Ms": p99}
        })
    }

    #[test]
    fn sustained_is_the_most_made_with_nothing_lost() {
        let fanout = serde_json::json!({"steps": [
            step(1000, 999.0, 1.0, 9.0),
            step(2000, 1397.0, 1.0, 480.0),
            step(3000, 1500.0, 0.98, 900.0),
        ]});
        assert_eq!(sustained_rate(&fanout), Some(1397.0));
        assert_eq!(sustained_rate(&serde_json::json!({"steps": []})), None);
    }

    #[test]
    fn summary_names_our_best_rate_against_their_sustained_rate() {
        let out = std::env::temp_dir().join(format!("loadtest-summary-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let fanout = serde_json::json!({"results": [
            {"target": "mealstream", "outcome": {"kind": "fanout", "result": {
                "bestRate": 3000.0,
                "steps": [step(3000, 2997.0, 1.0, 24.6), step(4000, 3993.0, 1.0, 63.0)]}}},
            {"target": "express-pg", "outcome": {"kind": "fanout", "result": {
                "bestRate": 1000.0,
                "steps": [step(1000, 1000.0, 1.0, 9.0), step(2000, 1250.0, 1.0, 480.0)]}}}
        ]});
        std::fs::write(out.join("fanout.json"), fanout.to_string()).unwrap();
        summarise(&out).unwrap();
        let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        let row = summary
            .lines()
            .find(|l| l.starts_with("| Node Express + pg (same work) |"))
            .unwrap();
        assert_eq!(
            row,
            "| Node Express + pg (same work) | n/a | 3.00× | 2.40× | n/a |"
        );
    }
}
