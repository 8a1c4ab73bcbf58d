//! Access tokens of the database strategy: deleting and purging them.

use keycard_core::{AccessTokenRecord, AccessTokenStore, Token, UserStore};
use time::Duration;
use uuid::Uuid;

use crate::fixture::{HOUR, find_token, holder, record_aged, store_token, token};

/// [`AccessTokenStore::delete_token`] deletes that token and no other.
pub async fn delete_token_removes_only_that_token<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;
    let doomed = record_aged(user_id, Duration::ZERO);
    let kept = record_aged(user_id, Duration::ZERO);
    store_token(&store, &doomed).await;
    store_token(&store, &kept).await;

    store
        .delete_token(&doomed.token)
        .await
        .expect("delete_token");
    assert_eq!(
        find_token(&store, &doomed.token).await,
        None,
        "the deleted token is found"
    );
    assert_eq!(
        find_token(&store, &kept.token).await,
        Some(kept),
        "the other token"
    );
}

/// Deleting a token nobody issued, or one deleted already, succeeds and deletes nothing.
pub async fn delete_of_unknown_token_is_ok<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;
    let kept = AccessTokenRecord::new(Token::new("kEpT".repeat(10) + "kEp"), user_id);
    store_token(&store, &kept).await;

    store
        .delete_token(&token())
        .await
        .expect("delete of an unknown token");
    let upper = Token::new(kept.token.expose_secret().to_uppercase());
    store
        .delete_token(&upper)
        .await
        .expect("delete of a case variant");
    assert_eq!(
        find_token(&store, &kept.token).await,
        Some(kept.clone()),
        "kept token"
    );
    store.delete_token(&kept.token).await.expect("delete_token");
    store
        .delete_token(&kept.token)
        .await
        .expect("a second delete_token");
}

/// [`AccessTokenStore::delete_user_tokens`] deletes every token of one user, returns how
/// many, and leaves other users' tokens; a user without tokens counts 0.
pub async fn delete_user_tokens_counts_and_spares_other_users<S: UserStore + AccessTokenStore>(
    store: S,
) {
    let ann = holder(&store, "ann@example.com").await;
    let bob = holder(&store, "bob@example.com").await;
    let ann_tokens = [0, 2, 48].map(|hours| record_aged(ann, Duration::hours(hours)));
    let bob_tokens = [0, 1].map(|hours| record_aged(bob, Duration::hours(hours)));
    for record in ann_tokens.iter().chain(&bob_tokens) {
        store_token(&store, record).await;
    }

    assert_eq!(
        store
            .delete_user_tokens(ann)
            .await
            .expect("delete_user_tokens"),
        3
    );
    for record in &ann_tokens {
        assert_eq!(
            find_token(&store, &record.token).await,
            None,
            "ann's token survived"
        );
    }
    for record in &bob_tokens {
        assert_eq!(
            find_token(&store, &record.token).await.as_ref(),
            Some(record),
            "bob's token"
        );
    }
    assert_eq!(
        store.delete_user_tokens(ann).await.expect("again"),
        0,
        "second call"
    );
    let nobody = store.delete_user_tokens(Uuid::new_v4()).await;
    assert_eq!(nobody.expect("delete_user_tokens of an unknown user"), 0);
}

/// [`AccessTokenStore::purge_expired_tokens`] deletes every token older than `max_age`,
/// whoever holds it, returns how many, and keeps the younger ones.
pub async fn purge_expired_tokens_counts_and_keeps_fresh_ones<S: UserStore + AccessTokenStore>(
    store: S,
) {
    let ann = holder(&store, "ann@example.com").await;
    let bob = holder(&store, "bob@example.com").await;
    let expired = [
        record_aged(ann, Duration::hours(2)),
        record_aged(ann, Duration::days(3)),
        record_aged(bob, Duration::minutes(90)),
    ];
    let fresh = [
        record_aged(ann, Duration::ZERO),
        record_aged(bob, Duration::minutes(30)),
    ];
    for record in expired.iter().chain(&fresh) {
        store_token(&store, record).await;
    }

    assert_eq!(
        store.purge_expired_tokens(HOUR).await.expect("purge"),
        3,
        "purged"
    );
    for record in &expired {
        assert_eq!(
            find_token(&store, &record.token).await,
            None,
            "an expired token survived"
        );
    }
    for record in &fresh {
        assert_eq!(
            find_token(&store, &record.token).await.as_ref(),
            Some(record),
            "fresh token"
        );
    }
    assert_eq!(
        store.purge_expired_tokens(HOUR).await.expect("purge"),
        0,
        "again"
    );
}
