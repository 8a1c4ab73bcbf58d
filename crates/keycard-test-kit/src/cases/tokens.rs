//! Access tokens of the database strategy: issuing them and finding them.

use keycard_core::{AccessTokenRecord, AccessTokenStore, StoreError, Token, UserStore};
use time::Duration;
use uuid::Uuid;

use crate::fixture::{HOUR, assert_err, find_token, holder, record_aged, store_token, token};

/// [`AccessTokenStore::create_token`] returns the record as given, and
/// [`AccessTokenStore::get_token`] reads back its token, user and issue time, to the
/// microsecond, with or without an age limit.
pub async fn token_round_trips<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;
    let record = AccessTokenRecord::new(token(), user_id);

    let returned = store.create_token(record.clone()).await;
    assert_eq!(
        returned.expect("create_token"),
        record,
        "create_token's return value"
    );
    let found = find_token(&store, &record.token)
        .await
        .expect("the token should be found");
    assert!(found.token == record.token, "the token text differs");
    assert_eq!(found.user_id, user_id, "user_id");
    assert_eq!(
        found.created_at, record.created_at,
        "created_at to the microsecond"
    );
    let fresh = store.get_token(&record.token, Some(HOUR)).await;
    assert_eq!(
        fresh.expect("get_token"),
        Some(record),
        "with max_age of an hour"
    );
}

/// Issue times keep every microsecond, from `.000000` to `.999999`, days in the past
/// as well as now: no rounding, no truncation to milliseconds.
pub async fn token_timestamp_keeps_microseconds<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;

    for (age, micros) in [(0, 0), (0, 1), (3, 999_999), (3, 500_001), (400, 123_456)] {
        let mut record = record_aged(user_id, Duration::days(age));
        record.created_at = record
            .created_at
            .replace_microsecond(micros)
            .expect("micros");
        store_token(&store, &record).await;

        let found = find_token(&store, &record.token)
            .await
            .expect("the token should be found");
        assert_eq!(
            found.created_at, record.created_at,
            "{age} days ago, .{micros:06}"
        );
    }
}

/// With `max_age`, [`AccessTokenStore::get_token`] skips tokens issued longer ago than
/// that and still finds younger ones.
pub async fn get_token_with_max_age_skips_older_tokens<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;
    let old = record_aged(user_id, Duration::hours(2));
    let young = record_aged(user_id, Duration::minutes(30));
    store_token(&store, &old).await;
    store_token(&store, &young).await;

    let found = store
        .get_token(&old.token, Some(HOUR))
        .await
        .expect("get_token");
    assert!(
        found.is_none(),
        "a 2-hour-old token passed a max_age of 1 hour"
    );
    let found = store
        .get_token(&old.token, Some(3 * HOUR))
        .await
        .expect("get_token");
    assert_eq!(
        found,
        Some(old),
        "a 2-hour-old token should pass a max_age of 3 hours"
    );
    let found = store
        .get_token(&young.token, Some(HOUR))
        .await
        .expect("get_token");
    assert_eq!(
        found,
        Some(young),
        "a 30-minute-old token should pass 1 hour"
    );
}

/// Without `max_age`, [`AccessTokenStore::get_token`] finds a token however old.
pub async fn get_token_without_max_age_returns_old_tokens<S: UserStore + AccessTokenStore>(
    store: S,
) {
    let user_id = holder(&store, "holder@example.com").await;
    let ancient = record_aged(user_id, Duration::days(400));
    store_token(&store, &ancient).await;

    assert_eq!(find_token(&store, &ancient.token).await, Some(ancient));
}

/// A token nobody issued is `Ok(None)`.
pub async fn get_of_unknown_token_is_none<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;
    store_token(&store, &record_aged(user_id, Duration::ZERO)).await;

    assert_eq!(
        find_token(&store, &token()).await,
        None,
        "an unknown token was found"
    );
    let found = store
        .get_token(&token(), Some(HOUR))
        .await
        .expect("get_token");
    assert_eq!(found, None, "an unknown token was found with max_age");
}

/// Tokens are compared byte for byte: `abc` and `ABC` are two tokens, and neither a
/// prefix nor an extension of a token finds it.
pub async fn tokens_are_compared_exactly<S: UserStore + AccessTokenStore>(store: S) {
    let ann = holder(&store, "ann@example.com").await;
    let bob = holder(&store, "bob@example.com").await;
    let text = "AbCdEfGhIjKlMnOpQrStUvWxYz-_0123456789aBcDe";
    let mixed = AccessTokenRecord::new(Token::new(text), ann);
    store_token(&store, &mixed).await;

    for other in [
        text.to_lowercase(),
        text.to_uppercase(),
        text[..42].to_owned(),
    ] {
        assert_eq!(
            find_token(&store, &Token::new(other.as_str())).await,
            None,
            "{other}"
        );
    }
    assert_eq!(
        find_token(&store, &Token::new(format!("{text}x"))).await,
        None
    );
    let lower = AccessTokenRecord::new(Token::new(text.to_lowercase()), bob);
    store_token(&store, &lower).await;
    assert_eq!(
        find_token(&store, &mixed.token).await.map(|r| r.user_id),
        Some(ann)
    );
    assert_eq!(
        find_token(&store, &lower.token).await.map(|r| r.user_id),
        Some(bob)
    );
}

/// A token for a user nobody has fails with [`StoreError::NotFound`] and is not stored,
/// so a real user can then be issued it.
pub async fn create_token_for_unknown_user_is_not_found<S: UserStore + AccessTokenStore>(store: S) {
    let user_id = holder(&store, "holder@example.com").await;
    let orphan = AccessTokenRecord::new(token(), Uuid::new_v4());

    let result = store.create_token(orphan.clone()).await;
    assert_err!(
        result,
        StoreError::NotFound,
        "create_token for an unknown user"
    );
    assert_eq!(
        find_token(&store, &orphan.token).await,
        None,
        "the orphan token was stored"
    );
    let adopted = AccessTokenRecord { user_id, ..orphan };
    store_token(&store, &adopted).await;
    assert_eq!(
        find_token(&store, &adopted.token).await,
        Some(adopted),
        "adopted token"
    );
}

/// A token that exists already fails with [`StoreError::DuplicateId`] and the stored
/// record keeps its user and issue time.
pub async fn create_token_refuses_a_duplicate<S: UserStore + AccessTokenStore>(store: S) {
    let ann = holder(&store, "ann@example.com").await;
    let bob = holder(&store, "bob@example.com").await;
    let first = record_aged(ann, Duration::minutes(5));
    store_token(&store, &first).await;

    let copy = AccessTokenRecord::new(first.token.clone(), bob);
    let result = store.create_token(copy).await;
    assert_err!(
        result,
        StoreError::DuplicateId,
        "create_token with a taken token"
    );
    assert_eq!(
        find_token(&store, &first.token).await,
        Some(first),
        "the stored record changed"
    );
}
