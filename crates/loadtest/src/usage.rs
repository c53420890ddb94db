//! What a server costs while it runs: resident memory and CPU time of its
//! processes, read from /proc (summed when a target runs several).

use std::time::Instant;

/// A process's resident memory and CPU time, from /proc.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcSample {
    pub rss_kb: u64,
    /// User + system CPU time, in clock ticks (1/100 s).
    pub cpu_ticks: u64,
    pub at: Option<Instant>,
}

impl ProcSample {
    pub fn read(pid: u32) -> ProcSample {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss_kb = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name, which is in parentheses.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ProcSample {
            rss_kb,
            cpu_ticks: tick(11) + tick(12),
            at: Some(Instant::now()),
        }
    }

    /// The processes of one target together: memory and CPU time add up.
    pub fn read_all(pids: &[u32]) -> ProcSample {
        pids.iter()
            .map(|&pid| ProcSample::read(pid))
            .fold(ProcSample::default(), |sum, s| ProcSample {
                rss_kb: sum.rss_kb + s.rss_kb,
                cpu_ticks: sum.cpu_ticks + s.cpu_ticks,
                at: s.at,
            })
    }

    /// CPU used between two samples, as a percentage of one core.
    pub fn cpu_percent_since(&self, earlier: &ProcSample) -> f64 {
        let (Some(a), Some(b)) = (earlier.at, self.at) else {
            return 0.0;
        };
        let secs = b.duration_since(a).as_secs_f64();
        if secs <= 0.0 {
            return 0.0;
        }
        (self.cpu_ticks.saturating_sub(earlier.cpu_ticks)) as f64 / 100.0 / secs * 100.0
    }

    /// Resident memory gained since `earlier`, in bytes per one of `count`
    /// connections opened in between.
    pub fn bytes_each_since(&self, earlier: &ProcSample, count: usize) -> f64 {
        self.rss_kb.saturating_sub(earlier.rss_kb) as f64 * 1024.0 / count.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn reads_this_process() {
        let s = ProcSample::read(std::process::id());
        assert!(s.rss_kb > 0);
        let busy = Instant::now();
        while busy.elapsed() < Duration::from_millis(50) {}
        let later = ProcSample::read(std::process::id());
        assert!(later.cpu_ticks >= s.cpu_ticks);
        assert!(later.cpu_percent_since(&s) >= 0.0);
    }

    #[test]
    fn several_processes_add_up() {
        let one = ProcSample::read(std::process::id());
        let two = ProcSample::read_all(&[std::process::id(), std::process::id()]);
        assert!(two.rss_kb >= 2 * one.rss_kb - 1024, "{one:?} {two:?}");
        assert!(two.at.is_some());
    }

    #[test]
    fn missing_process_reads_as_zero() {
        let s = ProcSample::read(u32::MAX);
        assert_eq!((s.rss_kb, s.cpu_ticks), (0, 0));
    }
}
