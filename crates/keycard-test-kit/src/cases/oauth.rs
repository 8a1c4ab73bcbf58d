//! OAuth accounts: linking, looking up by provider account, and replacing tokens.

use keycard_core::{OAuthAccount, StoreError, Token, User, UserStore};
use uuid::Uuid;

use crate::fixture::{
    account, assert_err, assert_same_user, create, id_by_oauth, load, outcome, user,
};

/// Links `account` to the user, which must succeed, and returns the user.
async fn link<S: UserStore>(store: &S, user_id: Uuid, account: OAuthAccount) -> User {
    let name = format!("{}:{}", account.oauth_name, account.account_id);
    let result = store.add_oauth_account(user_id, account).await;
    let describe = outcome(&result);
    result.unwrap_or_else(|_| panic!("linking {name} should succeed, got {describe}"))
}

/// [`UserStore::add_oauth_account`] links accounts at several providers to one user,
/// returning and storing them in the order they were linked, with every column; each
/// account then finds the user with all of their accounts.
pub async fn add_oauth_account_keeps_accounts_in_order<S: UserStore>(store: S) {
    let mut expected = create(&store, user("linker@example.com")).await;
    let mut google = account("google", "g-1");
    google.expires_at = Some(1_700_000_000);
    google.refresh_token = Some(Token::new("refresh-g"));

    for linked in [account("github", "h-1"), google, account("gitlab", "l-1")] {
        expected.oauth_accounts.push(linked.clone());
        let returned = link(&store, expected.id, linked).await;
        assert_same_user(&returned, &expected, "add_oauth_account's return value");
    }
    assert_same_user(
        &load(&store, expected.id).await,
        &expected,
        "get after linking",
    );
    for (name, id) in [("github", "h-1"), ("google", "g-1"), ("gitlab", "l-1")] {
        let found = store.get_by_oauth_account(name, id).await;
        let found = found.expect("get_by_oauth_account should not fail");
        let found = found.unwrap_or_else(|| panic!("{name}:{id} should find its user"));
        assert_same_user(&found, &expected, "get_by_oauth_account");
    }
}

/// Linking a provider account another user has fails with
/// [`StoreError::DuplicateOAuthAccount`] and writes nothing.
pub async fn add_oauth_account_refuses_an_account_linked_to_another_user<S: UserStore>(store: S) {
    let owner = create(&store, user("owner@example.com")).await;
    let owner = link(&store, owner.id, account("github", "42")).await;
    let rival = create(&store, user("rival@example.com")).await;

    let result = store
        .add_oauth_account(rival.id, account("github", "42"))
        .await;
    assert_err!(
        result,
        StoreError::DuplicateOAuthAccount,
        "linking a taken account"
    );
    assert_same_user(&load(&store, rival.id).await, &rival, "the refused user");
    assert_same_user(&load(&store, owner.id).await, &owner, "the account's owner");
    assert_eq!(id_by_oauth(&store, "github", "42").await, Some(owner.id));
}

/// Linking a provider account a second time to the user who has it fails with
/// [`StoreError::DuplicateOAuthAccount`]; the user keeps one copy.
pub async fn add_oauth_account_refuses_an_account_the_user_already_has<S: UserStore>(store: S) {
    let owner = create(&store, user("owner@example.com")).await;
    let owner = link(&store, owner.id, account("github", "42")).await;

    let result = store
        .add_oauth_account(owner.id, account("github", "42"))
        .await;
    assert_err!(
        result,
        StoreError::DuplicateOAuthAccount,
        "linking an account twice"
    );
    assert_same_user(&load(&store, owner.id).await, &owner, "the owner");
}

/// One account id at two providers is two accounts: both link, to different users, and
/// each look-up finds its own user.
pub async fn same_account_id_at_different_providers_is_allowed<S: UserStore>(store: S) {
    let ann = create(&store, user("ann@example.com")).await;
    let bob = create(&store, user("bob@example.com")).await;

    link(&store, ann.id, account("github", "7")).await;
    link(&store, bob.id, account("google", "7")).await;
    assert_eq!(id_by_oauth(&store, "github", "7").await, Some(ann.id));
    assert_eq!(id_by_oauth(&store, "google", "7").await, Some(bob.id));
}

/// Linking to an id nobody has fails with [`StoreError::NotFound`] and leaves the
/// account free, for a real user to link.
pub async fn add_oauth_account_to_unknown_user_is_not_found<S: UserStore>(store: S) {
    let someone = create(&store, user("someone@example.com")).await;

    let result = store
        .add_oauth_account(Uuid::new_v4(), account("github", "9"))
        .await;
    assert_err!(result, StoreError::NotFound, "linking to an unknown user");
    assert_eq!(
        id_by_oauth(&store, "github", "9").await,
        None,
        "the account was written"
    );
    link(&store, someone.id, account("github", "9")).await;
}

