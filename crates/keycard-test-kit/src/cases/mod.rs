//! The conformance cases, one public async function each.
//!
//! Every case takes a fresh, empty store, drives it through the public methods of
//! [`UserStore`](keycard_core::UserStore) and, where it says so,
//! [`AccessTokenStore`](keycard_core::AccessTokenStore), and **panics** with a message
//! naming the broken rule when the store does not keep it; that is how a case fails its
//! test. [`store_conformance_tests!`](crate::store_conformance_tests) runs them all; you
//! can also await one directly:
//!
//! ```
//! use keycard_core::MemoryStore;
//! use keycard_test_kit::cases;
//!
//! let runtime = tokio::runtime::Builder::new_multi_thread()
//!     .enable_all()
//!     .build()
//!     .expect("a runtime");
//! runtime.block_on(async {
//!     cases::create_refuses_a_taken_email_in_any_case(MemoryStore::new()).await;
//!     cases::delete_cascades_to_access_tokens(MemoryStore::new()).await;
//! });
//! ```
//!
//! A case asks of its store no more than the methods it calls: cases on users need a
//! [`UserStore`](keycard_core::UserStore), token cases an
//! [`AccessTokenStore`](keycard_core::AccessTokenStore) too, and the concurrency cases a
//! [`Clone`] whose clones share one data set.
//!
//! Timestamps the cases build are whole microseconds, as
//! [`AccessTokenRecord::new`](keycard_core::AccessTokenRecord::new) makes them and SQL
//! columns keep them.

mod concurrency;
mod create;
mod delete;
mod lookup;
mod oauth;
mod token_deletes;
mod tokens;
mod update;

pub use concurrency::{
    clones_share_one_data_set, concurrent_creates_of_distinct_emails_all_succeed,
    concurrent_creates_of_one_email_leave_exactly_one_user,
    concurrent_creates_of_one_token_leave_exactly_one,
    concurrent_links_of_one_provider_account_leave_exactly_one,
    concurrent_updates_to_one_email_leave_exactly_one_owner,
};
pub use create::{
    create_carrying_one_provider_account_twice_is_refused,
    create_refuses_a_mixed_case_variant_of_a_taken_email, create_refuses_a_taken_email_in_any_case,
    create_refuses_a_taken_id, create_returns_the_user_as_given, create_round_trips_every_column,
    create_stores_oauth_accounts_in_order, create_with_a_linked_oauth_account_writes_nothing,
    custom_fields_round_trip_as_json, long_values_round_trip, unicode_round_trips_byte_exact,
};
pub use delete::{
    delete_cascades_to_access_tokens, delete_cascades_to_oauth_accounts, delete_frees_the_email,
    delete_of_unknown_id_is_not_found, delete_removes_only_that_user,
};
pub use lookup::{
    email_case_folding_is_ascii_only, email_lookup_folds_case_on_both_sides,
    email_lookup_is_case_insensitive, email_lookup_matches_the_whole_address_only,
    get_by_email_of_unknown_address_is_none, get_by_oauth_account_of_unknown_account_is_none,
    get_of_unknown_id_is_none,
};
pub use oauth::{
    add_oauth_account_keeps_accounts_in_order,
    add_oauth_account_refuses_an_account_linked_to_another_user,
    add_oauth_account_refuses_an_account_the_user_already_has,
    add_oauth_account_to_unknown_user_is_not_found,
    oauth_lookup_requires_provider_and_account_id_to_match,
    same_account_id_at_different_providers_is_allowed,
    update_oauth_account_can_clear_expiry_and_refresh_token,
    update_oauth_account_of_another_users_account_is_not_found,
    update_oauth_account_of_unknown_user_is_not_found,
    update_oauth_account_replaces_tokens_and_expiry,
    update_oauth_account_with_unknown_account_id_is_not_found,
};
pub use token_deletes::{
    delete_of_unknown_token_is_ok, delete_token_removes_only_that_token,
    delete_user_tokens_counts_and_spares_other_users,
    purge_expired_tokens_counts_and_keeps_fresh_ones,
};
pub use tokens::{
    create_token_for_unknown_user_is_not_found, create_token_refuses_a_duplicate,
    get_of_unknown_token_is_none, get_token_with_max_age_skips_older_tokens,
    get_token_without_max_age_returns_old_tokens, token_round_trips,
    token_timestamp_keeps_microseconds, tokens_are_compared_exactly,
};
pub use update::{
    update_changes_is_active, update_changes_is_superuser, update_changes_is_verified,
    update_changes_the_email, update_changes_the_password_hash, update_email_frees_the_old_address,
    update_leaves_unnamed_columns_alone, update_merges_custom_fields,
    update_of_unknown_id_is_not_found, update_stores_a_null_custom_field_as_null,
    update_to_a_case_variant_of_ones_own_email_is_allowed,
    update_to_a_taken_email_is_refused_and_writes_nothing,
    update_with_empty_patch_returns_the_user_unchanged,
};
