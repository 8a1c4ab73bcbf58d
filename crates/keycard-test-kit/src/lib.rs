//! The conformance kit for keycard stores: one macro call holds a store to every rule
//! keycard's user manager and HTTP layer rely on. Also a provider double, for testing
//! OAuth sign-in without a real provider.
//!
//! A store does more than save rows. It decides, at write time and under concurrency,
//! that two users never share an e-mail address in any letter case, that a provider
//! account is linked once, that deleting a user takes their OAuth accounts and access
//! tokens along, and that a token is found only by its exact text and only while it is
//! young enough. This crate pins those rules once, as named cases in [`cases`], and
//! every store runs all of them, the in-memory [`MemoryStore`](keycard_core::MemoryStore)
//! included.
//!
//! The cases exercise [`UserStore`] and [`AccessTokenStore`] only through their public
//! methods, so they hold for any backend.
//!
//! # Running the kit
//!
//! Add the kit as a development dependency of your store crate:
//!
//! ```toml
//! [dev-dependencies]
//! keycard-test-kit = "0.1"
//! ```
//!
//! and give it a test file, say `tests/my_store_conforms.rs`, with one line:
//!
//! ```
//! keycard_test_kit::store_conformance_tests!(async { keycard_core::MemoryStore::new() });
//! # fn main() {}
//! ```
//!
//! The argument is a *factory*: an expression that [`store_conformance_tests!`] places in
//! every case, where it is awaited to produce the store that case uses. `cargo test` then
//! lists one test per case by name, such as `email_lookup_is_case_insensitive`, each on
//! its own multi-thread Tokio runtime with four workers. You need no other dependency:
//! the kit brings its own Tokio.
//!
//! # Writing a store
//!
//! 1. Implement [`UserStore`] and [`AccessTokenStore`] from `keycard-core`. Read their
//!    documentation as the contract; the points stores most often miss are:
//!    - uniqueness of e-mail addresses under [`email_key`](keycard_core::email::email_key)
//!      (ASCII letters folded, nothing else), enforced by the store itself when it
//!      writes, for example with a unique index on the key, so that racing writers get
//!      [`StoreError::DuplicateEmail`](keycard_core::StoreError::DuplicateEmail) rather
//!      than two rows;
//!    - look-ups that match whole values, never patterns (`_` and `%` are ordinary
//!      characters in an address);
//!    - one user per provider account (`oauth_name`, `account_id`), OAuth accounts
//!      returned in the order they were linked;
//!    - deleting a user deletes their OAuth accounts and access tokens;
//!    - access tokens compared byte for byte, and `created_at` kept to the microsecond;
//!    - every conflict reported as its typed [`StoreError`](keycard_core::StoreError)
//!      variant, with nothing written.
//! 2. Make the store [`Clone`], with clones sharing one data set (a connection pool behind
//!    an [`Arc`](std::sync::Arc), say): the concurrency cases hand a clone to each task.
//! 3. Write a factory that returns a **fresh, empty** store every time it is awaited.
//!    Cases run in parallel and count rows, so they must not share data: use an
//!    in-memory or temporary-file database for SQLite, and a new database or schema per
//!    case for a server.
//! 4. Invoke [`store_conformance_tests!`] with the factory and run `cargo test`.
//!
//! A case can also be called on its own, for instance to debug a failure:
//!
//! ```
//! use keycard_core::MemoryStore;
//!
//! let runtime = tokio::runtime::Builder::new_multi_thread()
//!     .enable_all()
//!     .build()
//!     .expect("a runtime");
//! runtime.block_on(keycard_test_kit::cases::email_lookup_is_case_insensitive(
//!     MemoryStore::new(),
//! ));
//! ```
//!
//! # Testing OAuth sign-in: the provider double
//!
//! Code that signs users in with an OAuth 2.0 provider is only as good as what it sends
//! the provider and how it takes the provider's failures. [`oauth::ProviderDouble`] is a
//! small authorization server on a loopback port (`127.0.0.1:0`, so tests run in
//! parallel) with the three endpoints of the code flow: `/authorize`, `/token` and
//! `/userinfo`. It
//!
//! - signs in the [`Account`](oauth::Account) you configure (`sub`, `email`,
//!   `email_verified`, or any JSON at any path for providers such as GitHub);
//! - redeems a code once, and only for the client, redirect URI and PKCE verifier it was
//!   issued for, so a client that gets PKCE wrong fails as it would at a real provider;
//! - records every token request, the `code_verifier` and the client credentials
//!   included ([`token_requests`](oauth::ProviderDouble::token_requests)), so a test can
//!   assert that a request was made, or that none was;
//! - refuses codes, answers errors, garbage, 5xx or nothing at all
//!   ([`Behaviour`](oauth::Behaviour)), and can be slow, so a test can pin what a user
//!   sees when the provider fails.
//!
//! Point a [`GenericProvider`](keycard_core::oauth::GenericProvider) at it with
//! [`generic_provider`](oauth::ProviderDouble::generic_provider), or any provider at its
//! [`endpoints`](oauth::ProviderDouble::endpoints), and skip the browser with
//! [`approve`](oauth::ProviderDouble::approve):
//!
//! ```
//! use keycard_core::oauth::{AuthorizationRequest, OAuthProvider, PkceVerifier};
//! use keycard_core::{Secret, Token};
//! use keycard_test_kit::oauth::{Account, Behaviour, ProviderDouble};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let double = ProviderDouble::start().await;
//! double.set_account(Account::new("7").email("bo@example.com"));
//! let provider = double.generic_provider("acme");
//! let pkce = PkceVerifier::derive(&Secret::new("server secret"), "csrf token");
//! let request = AuthorizationRequest {
//!     redirect_uri: "http://app.test/callback",
//!     state: "state",
//!     scopes: &[],
//!     pkce: &pkce,
//! };
//!
//! let code = double.approve(&provider.authorization_url(request)?);
//! double.set_token_behaviour(Behaviour::ServerError);
//! let exchanged = provider
//!     .exchange_code(&Token::new(code), "http://app.test/callback", &pkce)
//!     .await;
//! assert!(matches!(exchanged, Err(keycard_core::Error::OAuthProvider(_))));
//! assert_eq!(double.token_requests().len(), 1);
//! # Ok::<(), keycard_core::Error>(())
//! # }).unwrap();
//! ```
//!
//! The double runs on the Tokio runtime of the test that starts it and stops with it.
//!
//! # Supported Rust versions
//!
//! The kit builds on the workspace's minimum supported Rust version, 1.89. It has no
//! feature flags.
//!
//! [`UserStore`]: keycard_core::UserStore
//! [`AccessTokenStore`]: keycard_core::AccessTokenStore

