//! The three comparisons, each alternating its two sides over the rounds.

use std::time::Duration;

use super::argon2::{Helper, RawRate};
use super::load::{self, Outcome, Pace, Plan};
use super::report::Report;
use super::server::Server;
use super::{Error, Options, PROBE_PERIOD, PROBES, Paths, WARMUP, login_request};

/// Phase 1: `GET /users/me` against the bare axum handler, closed loop.
pub(crate) fn throughput(
    options: &Options,
    paths: &Paths,
    example: &Server,
    me: &[u8],
    report: &mut Report,
) -> Result<(), Error> {
    let binary = paths.release.join("bench-baseline");
    let log = paths.out.join("bench-baseline.log");
    let baseline = Server::start("bench-baseline", &binary, &[], &log)?;
    let (mut bare, mut keycard) = (Outcome::empty(), Outcome::empty());
    for round in 0..options.rounds {
        println!(
            "  round {}: GET /users/me, bare axum and keycard",
            round + 1
        );
        let bare_plan = closed(&baseline, me, options.connections, options.window());
        let keycard_plan = closed(example, me, options.connections, options.window());
        alternate(
            round,
            || {
                bare.absorb(measure(&bare_plan, &baseline)?);
                Ok(())
            },
            || {
                keycard.absorb(measure(&keycard_plan, example)?);
                Ok(())
            },
        )?;
    }
    report.baseline = bare.into();
    report.me = keycard.into();
    Ok(())
}

/// Phase 2: logins against the raw argon2id rate on as many threads as the pool has.
pub(crate) fn logins(
    options: &Options,
    paths: &Paths,
    example: &Server,
    pool: usize,
    report: &mut Report,
) -> Result<(), Error> {
    let mut helper = Helper::start(&paths.release.join("bench-argon2"), pool)?;
    let login = login_request();
    let (mut raw, mut logins) = (RawRate::default(), Outcome::empty());
    for round in 0..options.rounds {
        println!("  round {}: raw argon2id and logins", round + 1);
        let plan = login_plan(example, &login, pool, options.window());
        alternate(
            round,
            || helper.round(options.window(), &mut raw),
            || {
                logins.absorb(measure(&plan, example)?);
                Ok(())
            },
        )?;
    }
    report.raw_argon2 = raw;
    report.login = logins.into();
    Ok(())
}

/// Phase 3: paced `GET /users/me` alone, then while logins saturate the hashing pool.
pub(crate) fn latency(
    options: &Options,
    example: &Server,
    me: &[u8],
    pool: usize,
    report: &mut Report,
) -> Result<(), Error> {
    let login = login_request();
    let probe = Plan {
        pace: Pace::Every(PROBE_PERIOD),
        ..closed(example, me, PROBES, options.window())
    };
    let logins = login_plan(example, &login, pool, options.window());
    let (mut alone, mut loaded, mut meanwhile) =
        (Outcome::empty(), Outcome::empty(), Outcome::empty());
    for round in 0..options.rounds {
        println!(
            "  round {}: paced GET /users/me, without and with logins",
            round + 1
        );
        alternate(
            round,
            || {
                alone.absorb(measure(&probe, example)?);
                Ok(())
            },
            || {
                let (probed, logged_in) = std::thread::scope(|scope| {
                    let logins = scope.spawn(|| load::run(&logins, &|| None));
                    (measure(&probe, example), logins.join())
                });
                loaded.absorb(probed?);
                meanwhile.absorb(logged_in.map_err(|_| "the login load panicked")??);
                Ok(())
            },
        )?;
    }
    report.probe_alone = alone.into();
    report.probe_under_logins = loaded.into();
    report.logins_during_probe = meanwhile.into();
    Ok(())
}

/// Runs `a` then `b` in even rounds, `b` then `a` in odd ones.
fn alternate(
    round: u32,
    mut a: impl FnMut() -> Result<(), Error>,
    mut b: impl FnMut() -> Result<(), Error>,
) -> Result<(), Error> {
    if round.is_multiple_of(2) {
        a()?;
        b()
    } else {
        b()?;
        a()
    }
}

fn closed<'a>(
    server: &Server,
    request: &'a [u8],
    connections: usize,
    window: Duration,
) -> Plan<'a> {
    Plan {
        addr: server.addr(),
        request,
        expect_status: 200,
        connections,
        pace: Pace::Closed,
        warmup: WARMUP,
        window,
    }
}

/// Four logins per hashing thread in flight keep the pool busy without gaps.
fn login_plan<'a>(example: &Server, login: &'a [u8], pool: usize, window: Duration) -> Plan<'a> {
    closed(example, login, 4 * pool, window)
}

fn measure(plan: &Plan<'_>, server: &Server) -> Result<Outcome, Error> {
    let outcome = load::run(plan, &|| server.cpu())?;
    if outcome.ok == 0 {
        return Err(format!("no successful response ({} failed)", outcome.failed).into());
    }
    Ok(outcome)
}
