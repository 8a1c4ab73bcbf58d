//! The figures of one run: the table printed at the end and `report.json`.

use std::fmt::Write as _;

use super::argon2::RawRate;
use super::load::Outcome;
use super::{Options, PROBE_PERIOD, PROBES};

/// One load's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Figures {
    pub(crate) requests: u64,
    pub(crate) failed: u64,
    pub(crate) per_second: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
    pub(crate) server_cpu_us: Option<f64>,
    pub(crate) other_cores: Option<f64>,
}

impl From<Outcome> for Figures {
    fn from(mut outcome: Outcome) -> Self {
        let summary = outcome.latencies.summary();
        Self {
            requests: outcome.ok,
            failed: outcome.failed,
            per_second: outcome.per_second(),
            p50_ms: summary.p50_ms,
            p99_ms: summary.p99_ms,
            max_ms: summary.max_ms,
            server_cpu_us: outcome.cpu_us_per_request(),
            other_cores: outcome.other_cores(),
        }
    }
}

/// Every figure of a run.
#[derive(Debug, Clone, Default)]
pub(crate) struct Report {
    seconds: u64,
    rounds: u32,
    connections: usize,
    pool: usize,
    load_average: String,
    pub(crate) baseline: Figures,
    pub(crate) me: Figures,
    pub(crate) raw_argon2: RawRate,
    pub(crate) login: Figures,
    pub(crate) probe_alone: Figures,
    pub(crate) probe_under_logins: Figures,
    pub(crate) logins_during_probe: Figures,
}

/// A target of the issue, checked against a ratio or a latency.
#[derive(Debug, Clone, Copy)]
struct Target {
    key: &'static str,
    what: &'static str,
    measured: f64,
    bound: f64,
    /// `true`: at least `bound`; `false`: under `bound`.
    at_least: bool,
}

impl Target {
    fn met(&self) -> bool {
        if self.at_least {
            self.measured >= self.bound
        } else {
            self.measured < self.bound
        }
    }
}

impl Report {
    /// An empty report for a run with these settings; reads the load average now.
    pub(crate) fn new(options: &Options, pool: usize) -> Self {
        let load_average = std::fs::read_to_string("/proc/loadavg")
            .map(|text| {
                text.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|_| "unknown".into());
        Self {
            seconds: options.seconds,
            rounds: options.rounds,
            connections: options.connections,
            pool,
            load_average,
            ..Self::default()
        }
    }

    /// The first line printed.
    pub(crate) fn heading(&self) -> String {
        format!(
            "keycard bench: {} cores (= hashing pool), {} s per figure in {} alternating \
             rounds, load average before the run {}",
            self.pool, self.seconds, self.rounds, self.load_average
        )
    }

    fn targets(&self) -> [Target; 3] {
        [
            Target {
                key: "me_vs_bare_axum_throughput",
                what: "/users/me req/s over bare axum req/s",
                measured: self.me.per_second / self.baseline.per_second,
                bound: 0.5,
                at_least: true,
            },
            Target {
                key: "login_vs_raw_argon2id_throughput",
                what: "logins/s over raw argon2id verifications/s",
                measured: self.login.per_second / self.raw_argon2.per_second(),
                bound: 0.95,
                at_least: true,
            },
            Target {
                key: "me_p99_ms_with_hashing_pool_saturated",
                what: "/users/me p99 (ms) while logins saturate the pool",
                measured: self.probe_under_logins.p99_ms,
                bound: 10.0,
                at_least: false,
            },
        ]
    }

    /// Ratios of CPU time per request, which other processes hardly disturb: bare axum
    /// over keycard for `GET /users/me`, raw argon2id over keycard's logins.
    fn cross_checks(&self) -> [(&'static str, &'static str, Option<f64>); 2] {
        let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
        [
            (
                "me_cpu_bare_axum_over_keycard",
                "server CPU per /users/me, bare axum over keycard",
                ratio(self.baseline.server_cpu_us, self.me.server_cpu_us),
            ),
            (
                "login_cpu_raw_argon2id_over_keycard",
                "CPU per verification, raw argon2id over a login",
                ratio(self.raw_argon2.cpu_us(), self.login.server_cpu_us),
            ),
        ]
    }

    /// The table printed at the end of a run.
    pub(crate) fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n{:<46}{:>10}{:>9}{:>9}{:>9}{:>12}{:>8}{:>8}",
            "", "per s", "p50 ms", "p99 ms", "max ms", "CPU us/req", "errors", "others"
        );
        let (conns, logins) = (self.connections, 4 * self.pool);
        let rate = 1.0 / PROBE_PERIOD.as_secs_f64();
        let raw = &self.raw_argon2;
        let raw_figures = Figures {
            requests: raw.hashes,
            per_second: raw.per_second(),
            p50_ms: f64::NAN,
            p99_ms: f64::NAN,
            max_ms: f64::NAN,
            server_cpu_us: raw.cpu_us(),
            other_cores: raw.other_cores(),
            ..Figures::default()
        };
        let rows = [
            (
                format!("bare axum GET /users/me, {conns} conns"),
                &self.baseline,
            ),
            (
                format!("keycard GET /users/me (JWT), {conns} conns"),
                &self.me,
            ),
            (format!("POST /auth/jwt/login, {logins} conns"), &self.login),
            (
                format!("raw argon2id verify, {} threads", raw.threads),
                &raw_figures,
            ),
            (
                format!("paced GET /users/me, {PROBES} conns x {rate}/s"),
                &self.probe_alone,
            ),
            (
                "  same, logins saturating the pool".into(),
                &self.probe_under_logins,
            ),
            ("  the logins meanwhile".into(), &self.logins_during_probe),
        ];
        for (label, figures) in rows {
            let _ = writeln!(
                out,
                "{label:<46}{:>10.1}{:>9}{:>9}{:>9}{:>12}{:>8}{:>8}",
                figures.per_second,
                decimal(figures.p50_ms, 2),
                decimal(figures.p99_ms, 2),
                decimal(figures.max_ms, 2),
                decimal(figures.server_cpu_us.unwrap_or(f64::NAN), 1),
                figures.failed,
                decimal(figures.other_cores.unwrap_or(f64::NAN), 2),
            );
        }
        let _ = writeln!(
            out,
            "CPU us/req: the server's (or the argon2id helper's) CPU time per request; \
             others: cores\nother processes kept busy meanwhile. Raw argon2id: mean {:.1} ms \
             a verification, {} done.",
            raw.mean_ms(),
            raw.hashes
        );

