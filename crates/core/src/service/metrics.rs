//! The figures `/metrics` shows, named in one place. Recording is cheap
//! (an atomic add) and a no-op when no recorder is installed (CLI tools).

use std::time::Duration;

/// A lifecycle event was sent to its rooms, `latency` after its commit.
pub fn event_emitted(kind: &str, latency: Duration) {
    metrics::counter!("mealstream_events_emitted_total", "type" => kind.to_owned()).increment(1);
    metrics::histogram!("mealstream_emit_latency_seconds").record(latency.as_secs_f64());
}

/// How long a change's last statement (its events) and its COMMIT took.
pub fn events_committed(took: Duration) {
    metrics::histogram!("mealstream_event_commit_seconds").record(took.as_secs_f64());
}

/// Events replayed to a reconnecting client.
pub fn replayed(count: usize) {
    metrics::counter!("mealstream_events_replayed_total").increment(count as u64);
}

/// A catch-up read of the log: `shared` when it was another socket's read
/// of the same rooms and cursor (see `replay_cache`).
pub fn replay_read(shared: bool) {
    metrics::counter!("mealstream_replay_reads_total", "shared" => if shared { "true" } else { "false" })
        .increment(1);
}

/// A call refused by a rate limit (`kind`: socket_events, location, login...).
pub fn rate_limited(kind: &'static str) {
    metrics::counter!("mealstream_rate_limited_total", "kind" => kind).increment(1);
}

/// A driver position: `accepted` (sent on), `unchanged` (kept, not sent),
/// `throttled` or `invalid` (dropped).
pub fn location(outcome: &'static str) {
    metrics::counter!("mealstream_location_updates_total", "outcome" => outcome).increment(1);
}

/// A socket of `role` connected (`+1`) or went (`-1`).
pub fn socket(role: &str, delta: f64) {
    metrics::gauge!("mealstream_sockets", "role" => role.to_owned()).increment(delta);
}
