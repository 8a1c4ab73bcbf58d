//! Latency percentiles.

/// Latencies in microseconds, sorted on demand.
#[derive(Debug, Default, Clone)]
pub(crate) struct Latencies {
    micros: Vec<u32>,
    sorted: bool,
}

/// The summary printed and reported for one load, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Summary {
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
}

impl Latencies {
    /// Adds samples.
    pub(crate) fn extend(&mut self, micros: impl IntoIterator<Item = u32>) {
        self.micros.extend(micros);
        self.sorted = false;
    }

    /// The samples, in no particular order.
    pub(crate) fn into_micros(self) -> Vec<u32> {
        self.micros
    }

    /// p50, p99 and maximum (nearest-rank percentiles); zeros without samples.
    pub(crate) fn summary(&mut self) -> Summary {
        if !self.sorted {
            self.micros.sort_unstable();
            self.sorted = true;
        }
        Summary {
            p50_ms: self.percentile(50.0),
            p99_ms: self.percentile(99.0),
            max_ms: self.percentile(100.0),
        }
    }

    fn percentile(&self, percent: f64) -> f64 {
        if self.micros.is_empty() {
            return 0.0;
        }
        let rank = (percent / 100.0 * self.micros.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.micros.len()) - 1;
        f64::from(self.micros[index]) / 1e3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_in_milliseconds() {
        let mut latencies = Latencies::default();
        latencies.extend((1..=100).rev().map(|ms| ms * 1000));
        let summary = latencies.summary();
        assert_eq!(summary.p50_ms, 50.0);
        assert_eq!(summary.p99_ms, 99.0);
        assert_eq!(summary.max_ms, 100.0);
    }

    #[test]
    fn no_samples_summarise_to_zero() {
        assert_eq!(Latencies::default().summary().p99_ms, 0.0);
    }
}