        let _ = writeln!(out, "\n{:<54}{:>10}{:>10}", "target", "measured", "target");
        for target in self.targets() {
            let bound = if target.at_least { ">=" } else { "<" };
            let verdict = if target.met() { "PASS" } else { "MISS" };
            let _ = writeln!(
                out,
                "{:<54}{:>10.3}{:>7} {:<5} {verdict}",
                target.what, target.measured, bound, target.bound
            );
        }
        let _ = writeln!(
            out,
            "\ncross-checks from CPU time (other processes hardly move them)"
        );
        for (_, what, ratio) in self.cross_checks() {
            let ratio = decimal(ratio.unwrap_or(f64::NAN), 3);
            let _ = writeln!(out, "{what:<54}{ratio:>10}");
        }
        out
    }

    /// The same figures as a JSON document.
    pub(crate) fn json(&self) -> String {
        let targets = self.targets().map(|target| {
            object(&[
                ("name", string(target.key)),
                ("measured", number(target.measured)),
                ("bound", number(target.bound)),
                ("at_least", target.at_least.to_string()),
                ("met", target.met().to_string()),
            ])
        });
        let cross_checks = self
            .cross_checks()
            .map(|(key, _, ratio)| (key, optional(ratio)));
        let raw = &self.raw_argon2;
        object(&[
            ("seconds_per_figure", self.seconds.to_string()),
            ("rounds", self.rounds.to_string()),
            ("connections", self.connections.to_string()),
            ("cores", self.pool.to_string()),
            ("hashing_pool", self.pool.to_string()),
            ("load_average_before", string(&self.load_average)),
            ("bare_axum_me", figures(&self.baseline)),
            ("keycard_me", figures(&self.me)),
            ("login", figures(&self.login)),
            ("paced_me", figures(&self.probe_alone)),
            ("paced_me_under_logins", figures(&self.probe_under_logins)),
            ("logins_during_paced_me", figures(&self.logins_during_probe)),
            (
                "raw_argon2id",
                object(&[
                    ("threads", raw.threads.to_string()),
                    ("hashes", raw.hashes.to_string()),
                    ("per_second", number(raw.per_second())),
                    ("mean_ms", number(raw.mean_ms())),
                    ("cpu_us_per_hash", optional(raw.cpu_us())),
                    ("other_cores", optional(raw.other_cores())),
                ]),
            ),
            ("targets", format!("[{}]", targets.join(","))),
            ("cross_checks", object(&cross_checks)),
        ]) + "\n"
    }
}

fn figures(figures: &Figures) -> String {
    object(&[
        ("requests", figures.requests.to_string()),
        ("failed", figures.failed.to_string()),
        ("per_second", number(figures.per_second)),
        ("p50_ms", number(figures.p50_ms)),
        ("p99_ms", number(figures.p99_ms)),
        ("max_ms", number(figures.max_ms)),
        ("server_cpu_us_per_request", optional(figures.server_cpu_us)),
        ("other_cores", optional(figures.other_cores)),
    ])
}

fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "null".into(), number)
}

/// `value` with `places` decimals, or `-` when unknown (NaN).
fn decimal(value: f64, places: usize) -> String {
    if value.is_finite() {
        format!("{value:.places$}")
    } else {
        "-".into()
    }
}

fn object(fields: &[(&str, String)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("{}:{value}", string(key)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// Keys and the load average only: no quotes, backslashes or control characters.
fn string(text: &str) -> String {
    format!("\"{text}\"")
}

fn number(value: f64) -> String {
    if value.is_finite() {
        format!("{}", (value * 1e4).round() / 1e4)
    } else {
        "null".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_one_object_and_a_missing_baseline_gives_null() {
        let options = Options::parse(&[]).expect("defaults");
        let json = Report::new(&options, 2).json();
        assert!(json.starts_with('{') && json.ends_with("}\n"));
        assert!(json.contains(r#""name":"me_vs_bare_axum_throughput","measured":null"#));
    }
}
