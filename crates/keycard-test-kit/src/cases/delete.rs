//! Deleting users, and what goes with them.

use keycard_core::{AccessTokenStore, StoreError, UserStore};
use uuid::Uuid;

use crate::fixture::{
    account, assert_err, assert_same_user, create, id_by_email, id_by_oauth, is_absent, load,
    record_aged, user,
};

/// [`UserStore::delete`] removes the user from every look-up and leaves other users as
/// they were.
pub async fn delete_removes_only_that_user<S: UserStore>(store: S) {
    let gone = create(&store, user("gone@example.com")).await;
    let mut kept = user("kept@example.com");
    kept.oauth_accounts.push(account("github", "kept"));
    let kept = create(&store, kept).await;

    store
        .delete(gone.id)
        .await
        .expect("delete of a user should succeed");
    assert!(
        is_absent(&store, gone.id).await,
        "get still finds the deleted user"
    );
    assert_eq!(id_by_email(&store, "gone@example.com").await, None);
    assert_same_user(&load(&store, kept.id).await, &kept, "the other user");
}

/// A deleted user's address, in any letter case, is free for a new user.
pub async fn delete_frees_the_email<S: UserStore>(store: S) {
    let first = create(&store, user("Reuse@example.com")).await;
    store
        .delete(first.id)
        .await
        .expect("delete of a user should succeed");

    let second = create(&store, user("REUSE@example.com")).await;
    assert_eq!(
        id_by_email(&store, "reuse@example.com").await,
        Some(second.id)
    );
}

/// A delete of an id nobody has, or of a user deleted already, fails with
/// [`StoreError::NotFound`].
pub async fn delete_of_unknown_id_is_not_found<S: UserStore>(store: S) {
    let once = create(&store, user("once@example.com")).await;

    let result = store.delete(Uuid::new_v4()).await;
    assert_err!(result, StoreError::NotFound, "delete of an unknown id");
    store
        .delete(once.id)
        .await
        .expect("the first delete should succeed");
    let result = store.delete(once.id).await;
    assert_err!(result, StoreError::NotFound, "a second delete of one user");
}

/// Deleting a user unlinks their OAuth accounts: the look-ups miss, and the accounts can
/// be linked again, by [`UserStore::add_oauth_account`] or carried by a create.
pub async fn delete_cascades_to_oauth_accounts<S: UserStore>(store: S) {
    let mut gone = user("gone@example.com");
    gone.oauth_accounts = vec![account("github", "1"), account("google", "2")];
    let gone = create(&store, gone).await;
    store
        .delete(gone.id)
        .await
        .expect("delete of a user should succeed");

    assert_eq!(
        id_by_oauth(&store, "github", "1").await,
        None,
        "github:1 survived"
    );
    assert_eq!(
        id_by_oauth(&store, "google", "2").await,
        None,
        "google:2 survived"
    );
    let heir = create(&store, user("heir@example.com")).await;
    let relinked = store
        .add_oauth_account(heir.id, account("github", "1"))
        .await;
    relinked.expect("a deleted user's account should be free to link");
    let mut carrier = user("carrier@example.com");
    carrier.oauth_accounts.push(account("google", "2"));
    create(&store, carrier).await;
}

/// Deleting a user deletes their access tokens, and only theirs.
pub async fn delete_cascades_to_access_tokens<S: UserStore + AccessTokenStore>(store: S) {
    let gone = create(&store, user("gone@example.com")).await;
    let kept = create(&store, user("kept@example.com")).await;
    let hour = time::Duration::hours(1);
    let gone_tokens = [
        record_aged(gone.id, time::Duration::ZERO),
        record_aged(gone.id, hour),
    ];
    let kept_token = record_aged(kept.id, time::Duration::ZERO);
    for record in gone_tokens.iter().chain([&kept_token]) {
        store
            .create_token(record.clone())
            .await
            .expect("create_token");
    }

    store
        .delete(gone.id)
        .await
        .expect("delete of a user should succeed");
    for record in &gone_tokens {
        let found = store
            .get_token(&record.token, None)
            .await
            .expect("get_token");
        assert!(found.is_none(), "a deleted user's token is still found");
    }
    let found = store
        .get_token(&kept_token.token, None)
        .await
        .expect("get_token");
    assert_eq!(found, Some(kept_token), "another user's token should stay");
    let left = store
        .delete_user_tokens(gone.id)
        .await
        .expect("delete_user_tokens");
    assert_eq!(left, 0, "the deleted user still had tokens");
}