/// [`UserStore::get_by_oauth_account`] needs both the provider name and the account id
/// to match whole: no cross-matching between accounts, no prefixes, no patterns.
pub async fn oauth_lookup_requires_provider_and_account_id_to_match<S: UserStore>(store: S) {
    let ann = create(&store, user("ann@example.com")).await;
    link(&store, ann.id, account("github", "100")).await;
    let bob = create(&store, user("bob@example.com")).await;
    link(&store, bob.id, account("google", "200")).await;

    for (name, id) in [
        ("github", "200"),
        ("google", "100"),
        ("github", "10"),
        ("github", "1000"),
        ("githu", "100"),
        ("github", "1_0"),
        ("github", "%"),
        ("%", "100"),
    ] {
        assert_eq!(
            id_by_oauth(&store, name, id).await,
            None,
            "{name}:{id} matched"
        );
    }
    assert_eq!(id_by_oauth(&store, "github", "100").await, Some(ann.id));
    assert_eq!(id_by_oauth(&store, "google", "200").await, Some(bob.id));
}

/// [`UserStore::update_oauth_account`] replaces the stored account with the same id:
/// access token, expiry, refresh token and e-mail; the user's other accounts and their
/// order stay.
pub async fn update_oauth_account_replaces_tokens_and_expiry<S: UserStore>(store: S) {
    let mut github = account("github", "h-1");
    github.expires_at = Some(1_700_000_000);
    github.refresh_token = Some(Token::new("refresh-1"));
    let mut given = user("rotate@example.com");
    given.oauth_accounts = vec![github.clone(), account("google", "g-1")];
    let mut expected = create(&store, given).await;

    github.access_token = Token::new("access-2");
    github.expires_at = Some(1_800_000_000);
    github.refresh_token = Some(Token::new("refresh-2"));
    github.account_email = "new-address@github.example".to_owned();
    expected.oauth_accounts[0] = github.clone();
    let returned = store.update_oauth_account(expected.id, github).await;
    let returned = returned.expect("update_oauth_account of a linked account should succeed");

    assert_same_user(&returned, &expected, "update_oauth_account's return value");
    assert_same_user(
        &load(&store, expected.id).await,
        &expected,
        "get after the update",
    );
    assert_eq!(
        id_by_oauth(&store, "github", "h-1").await,
        Some(expected.id)
    );
}

/// An OAuth account update can clear the expiry and the refresh token (`Some` to `None`).
pub async fn update_oauth_account_can_clear_expiry_and_refresh_token<S: UserStore>(store: S) {
    let mut github = account("github", "h-1");
    github.expires_at = Some(1_700_000_000);
    github.refresh_token = Some(Token::new("refresh-1"));
    let mut given = user("clear@example.com");
    given.oauth_accounts.push(github.clone());
    let mut expected = create(&store, given).await;

    github.expires_at = None;
    github.refresh_token = None;
    expected.oauth_accounts[0] = github.clone();
    let returned = store.update_oauth_account(expected.id, github).await;
    let returned = returned.expect("update_oauth_account of a linked account should succeed");

    assert_same_user(&returned, &expected, "update_oauth_account's return value");
    let stored = load(&store, expected.id).await;
    assert_eq!(
        stored.oauth_accounts[0].expires_at, None,
        "expires_at was kept"
    );
    assert!(
        stored.oauth_accounts[0].refresh_token.is_none(),
        "refresh_token was kept"
    );
}

/// An OAuth account update whose account id the user does not have fails with
/// [`StoreError::NotFound`] and changes nothing.
pub async fn update_oauth_account_with_unknown_account_id_is_not_found<S: UserStore>(store: S) {
    let mut given = user("owner@example.com");
    given.oauth_accounts.push(account("github", "h-1"));
    let owner = create(&store, given).await;

    let mut stranger = account("github", "h-1");
    stranger.id = Uuid::new_v4();
    let result = store.update_oauth_account(owner.id, stranger).await;
    assert_err!(
        result,
        StoreError::NotFound,
        "update of an unknown account id"
    );
    assert_same_user(&load(&store, owner.id).await, &owner, "the owner");
}

/// An OAuth account update for a user id nobody has fails with [`StoreError::NotFound`].
pub async fn update_oauth_account_of_unknown_user_is_not_found<S: UserStore>(store: S) {
    let mut given = user("owner@example.com");
    given.oauth_accounts.push(account("github", "h-1"));
    let owner = create(&store, given).await;

    let mut changed = owner.oauth_accounts[0].clone();
    changed.access_token = Token::new("stolen");
    let result = store.update_oauth_account(Uuid::new_v4(), changed).await;
    assert_err!(result, StoreError::NotFound, "update for an unknown user");
    assert_same_user(&load(&store, owner.id).await, &owner, "the owner");
}

/// An OAuth account update naming one user and another user's account fails with
/// [`StoreError::NotFound`] and leaves both users as they were.
pub async fn update_oauth_account_of_another_users_account_is_not_found<S: UserStore>(store: S) {
    let mut given = user("owner@example.com");
    given.oauth_accounts.push(account("github", "h-1"));
    let owner = create(&store, given).await;
    let other = create(&store, user("other@example.com")).await;

    let mut changed = owner.oauth_accounts[0].clone();
    changed.access_token = Token::new("stolen");
    let result = store.update_oauth_account(other.id, changed).await;
    assert_err!(
        result,
        StoreError::NotFound,
        "update of another user's account"
    );
    assert_same_user(&load(&store, owner.id).await, &owner, "the account's owner");
    assert_same_user(&load(&store, other.id).await, &other, "the other user");
}
