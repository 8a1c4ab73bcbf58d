//! Reading users: missing rows, and e-mail look-ups.

use keycard_core::UserStore;
use uuid::Uuid;

use crate::fixture::{create, id_by_email, user};

/// [`UserStore::get`] of an id nobody has is `Ok(None)`, not an error and not another
/// user.
pub async fn get_of_unknown_id_is_none<S: UserStore>(store: S) {
    create(&store, user("someone@example.com")).await;

    let found = store.get(Uuid::new_v4()).await;
    let found = found.expect("get of an unknown id should not fail");
    assert!(found.is_none(), "get of an unknown id should be None");
}

/// [`UserStore::get_by_email`] of an address nobody has is `Ok(None)`.
pub async fn get_by_email_of_unknown_address_is_none<S: UserStore>(store: S) {
    create(&store, user("someone@example.com")).await;

    let found = store.get_by_email("nobody@example.com").await;
    let found = found.expect("get_by_email of an unknown address should not fail");
    assert!(
        found.is_none(),
        "get_by_email of an unknown address should be None"
    );
}

/// [`UserStore::get_by_oauth_account`] of an account nobody linked is `Ok(None)`.
pub async fn get_by_oauth_account_of_unknown_account_is_none<S: UserStore>(store: S) {
    create(&store, user("someone@example.com")).await;

    let found = store.get_by_oauth_account("github", "1").await;
    let found = found.expect("get_by_oauth_account of an unknown account should not fail");
    assert!(
        found.is_none(),
        "an account nobody linked should find no user"
    );
}

/// [`UserStore::get_by_email`] finds a user whatever the letter case of the query, and
/// returns the address as it was stored.
pub async fn email_lookup_is_case_insensitive<S: UserStore>(store: S) {
    let alice = create(&store, user("Alice.Smith@example.com")).await;

    for query in [
        "Alice.Smith@example.com",
        "alice.smith@example.com",
        "ALICE.SMITH@EXAMPLE.COM",
        "aLiCe.SmItH@ExAmPlE.cOm",
    ] {
        let found = store.get_by_email(query).await;
        let found = found.expect("get_by_email should not fail");
        let found = found.unwrap_or_else(|| panic!("get_by_email({query:?}) found nobody"));
        assert_eq!(
            found.id, alice.id,
            "get_by_email({query:?}) found another user"
        );
        assert_eq!(
            found.email, "Alice.Smith@example.com",
            "the stored address should keep its letter case"
        );
    }
}

/// Case folding applies to the stored address as well as to the query: `A@x.com` is found
/// as `a@X.com`, and `b@Y.com` as `B@y.com`.
pub async fn email_lookup_folds_case_on_both_sides<S: UserStore>(store: S) {
    let a = create(&store, user("A@x.com")).await;
    let b = create(&store, user("b@Y.com")).await;

    assert_eq!(id_by_email(&store, "a@X.com").await, Some(a.id), "a@X.com");
    assert_eq!(id_by_email(&store, "B@y.com").await, Some(b.id), "B@y.com");
}

/// An e-mail look-up matches the whole address and nothing else: no prefixes, no
/// suffixes, and `_` or `%` are plain characters, not patterns.
pub async fn email_lookup_matches_the_whole_address_only<S: UserStore>(store: S) {
    let stored = create(&store, user("a_b%c@example.com")).await;

    for query in [
        "axbyc@example.com",
        "a_b%c@example.co",
        "a_b%c@example.com.au",
        "b%c@example.com",
        "a_b%c@example",
        "%@example.com",
        "%",
        "_%",
    ] {
        let found = id_by_email(&store, query).await;
        assert_eq!(found, None, "get_by_email({query:?}) should find nobody");
    }
    let exact = id_by_email(&store, "a_b%c@example.com").await;
    assert_eq!(exact, Some(stored.id), "the exact address should be found");
}

/// Only ASCII letters fold, as [`email_key`](keycard_core::email::email_key) defines:
/// `zoë@example.com` and `ZOË@example.com` are two accounts, so that every store agrees
/// on which addresses collide whatever its database's Unicode rules.
pub async fn email_case_folding_is_ascii_only<S: UserStore>(store: S) {
    let lower = create(&store, user("zoë@example.com")).await;
    let upper = create(&store, user("ZOË@example.com")).await;

    let found = id_by_email(&store, "ZOË@EXAMPLE.COM").await;
    assert_eq!(found, Some(upper.id), "ZOË@EXAMPLE.COM should find ZOË");
    let found = id_by_email(&store, "zoë@Example.com").await;
    assert_eq!(found, Some(lower.id), "zoë@Example.com should find zoë");
    let found = id_by_email(&store, "Zoë@example.com").await;
    assert_eq!(found, Some(lower.id), "Zoë@example.com should find zoë");
}
