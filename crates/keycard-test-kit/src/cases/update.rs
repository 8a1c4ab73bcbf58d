//! Updating users: one column at a time, custom-field merges, and refused patches.

use keycard_core::{StoreError, User, UserPatch, UserStore};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::fixture::{
    account, assert_err, assert_same_user, create, fields, hash, id_by_email, is_absent, load, user,
};

/// Stores a user whose every column differs from a new user's, so a patch that resets a
/// column it does not name shows.
async fn seeded<S: UserStore>(store: &S) -> User {
    let mut dana = user("Dana@example.com");
    dana.is_superuser = true;
    dana.is_verified = true;
    dana.fields = fields(json!({ "plan": "pro", "age": 33, "prefs": { "theme": "dark" } }));
    dana.oauth_accounts.push(account("github", "dana"));
    create(store, dana).await
}

/// Applies `patch` to `before` and checks the user returned and the user stored against
/// [`UserPatch::apply_to`], the core's definition of a patch.
async fn assert_patch_applies<S: UserStore>(store: &S, before: &User, patch: &UserPatch) -> User {
    let mut expected = before.clone();
    patch.apply_to(&mut expected);

    let returned = store.update(before.id, patch).await;
    let returned = returned.expect("update of an existing user should succeed");
    assert_same_user(&returned, &expected, "update's return value");
    assert_same_user(
        &load(store, before.id).await,
        &expected,
        "the user after update",
    );
    returned
}

/// An e-mail patch changes the address, exactly as given, and look-ups follow it.
pub async fn update_changes_the_email<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let patch = UserPatch {
        email: Some("Dana.New@example.com".to_owned()),
        ..UserPatch::default()
    };
    let updated = assert_patch_applies(&store, &dana, &patch).await;
    assert_eq!(updated.email, "Dana.New@example.com");
    assert_eq!(
        id_by_email(&store, "dana.new@EXAMPLE.com").await,
        Some(dana.id)
    );
    assert_eq!(
        id_by_email(&store, "Dana@example.com").await,
        None,
        "old address"
    );
}

/// After an e-mail change the old address, in any case, is free for another user.
pub async fn update_email_frees_the_old_address<S: UserStore>(store: S) {
    let dana = seeded(&store).await;
    let patch = UserPatch {
        email: Some("moved@example.com".to_owned()),
        ..UserPatch::default()
    };
    assert_patch_applies(&store, &dana, &patch).await;

    let newcomer = create(&store, user("DANA@example.com")).await;
    assert_eq!(
        id_by_email(&store, "dana@example.com").await,
        Some(newcomer.id)
    );
    assert_eq!(
        id_by_email(&store, "moved@example.com").await,
        Some(dana.id)
    );
}

/// A hash patch replaces the password hash and nothing else.
pub async fn update_changes_the_password_hash<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let patch = UserPatch {
        hashed_password: Some(hash("rotated")),
        ..UserPatch::default()
    };
    let updated = assert_patch_applies(&store, &dana, &patch).await;
    assert!(updated.hashed_password == hash("rotated"), "the new hash");
}

/// `is_active` can be cleared and set again, nothing else changing.
pub async fn update_changes_is_active<S: UserStore>(store: S) {
    let mut dana = seeded(&store).await;

    for flag in [false, true] {
        let patch = UserPatch {
            is_active: Some(flag),
            ..UserPatch::default()
        };
        dana = assert_patch_applies(&store, &dana, &patch).await;
        assert_eq!(dana.is_active, flag, "is_active after setting it to {flag}");
    }
}

/// `is_superuser` can be cleared and set again, nothing else changing.
pub async fn update_changes_is_superuser<S: UserStore>(store: S) {
    let mut dana = seeded(&store).await;

    for flag in [false, true] {
        let patch = UserPatch {
            is_superuser: Some(flag),
            ..UserPatch::default()
        };
        dana = assert_patch_applies(&store, &dana, &patch).await;
        assert_eq!(
            dana.is_superuser, flag,
            "is_superuser after setting it to {flag}"
        );
    }
}

/// `is_verified` can be cleared and set again, nothing else changing.
pub async fn update_changes_is_verified<S: UserStore>(store: S) {
    let mut dana = seeded(&store).await;

    for flag in [false, true] {
        let patch = UserPatch {
            is_verified: Some(flag),
            ..UserPatch::default()
        };
        dana = assert_patch_applies(&store, &dana, &patch).await;
        assert_eq!(
            dana.is_verified, flag,
            "is_verified after setting it to {flag}"
        );
    }
}

/// A patch naming some columns leaves the others, OAuth accounts included, as they were.
pub async fn update_leaves_unnamed_columns_alone<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let patch = UserPatch {
        is_verified: Some(false),
        fields: fields(json!({ "plan": "team" })),
        ..UserPatch::default()
    };
    let updated = assert_patch_applies(&store, &dana, &patch).await;
    assert_eq!(updated.email, dana.email);
    assert!(
        updated.hashed_password == dana.hashed_password,
        "the hash changed"
    );
    assert!(updated.is_active && updated.is_superuser && !updated.is_verified);
    assert_eq!(updated.oauth_accounts, dana.oauth_accounts);
    assert_eq!(
        updated.fields["age"],
        json!(33),
        "an unnamed custom field changed"
    );
}

