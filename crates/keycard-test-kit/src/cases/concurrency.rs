//! Racing writers: uniqueness must hold when the writes arrive together.
//!
//! Each case spawns its writers as Tokio tasks on the multi-thread runtime and holds them
//! at a [`Barrier`] until all are ready, so the writes overlap rather than queue.

use std::future::Future;
use std::sync::Arc;

use keycard_core::{AccessTokenRecord, AccessTokenStore, StoreError, User, UserPatch, UserStore};
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::fixture::{account, create, id_by_email, id_by_oauth, is_absent, load, token, user};

/// Runs one task per input, all released at once, and returns their results in input
/// order.
async fn race<S, I, F, Fut, T>(store: &S, inputs: Vec<I>, write: F) -> Vec<Result<T, StoreError>>
where
    S: Clone + Send + 'static,
    I: Send + 'static,
    F: Fn(S, I) -> Fut,
    Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(inputs.len()));
    let mut tasks = JoinSet::new();
    for (index, input) in inputs.into_iter().enumerate() {
        let (barrier, call) = (Arc::clone(&barrier), write(store.clone(), input));
        tasks.spawn(async move {
            barrier.wait().await;
            (index, call.await)
        });
    }

    let mut results: Vec<_> = tasks.join_all().await;
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// Returns the index of the one writer that won the race, after checking that every
/// other writer failed with an error that `lost` accepts.
fn one_winner<T>(
    results: &[Result<T, StoreError>],
    lost: fn(&StoreError) -> bool,
    what: &str,
) -> usize {
    let winners: Vec<usize> = (0..results.len()).filter(|&i| results[i].is_ok()).collect();
    assert_eq!(winners.len(), 1, "{what}: exactly one writer should win");
    for result in results {
        if let Err(err) = result {
            assert!(lost(err), "{what}: a losing writer got {err:?}");
        }
    }
    winners[0]
}

/// Clones of a store share one data set: a write through either is read through the
/// other. The concurrency cases rely on it.
pub async fn clones_share_one_data_set<S: UserStore + AccessTokenStore + Clone>(store: S) {
    let clone = store.clone();

    let ann = create(&clone, user("ann@example.com")).await;
    assert_eq!(id_by_email(&store, "ann@example.com").await, Some(ann.id));
    let bob = create(&store, user("bob@example.com")).await;
    assert_eq!(load(&clone, bob.id).await.email, "bob@example.com");
    let record = AccessTokenRecord::new(token(), ann.id);
    store
        .create_token(record.clone())
        .await
        .expect("create_token");
    let found = clone
        .get_token(&record.token, None)
        .await
        .expect("get_token");
    assert_eq!(found, Some(record), "a token stored through one clone");
}

/// A hundred creates of one address, in many letter cases, racing: exactly one user is
/// stored and the other 99 get [`StoreError::DuplicateEmail`] and leave no trace.
pub async fn concurrent_creates_of_one_email_leave_exactly_one_user<S: UserStore + Clone>(
    store: S,
) {
    let users: Vec<User> = (0..100)
        .map(|n| user(&case_variant("racer@example.com", n)))
        .collect();

    let results = race(&store, users.clone(), |store, user| async move {
        store.create(user).await
    })
    .await;
    let lost = |err: &StoreError| matches!(err, StoreError::DuplicateEmail);
    let winner = one_winner(&results, lost, "100 creates of one address");

    let found = id_by_email(&store, "RACER@example.com").await;
    assert_eq!(
        found,
        Some(users[winner].id),
        "the address should find the winner"
    );
    for (n, loser) in users.iter().enumerate().filter(|(n, _)| *n != winner) {
        assert!(
            is_absent(&store, loser.id).await,
            "losing create #{n} was stored"
        );
    }
}

/// Fifty creates of different addresses, racing, all succeed: the store serialises
/// conflicting writes without failing unrelated ones.
pub async fn concurrent_creates_of_distinct_emails_all_succeed<S: UserStore + Clone>(store: S) {
    let users: Vec<User> = (0..50)
        .map(|n| user(&format!("user{n}@example.com")))
        .collect();

    let results = race(&store, users.clone(), |store, user| async move {
        store.create(user).await
    })
    .await;
    for (n, result) in results.iter().enumerate() {
        assert!(
            result.is_ok(),
            "create #{n} failed: {:?}",
            result.as_ref().err()
        );
    }
    for user in &users {
        assert_eq!(
            id_by_email(&store, &user.email).await,
            Some(user.id),
            "{}",
            user.email
        );
    }
}

