//! CPU time from `/proc` (Linux): the servers', this process's and the whole machine's,
//! so each phase can tell how much of the machine other processes took meanwhile.

use std::time::Duration;

/// Counters read at one instant; subtract two to get a phase's usage.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sample {
    /// Busy time of all cores together.
    pub(crate) machine: Duration,
    /// Time of the processes under measurement (a server or a helper).
    pub(crate) measured: Duration,
    /// Time of this process (the load generator).
    pub(crate) own: Duration,
}

/// A phase's CPU use, from two samples.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Usage {
    /// CPU time of the processes under measurement.
    pub(crate) measured: Duration,
    /// CPU time of every other process on the machine.
    pub(crate) others: Duration,
}

impl std::ops::Add for Usage {
    type Output = Self;

    fn add(self, more: Self) -> Self {
        Self {
            measured: self.measured + more.measured,
            others: self.others + more.others,
        }
    }
}

impl Sample {
    /// Reads the counters, `measured` being the CPU time of process `pid`.
    pub(crate) fn now(pid: u32) -> Option<Self> {
        Some(Self {
            machine: machine_busy()?,
            measured: process(&pid.to_string())?,
            own: process("self")?,
        })
    }

    /// What happened between `earlier` and `self`.
    pub(crate) fn since(&self, earlier: &Self) -> Usage {
        let measured = self.measured.saturating_sub(earlier.measured);
        let own = self.own.saturating_sub(earlier.own);
        let machine = self.machine.saturating_sub(earlier.machine);
        Usage {
            measured,
            others: machine.saturating_sub(measured + own),
        }
    }
}

/// User plus system time of a process (all its threads), from `/proc/<pid>/stat`.
pub(crate) fn process(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // utime and stime are fields 14 and 15; the command name (field 2) may hold spaces
    // but ends at the last parenthesis, and field 3 follows it.
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let mut fields = rest.split(' ').skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(ticks(utime + stime))
}

/// Busy time of all cores, from the first line of `/proc/stat`: everything but idle and
/// iowait.
fn machine_busy() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .take(8)
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let idle = fields.get(3)? + fields.get(4)?;
    Some(ticks(fields.iter().sum::<u64>() - idle))
}

/// `/proc` counts in USER_HZ, which Linux fixes at 100 for user space.
fn ticks(count: u64) -> Duration {
    Duration::from_millis(count * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_and_the_machine_have_counters_on_linux() {
        if cfg!(target_os = "linux") {
            let sample = Sample::now(std::process::id()).expect("counters");
            assert!(sample.machine >= sample.own);
        }
    }
}
