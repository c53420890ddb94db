//! Latency samples and their percentiles.

use std::sync::Mutex;
use std::time::Duration;

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

/// Samples in microseconds, recorded from many connection tasks.
#[derive(Default)]
pub struct Latencies(Mutex<Vec<u32>>);

impl Latencies {
    pub fn record(&self, d: Duration) {
        let us = d.as_micros().min(u32::MAX as u128) as u32;
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(us);
    }

    /// The percentiles of everything recorded, and a fresh start.
    pub fn take(&self) -> Percentiles {
        let mut v = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        percentiles(&mut v)
    }
}

/// Nearest-rank percentiles of `us` (microseconds), in milliseconds.
pub fn percentiles(us: &mut [u32]) -> Percentiles {
    if us.is_empty() {
        return Percentiles::default();
    }
    us.sort_unstable();
    let at = |p: f64| {
        // Less a hair, so 99.9% of 1000 is rank 999, not 1000 by rounding.
        let rank = ((p / 100.0) * us.len() as f64 - 1e-9).ceil() as usize;
        us[rank.clamp(1, us.len()) - 1] as f64 / 1000.0
    };
    Percentiles {
        samples: us.len(),
        p50_ms: at(50.0),
        p90_ms: at(90.0),
        p99_ms: at(99.0),
        p999_ms: at(99.9),
        max_ms: us[us.len() - 1] as f64 / 1000.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let mut v: Vec<u32> = (1..=1000).map(|i| i * 1000).collect();
        let p = percentiles(&mut v);
        assert_eq!(p.samples, 1000);
        assert_eq!((p.p50_ms, p.p90_ms, p.p99_ms), (500.0, 900.0, 990.0));
        assert_eq!((p.p999_ms, p.max_ms), (999.0, 1000.0));
    }

    #[test]
    fn unsorted_and_tiny_inputs() {
        let mut v = vec![3000, 1000, 2000];
        let p = percentiles(&mut v);
        assert_eq!((p.p50_ms, p.max_ms), (2.0, 3.0));
        assert_eq!(percentiles(&mut []), Percentiles::default());
    }

    #[test]
    fn take_resets() {
        let l = Latencies::default();
        l.record(Duration::from_millis(4));
        assert_eq!(l.take().samples, 1);
        assert_eq!(l.take().samples, 0);
    }
}
