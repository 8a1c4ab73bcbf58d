//! Creating users: round trips of every column, and the conflicts that refuse a create.

use keycard_core::{HashedPassword, StoreError, Token, User, UserStore};
use serde_json::json;

use crate::fixture::{
    account, assert_err, assert_same_user, create, fields, hash, id_by_email, id_by_oauth,
    is_absent, load, user,
};

/// [`UserStore::create`] returns the user exactly as given, OAuth accounts included.
pub async fn create_returns_the_user_as_given<S: UserStore>(store: S) {
    let mut given = user("Erin@example.com");
    given.is_verified = true;
    given.fields = fields(json!({ "nickname": "erin" }));
    given.oauth_accounts.push(account("github", "erin"));

    let returned = store.create(given.clone()).await;
    let returned = returned.expect("create of a new user should succeed");
    assert_same_user(&returned, &given, "create's return value");
}

/// Every column reads back as written, through [`UserStore::get`] and
/// [`UserStore::get_by_email`], for both settings of every flag.
pub async fn create_round_trips_every_column<S: UserStore>(store: S) {
    let mut flipped = User::new("flipped@example.com", hash("flipped"));
    flipped.is_active = false;
    flipped.is_superuser = true;
    flipped.is_verified = true;
    flipped.fields = fields(json!({ "plan": "pro" }));
    let plain = User::new("plain@example.com", hash("plain"));

    for given in [flipped, plain] {
        create(&store, given.clone()).await;

        assert_same_user(&load(&store, given.id).await, &given, "get");
        let by_email = store.get_by_email(&given.email).await;
        let by_email = by_email.expect("get_by_email should not fail");
        let by_email = by_email.expect("get_by_email should find the stored user");
        assert_same_user(&by_email, &given, "get_by_email");
    }
}

/// Custom fields hold any JSON: nested objects, arrays, integers beyond `f64`'s exact
/// range, floats, booleans, strings that look like numbers, and `null`, all of which
/// read back as written.
pub async fn custom_fields_round_trip_as_json<S: UserStore>(store: S) {
    let mut given = user("json@example.com");
    given.fields = fields(json!({
        "nickname": "jay",
        "age": 42,
        "negative": -7,
        "ratio": 1.5,
        "big": 9_007_199_254_740_993_i64,
        "flag": true,
        "nothing": null,
        "zip": "0042",
        "tags": ["a", 1, null, { "k": "v" }, []],
        "profile": { "address": { "city": "Paris", "lines": ["1 rue", ""] }, "score": 0.25 },
        "empty_object": {},
        "empty_array": []
    }));
    create(&store, given.clone()).await;

    let stored = load(&store, given.id).await;
    assert_eq!(
        stored.fields, given.fields,
        "custom fields should round-trip"
    );
    assert_eq!(
        stored.fields["big"].as_i64(),
        Some(9_007_199_254_740_993),
        "an integer must not pass through a float"
    );
    assert!(stored.fields["nothing"].is_null(), "null should stay null");
}

/// Unicode in the e-mail's local part and in custom fields reads back byte for byte:
/// no normalisation, no re-encoding, and the address is found by its exact text.
pub async fn unicode_round_trips_byte_exact<S: UserStore>(store: S) {
    let email = "Zoë.Ñandú-李@exämple.com";
    let mut given = user(email);
    given.fields = fields(json!({
        "name": "山田 太郎",
        "emoji": "🦀🔑",
        "decomposed": "e\u{301}",
        "composed": "\u{e9}",
        "rtl": "שלום",
        "escapes": "quote \" backslash \\ newline \n tab \t",
        "ключ": "значение"
    }));
    create(&store, given.clone()).await;

    let stored = load(&store, given.id).await;
    assert_eq!(
        stored.email.as_bytes(),
        email.as_bytes(),
        "the e-mail's bytes"
    );
    assert_eq!(stored.fields, given.fields, "Unicode custom fields");
    for key in ["decomposed", "composed"] {
        let bytes = stored.fields[key].as_str().map(str::as_bytes);
        let want = given.fields[key].as_str().map(str::as_bytes);
        assert_eq!(bytes, want, "{key} must not be normalised");
    }
    assert_eq!(
        id_by_email(&store, email).await,
        Some(given.id),
        "exact look-up"
    );
}

/// Values as long as their columns read back whole: a 320-character e-mail, a
/// 1,024-character hash, and an OAuth account with a 100-character provider name,
/// 320-character account id and e-mail, and 1,024-character tokens.
pub async fn long_values_round_trip<S: UserStore>(store: S) {
    let labels = ["b", "c", "d"].map(|letter| letter.repeat(63)).join(".");
    let email = format!("{}@{labels}.{}.com", "a".repeat(64), "e".repeat(59));
    assert_eq!(email.len(), 320, "the kit's own long address");
    let mut given = User::new(email.clone(), HashedPassword::new("h".repeat(1024)));
    let mut linked = account(&"p".repeat(100), &"9".repeat(320));
    linked.account_email = format!("{}@example.com", "m".repeat(308));
    linked.access_token = Token::new("t".repeat(1024));
    linked.refresh_token = Some(Token::new("r".repeat(1024)));
    given.oauth_accounts.push(linked.clone());
    create(&store, given.clone()).await;

    assert_same_user(&load(&store, given.id).await, &given, "long values");
    let found = id_by_email(&store, &email.to_uppercase()).await;
    assert_eq!(found, Some(given.id), "look-up of the 320-character e-mail");
    let found = id_by_oauth(&store, &linked.oauth_name, &linked.account_id).await;
    assert_eq!(
        found,
        Some(given.id),
        "look-up by the long provider account"
    );
}

