//! Latency samples and their percentiles: an HDR histogram in microseconds
//! (3 significant digits), recorded from many connection tasks.

use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Latency percentiles in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Percentiles {
    pub samples: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

/// Samples in microseconds, from 1 µs to an hour.
pub struct Latencies(Mutex<Histogram<u64>>);

const SIGNIFICANT_DIGITS: u8 = 3;
const HIGHEST_US: u64 = 3_600_000_000;

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_US, SIGNIFICANT_DIGITS)
        .expect("bounds 1..1 h with 3 digits are valid")
}

impl Default for Latencies {
    fn default() -> Self {
        Self(Mutex::new(histogram()))
    }
}

impl Latencies {
    pub fn record(&self, d: Duration) {
        let us = (d.as_micros() as u64).clamp(1, HIGHEST_US);
        let mut h = self.0.lock().unwrap_or_else(|e| e.into_inner());
        // In bounds by the clamp above.
        let _ = h.record(us);
    }

    /// The percentiles of everything recorded, and a fresh start.
    pub fn take(&self) -> Percentiles {
        let h = std::mem::replace(
            &mut *self.0.lock().unwrap_or_else(|e| e.into_inner()),
            histogram(),
        );
        percentiles(&h)
    }
}

/// The percentiles of `h` (microseconds), in milliseconds.
fn percentiles(h: &Histogram<u64>) -> Percentiles {
    if h.is_empty() {
        return Percentiles::default();
    }
    let ms = |us: u64| us as f64 / 1000.0;
    Percentiles {
        samples: h.len() as usize,
        p50_ms: ms(h.value_at_quantile(0.50)),
        p90_ms: ms(h.value_at_quantile(0.90)),
        p99_ms: ms(h.value_at_quantile(0.99)),
        p999_ms: ms(h.value_at_quantile(0.999)),
        max_ms: ms(h.max()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= want * 1e-3
    }

    #[test]
    fn percentiles_within_three_digits() {
        let l = Latencies::default();
        for i in 1..=1000u64 {
            l.record(Duration::from_millis(i));
        }
        let p = l.take();
        assert_eq!(p.samples, 1000);
        for (got, want) in [
            (p.p50_ms, 500.0),
            (p.p90_ms, 900.0),
            (p.p99_ms, 990.0),
            (p.p999_ms, 999.0),
            (p.max_ms, 1000.0),
        ] {
            assert!(close(got, want), "{got} is not {want} within 0.1%");
        }
    }

    #[test]
    fn tiny_and_empty_inputs() {
        let l = Latencies::default();
        for ms in [3, 1, 2] {
            l.record(Duration::from_millis(ms));
        }
        let p = l.take();
        assert!(close(p.p50_ms, 2.0) && close(p.max_ms, 3.0), "{p:?}");
        assert_eq!(l.take(), Percentiles::default());
    }

    #[test]
    fn take_resets() {
        let l = Latencies::default();
        l.record(Duration::from_millis(4));
        assert_eq!(l.take().samples, 1);
        assert_eq!(l.take().samples, 0);
    }
}