/// Custom fields merge: a patch sets the fields it names, each replaced as a whole value,
/// and keeps every other field.
pub async fn update_merges_custom_fields<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let patch = UserPatch {
        fields: fields(json!({ "plan": "team", "locale": "fr-FR" })),
        ..UserPatch::default()
    };
    let dana = assert_patch_applies(&store, &dana, &patch).await;
    let patch = UserPatch {
        fields: fields(json!({ "prefs": { "font": "mono" } })),
        ..UserPatch::default()
    };
    let dana = assert_patch_applies(&store, &dana, &patch).await;

    let want = json!({ "plan": "team", "age": 33, "locale": "fr-FR", "prefs": { "font": "mono" } });
    assert_eq!(Value::Object(dana.fields), want, "merged custom fields");
}

/// A custom field set to `null` is stored as `null`: the key stays, unlike a field the
/// patch does not name.
pub async fn update_stores_a_null_custom_field_as_null<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let patch = UserPatch {
        fields: fields(json!({ "plan": null })),
        ..UserPatch::default()
    };
    let updated = assert_patch_applies(&store, &dana, &patch).await;
    assert_eq!(
        updated.fields.get("plan"),
        Some(&Value::Null),
        "plan should be null"
    );
    assert_eq!(updated.fields["age"], json!(33), "other fields stay");
}

/// A patch moving to another user's address, in another letter case, fails with
/// [`StoreError::DuplicateEmail`] and applies none of its columns.
pub async fn update_to_a_taken_email_is_refused_and_writes_nothing<S: UserStore>(store: S) {
    let taken = create(&store, user("Taken@example.com")).await;
    let dana = seeded(&store).await;

    let patch = UserPatch {
        email: Some("tAKEN@Example.com".to_owned()),
        hashed_password: Some(hash("sneaky")),
        is_verified: Some(false),
        fields: fields(json!({ "plan": "free" })),
        ..UserPatch::default()
    };
    let result = store.update(dana.id, &patch).await;
    assert_err!(
        result,
        StoreError::DuplicateEmail,
        "update to another's address"
    );

    assert_same_user(&load(&store, dana.id).await, &dana, "the refused user");
    assert_same_user(&load(&store, taken.id).await, &taken, "the address's owner");
    assert_eq!(id_by_email(&store, "dana@example.com").await, Some(dana.id));
    assert_eq!(
        id_by_email(&store, "taken@example.com").await,
        Some(taken.id)
    );
}

/// A user may change only the letter case of their own address; the new spelling is
/// stored and still blocks others.
pub async fn update_to_a_case_variant_of_ones_own_email_is_allowed<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let patch = UserPatch {
        email: Some("dANA@example.com".to_owned()),
        ..UserPatch::default()
    };
    let updated = assert_patch_applies(&store, &dana, &patch).await;
    assert_eq!(
        updated.email, "dANA@example.com",
        "the new spelling is stored"
    );
    assert_eq!(id_by_email(&store, "Dana@example.com").await, Some(dana.id));

    let result = store.create(user("DANA@example.com")).await;
    assert_err!(
        result,
        StoreError::DuplicateEmail,
        "create next to the new spelling"
    );
}

/// An update of an id nobody has fails with [`StoreError::NotFound`], whether or not the
/// patch is empty, and writes nothing: no user appears and the address it named stays
/// free.
pub async fn update_of_unknown_id_is_not_found<S: UserStore>(store: S) {
    seeded(&store).await;
    let ghost = Uuid::new_v4();

    let patch = UserPatch {
        email: Some("ghost@example.com".to_owned()),
        is_active: Some(false),
        ..UserPatch::default()
    };
    assert_err!(
        store.update(ghost, &patch).await,
        StoreError::NotFound,
        "update"
    );
    let empty = UserPatch::default();
    assert_err!(
        store.update(ghost, &empty).await,
        StoreError::NotFound,
        "empty update"
    );
    assert_eq!(
        id_by_email(&store, "ghost@example.com").await,
        None,
        "a user appeared"
    );
    assert!(
        is_absent(&store, ghost).await,
        "a user appeared under the unknown id"
    );
    create(&store, user("Ghost@example.com")).await;
}

/// An empty patch succeeds and returns the user as stored, changing nothing.
pub async fn update_with_empty_patch_returns_the_user_unchanged<S: UserStore>(store: S) {
    let dana = seeded(&store).await;

    let returned = store.update(dana.id, &UserPatch::default()).await;
    let returned = returned.expect("an empty patch should succeed");
    assert_same_user(&returned, &dana, "update's return value");
    assert_same_user(&load(&store, dana.id).await, &dana, "the user after update");
}