/// A create whose e-mail is taken, in any letter case, fails with
/// [`StoreError::DuplicateEmail`] and writes nothing: its OAuth accounts stay free for
/// another user to link.
pub async fn create_refuses_a_taken_email_in_any_case<S: UserStore>(store: S) {
    let bob = create(&store, user("Bob@example.com")).await;

    for (n, email) in [
        "Bob@example.com",
        "bob@example.com",
        "BOB@EXAMPLE.COM",
        "bOb@Example.Com",
    ]
    .into_iter()
    .enumerate()
    {
        let mut rival = user(email);
        rival
            .oauth_accounts
            .push(account("github", &format!("rival-{n}")));

        let result = store.create(rival.clone()).await;
        assert_err!(
            result,
            StoreError::DuplicateEmail,
            "create with taken <{email}>"
        );
        assert!(is_absent(&store, rival.id).await, "<{email}> was written");
        let linked = id_by_oauth(&store, "github", &format!("rival-{n}")).await;
        assert_eq!(linked, None, "the refused user's OAuth account was written");
        let free = store.add_oauth_account(bob.id, account("github", &format!("rival-{n}")));
        free.await
            .expect("a refused user's OAuth account should stay free");
    }
    let stored = load(&store, bob.id).await;
    assert_eq!(stored.email, "Bob@example.com", "the first user's address");
    assert!(
        stored.hashed_password == bob.hashed_password,
        "the first user's hash"
    );
}

/// `a@X.com` collides with a stored `A@x.com`: the case of both the local part and the
/// domain is folded on both sides.
pub async fn create_refuses_a_mixed_case_variant_of_a_taken_email<S: UserStore>(store: S) {
    let first = create(&store, user("A@x.com")).await;

    let rival = user("a@X.com");
    let result = store.create(rival.clone()).await;
    assert_err!(
        result,
        StoreError::DuplicateEmail,
        "create of a@X.com next to A@x.com"
    );
    assert!(
        is_absent(&store, rival.id).await,
        "the refused user was written"
    );
    assert_eq!(id_by_email(&store, "a@x.com").await, Some(first.id));
}

/// A create with an id that exists fails with [`StoreError::DuplicateId`] and writes
/// nothing: the stored user keeps its columns and the new address stays free for
/// another user.
pub async fn create_refuses_a_taken_id<S: UserStore>(store: S) {
    let first = create(&store, user("first@example.com")).await;

    let mut twin = user("twin@example.com");
    twin.id = first.id;
    let result = store.create(twin).await;
    assert_err!(result, StoreError::DuplicateId, "create with a taken id");
    assert_eq!(id_by_email(&store, "twin@example.com").await, None);
    assert_same_user(&load(&store, first.id).await, &first, "the first user");
    create(&store, user("TWIN@example.com")).await;
}

/// A user created with OAuth accounts has all of them, in the given order, and each
/// finds the user.
pub async fn create_stores_oauth_accounts_in_order<S: UserStore>(store: S) {
    let mut given = user("multi@example.com");
    let mut google = account("google", "g-1");
    google.expires_at = Some(1_700_000_000);
    google.refresh_token = Some(Token::new("refresh-g"));
    given.oauth_accounts = vec![account("zitadel", "z-1"), google, account("github", "h-1")];
    create(&store, given.clone()).await;

    assert_same_user(&load(&store, given.id).await, &given, "accounts in order");
    for linked in &given.oauth_accounts {
        let found = id_by_oauth(&store, &linked.oauth_name, &linked.account_id).await;
        assert_eq!(found, Some(given.id), "look-up by {}", linked.oauth_name);
    }
}

/// A create carrying a provider account another user has fails with
/// [`StoreError::DuplicateOAuthAccount`] and writes nothing: not the user, not the other,
/// free, account it carried, and no reservation of either that would block a later
/// create.
pub async fn create_with_a_linked_oauth_account_writes_nothing<S: UserStore>(store: S) {
    let mut owner = user("owner@example.com");
    owner.oauth_accounts.push(account("github", "1"));
    let owner = create(&store, owner).await;

    let mut rival = user("rival@example.com");
    rival.oauth_accounts = vec![account("google", "2"), account("github", "1")];
    let result = store.create(rival.clone()).await;
    assert_err!(
        result,
        StoreError::DuplicateOAuthAccount,
        "create with a linked account"
    );

    assert!(
        is_absent(&store, rival.id).await,
        "the refused user was written"
    );
    assert_eq!(id_by_email(&store, "rival@example.com").await, None);
    assert_eq!(
        id_by_oauth(&store, "google", "2").await,
        None,
        "google:2 was written"
    );
    assert_eq!(id_by_oauth(&store, "github", "1").await, Some(owner.id));
    rival.oauth_accounts.truncate(1);
    let retried = create(&store, rival).await;
    assert_eq!(id_by_oauth(&store, "google", "2").await, Some(retried.id));
}

/// A create carrying one provider account twice fails with
/// [`StoreError::DuplicateOAuthAccount`]: a provider account is linked once. Nothing is
/// written, so the same user with the account once is then created.
pub async fn create_carrying_one_provider_account_twice_is_refused<S: UserStore>(store: S) {
    let mut given = user("twice@example.com");
    given.oauth_accounts = vec![account("github", "7"), account("github", "7")];

    let result = store.create(given.clone()).await;
    assert_err!(
        result,
        StoreError::DuplicateOAuthAccount,
        "create with github:7 twice"
    );
    assert!(
        is_absent(&store, given.id).await,
        "the refused user was written"
    );
    assert_eq!(id_by_oauth(&store, "github", "7").await, None);
    given.oauth_accounts.truncate(1);
    create(&store, given.clone()).await;
    assert_eq!(id_by_oauth(&store, "github", "7").await, Some(given.id));
}