pub mod cases;
mod fixture;
pub mod oauth;

/// Expands to one test per conformance case, each run against a fresh store.
///
/// # Syntax
///
/// ```
/// # use keycard_core::MemoryStore;
/// // A future that resolves to the store:
/// keycard_test_kit::store_conformance_tests!(async { MemoryStore::new() });
/// # mod closure_form {
/// # use keycard_core::MemoryStore;
/// // or a closure without arguments that returns such a future:
/// keycard_test_kit::store_conformance_tests!(|| async { MemoryStore::new() });
/// # }
/// # fn main() {}
/// ```
///
/// # The factory
///
/// The factory is written once and copied into every case, where it is evaluated and
/// awaited anew. It must resolve to a store `S` that implements
/// [`UserStore`](keycard_core::UserStore), [`AccessTokenStore`](keycard_core::AccessTokenStore)
/// and [`Clone`] (clones sharing one data set), and that is fresh and empty each time: the
/// cases run in parallel and count what they find (see the
/// [crate guide](crate#writing-a-store)). A call of an `async fn` works too:
/// `store_conformance_tests!(fresh_store())`. A factory that cannot build its store
/// should panic with a message saying why; that case then fails.
///
/// # Expansion
///
/// Each case becomes an `async fn` named after the case in [`cases`], marked
/// `#[tokio::test(flavor = "multi_thread", worker_threads = 4)]`, placed where the macro is
/// invoked. To run the kit against two stores in one file, invoke it in two modules.
///
/// The expansion names the kit as `::keycard_test_kit`, so keep that dependency name
/// (do not rename it in `Cargo.toml`).
#[macro_export]
macro_rules! store_conformance_tests {
    (|| $factory:expr $(,)?) => {
        $crate::store_conformance_tests!($factory);
    };
    (move || $factory:expr $(,)?) => {
        $crate::store_conformance_tests!($factory);
    };
    ($factory:expr $(,)?) => {
        $crate::__conformance_cases!(
            $factory;
            // Missing rows and e-mail look-ups.
            get_of_unknown_id_is_none,
            get_by_email_of_unknown_address_is_none,
            get_by_oauth_account_of_unknown_account_is_none,
            email_lookup_is_case_insensitive,
            email_lookup_folds_case_on_both_sides,
            email_lookup_matches_the_whole_address_only,
            email_case_folding_is_ascii_only,
            // Creating users.
            create_returns_the_user_as_given,
            create_round_trips_every_column,
            custom_fields_round_trip_as_json,
            unicode_round_trips_byte_exact,
            long_values_round_trip,
            create_refuses_a_taken_email_in_any_case,
            create_refuses_a_mixed_case_variant_of_a_taken_email,
            create_refuses_a_taken_id,
            create_stores_oauth_accounts_in_order,
            create_with_a_linked_oauth_account_writes_nothing,
            create_carrying_one_provider_account_twice_is_refused,
            // Updating users.
            update_changes_the_email,
            update_email_frees_the_old_address,
            update_changes_the_password_hash,
            update_changes_is_active,
            update_changes_is_superuser,
            update_changes_is_verified,
            update_leaves_unnamed_columns_alone,
            update_merges_custom_fields,
            update_stores_a_null_custom_field_as_null,
            update_to_a_taken_email_is_refused_and_writes_nothing,
            update_to_a_case_variant_of_ones_own_email_is_allowed,
            update_of_unknown_id_is_not_found,
            update_with_empty_patch_returns_the_user_unchanged,
            // Deleting users.
            delete_removes_only_that_user,
            delete_frees_the_email,
            delete_of_unknown_id_is_not_found,
            delete_cascades_to_oauth_accounts,
            delete_cascades_to_access_tokens,
            // OAuth accounts.
            add_oauth_account_keeps_accounts_in_order,
            add_oauth_account_refuses_an_account_linked_to_another_user,
            add_oauth_account_refuses_an_account_the_user_already_has,
            same_account_id_at_different_providers_is_allowed,
            add_oauth_account_to_unknown_user_is_not_found,
            oauth_lookup_requires_provider_and_account_id_to_match,
            update_oauth_account_replaces_tokens_and_expiry,
            update_oauth_account_can_clear_expiry_and_refresh_token,
            update_oauth_account_with_unknown_account_id_is_not_found,
            update_oauth_account_of_unknown_user_is_not_found,
            update_oauth_account_of_another_users_account_is_not_found,
            // Access tokens.
            token_round_trips,
            token_timestamp_keeps_microseconds,
            get_token_with_max_age_skips_older_tokens,
            get_token_without_max_age_returns_old_tokens,
            get_of_unknown_token_is_none,
            tokens_are_compared_exactly,
            create_token_for_unknown_user_is_not_found,
            create_token_refuses_a_duplicate,
            delete_token_removes_only_that_token,
            delete_of_unknown_token_is_ok,
            delete_user_tokens_counts_and_spares_other_users,
            purge_expired_tokens_counts_and_keeps_fresh_ones,
            // Concurrency.
            clones_share_one_data_set,
            concurrent_creates_of_one_email_leave_exactly_one_user,
            concurrent_creates_of_distinct_emails_all_succeed,
            concurrent_updates_to_one_email_leave_exactly_one_owner,
            concurrent_links_of_one_provider_account_leave_exactly_one,
            concurrent_creates_of_one_token_leave_exactly_one,
        );
    };
}

/// Emits one Tokio test per case name; the body of [`store_conformance_tests!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($factory:expr; $($case:ident),+ $(,)?) => {
        $(
            #[$crate::__private::tokio::test(
                flavor = "multi_thread",
                worker_threads = 4,
                crate = "::keycard_test_kit::__private::tokio"
            )]
            async fn $case() {
                let store = $factory.await;
                $crate::cases::$case(store).await;
            }
        )+
    };
}

/// What the macros' expansions name; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use tokio;
}