/// Twenty users racing to change their address to one new address, in different letter
/// cases: one succeeds, the others get [`StoreError::DuplicateEmail`] and keep theirs.
pub async fn concurrent_updates_to_one_email_leave_exactly_one_owner<S: UserStore + Clone>(
    store: S,
) {
    let mut users = Vec::new();
    for n in 0..20 {
        users.push(create(&store, user(&format!("mover{n}@example.com"))).await);
    }
    let moves: Vec<(Uuid, UserPatch)> = (0..20)
        .map(|n| {
            let email = Some(case_variant("target@example.com", n));
            (
                users[n].id,
                UserPatch {
                    email,
                    ..UserPatch::default()
                },
            )
        })
        .collect();

    let results = race(&store, moves, |store, (id, patch)| async move {
        store.update(id, &patch).await
    })
    .await;
    let lost = |err: &StoreError| matches!(err, StoreError::DuplicateEmail);
    let winner = one_winner(&results, lost, "20 updates to one address");

    assert_eq!(
        id_by_email(&store, "target@example.com").await,
        Some(users[winner].id)
    );
    for (n, loser) in users.iter().enumerate().filter(|(n, _)| *n != winner) {
        assert_eq!(
            load(&store, loser.id).await.email,
            loser.email,
            "loser #{n} moved"
        );
    }
}

/// Sixteen users racing to link one provider account: one succeeds, the others get
/// [`StoreError::DuplicateOAuthAccount`] and stay without accounts.
pub async fn concurrent_links_of_one_provider_account_leave_exactly_one<S: UserStore + Clone>(
    store: S,
) {
    let mut ids = Vec::new();
    for n in 0..16 {
        ids.push(
            create(&store, user(&format!("linker{n}@example.com")))
                .await
                .id,
        );
    }

    let results = race(&store, ids.clone(), |store, id| async move {
        store
            .add_oauth_account(id, account("github", "contested"))
            .await
    })
    .await;
    let lost = |err: &StoreError| matches!(err, StoreError::DuplicateOAuthAccount);
    let winner = one_winner(&results, lost, "16 links of one account");

    assert_eq!(
        id_by_oauth(&store, "github", "contested").await,
        Some(ids[winner])
    );
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| *n != winner) {
        let accounts = load(&store, *id).await.oauth_accounts;
        assert!(accounts.is_empty(), "losing user #{n} has an account");
    }
}

/// Twenty creates of one access token for different users, racing: one is stored, the
/// others get [`StoreError::DuplicateId`].
pub async fn concurrent_creates_of_one_token_leave_exactly_one<S>(store: S)
where
    S: UserStore + AccessTokenStore + Clone,
{
    let mut records = Vec::new();
    let contested = token();
    for n in 0..20 {
        let user_id = create(&store, user(&format!("holder{n}@example.com")))
            .await
            .id;
        records.push(AccessTokenRecord::new(contested.clone(), user_id));
    }

    let results = race(&store, records.clone(), |store, record| async move {
        store.create_token(record).await
    })
    .await;
    let lost = |err: &StoreError| matches!(err, StoreError::DuplicateId);
    let winner = one_winner(&results, lost, "20 creates of one token");

    let found = store.get_token(&contested, None).await.expect("get_token");
    assert_eq!(
        found,
        Some(records.swap_remove(winner)),
        "the winner's record"
    );
}

/// Spells `email` with the ASCII letters upper-cased where the bits of `n` say, so
/// variants 0 to 2^letters - 1 all differ.
fn case_variant(email: &str, n: usize) -> String {
    let mut bit = 0;
    email
        .chars()
        .map(|c| {
            if !c.is_ascii_alphabetic() {
                return c;
            }
            bit += 1;
            if (n >> (bit - 1)) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}
