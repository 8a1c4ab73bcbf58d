//! The macros that turn [`cases`](crate::cases) into tests.
//!
//! The case list lives once, in `__with_cases!`; a unit test checks that it names every
//! `pub async fn` under `src/cases/`, so a new case cannot be forgotten.

/// Expands to one `#[test]` per case, in one module per case group, for an application
/// built by `factory`: any expression usable as `Fn(example_common::Config) -> Fut`
/// where `Fut` resolves to a [`TestApp`](crate::TestApp), typically the name of an
/// `async fn`. The [crate documentation](crate) shows a whole test file.
///
/// Tests are named `register::returns_user_read`, `tokens::forged_tokens_are_refused`
/// and so on, so `cargo test register::` runs one group.
#[macro_export]
macro_rules! http_suite {
    ($factory:expr $(,)?) => {
        fn __keycard_e2e_factory() -> $crate::AppFactory {
            $crate::AppFactory::new($factory)
        }

        $crate::__with_cases!(__emit_tests);
    };
}

/// Emits the tests for [`http_suite!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __emit_tests {
    ($($group:ident { $($case:ident),* $(,)? })*) => {
        $(
            mod $group {
                $(
                    #[test]
                    fn $case() {
                        $crate::run_case(
                            super::__keycard_e2e_factory(),
                            $crate::cases::$group::$case,
                        );
                    }
                )*
            }
        )*
    };
}

/// Lists the names of every case, for the completeness check.
#[doc(hidden)]
#[macro_export]
macro_rules! __case_names {
    ($($group:ident { $($case:ident),* $(,)? })*) => {
        /// Every case as `group::case`, in suite order.
        pub const CASE_NAMES: &[&str] = &[
            $($(concat!(stringify!($group), "::", stringify!($case)),)*)*
        ];
    };
}

/// Calls `$callback!` with every case, grouped by module: the one list of the suite.
#[doc(hidden)]
#[macro_export]
macro_rules! __with_cases {
    ($callback:ident) => {
        $crate::$callback! {
            admin {
                users_id_requires_authentication,
                users_id_forbids_non_superusers,
                users_id_not_found,
                users_id_get,
                users_id_patch_sets_flags,
                users_id_patch_errors,
                users_id_delete,
                superuser_is_seeded,
                seeding_twice_is_harmless,
                users_routes_wrong_methods,
                delete_users_me_is_an_id_route,
            }
            compat {
                compat_uses_fastapi_users_cookie,
                compat_accepts_fastapi_users_tokens,
                compat_reset_and_verify_audiences,
            }
            cookie {
                login_sets_the_auth_cookie,
                logout_clears_the_cookie,
                login_errors_set_no_cookie,
                first_valid_credential_wins,
                verified_login_refuses_unverified_users,
                verified_logout_requires_verification,
            }
            events {
                lifecycle_writes_one_line_per_hook,
                update_lists_field_names_only,
                events_file_is_only_appended,
            }
            garbage {
                garbage_bodies_never_fail,
                garbage_credentials_never_fail,
            }
            input {
                authentication_before_validation,
                malformed_json_is_422,
                json_content_type_variants,
                oversized_body_is_413,
            }
            login {
                returns_bearer_token,
                refuses_bad_credentials,
                validates_form,
                refuses_other_grant_types,
                accepts_multipart_forms,
                logout,
            }
            me {
                get_me,
                patch_me_changes_email,
                patch_me_refuses_taken_email,
                patch_me_allows_own_email_case_change,
                patch_me_changes_password,
                patch_me_ignores_flags,
                patch_me_validates_fields,
            }
            oauth {
                authorize_returns_the_provider_url,
                authorize_derives_the_callback_url_from_the_host,
                authorize_takes_scopes,
                authorize_in_compat_mode_uses_fastapi_users_names,
                callback_signs_up_a_new_user,
                callback_signs_in_a_known_account,
                callback_refuses_the_email_of_an_existing_user,
                callback_refuses_inactive_users,
                callback_refuses_accounts_without_an_email,
            }
            oauth_associate {
                associate_requires_a_signed_in_user,
                associate_authorize_binds_the_state_to_the_user,
                associate_callback_links_the_signed_in_user,
                associate_refuses_a_state_of_another_user,
                associate_refuses_a_login_state,
                login_refuses_an_associate_state,
                associate_refuses_an_account_linked_to_another_user,
            }
            oauth_provider {
                callback_refuses_a_code_the_provider_refuses,
                provider_failures_are_never_500,
                unreachable_provider_is_never_500,
                pkce_verifier_matches_the_challenge,
            }
            oauth_state {
                callback_refuses_a_bad_state,
                callback_refuses_an_expired_state,
                callback_refuses_a_missing_or_mismatched_cookie,
                callback_refuses_provider_errors_and_missing_codes,
            }
            protected {
                verified_route,
                optional_route,
                unknown_route_is_404,
                wrong_method_is_405,
            }
            register {
                returns_user_read,
                ignores_id_and_flags,
                refuses_invalid_passwords,
                refuses_duplicates_in_any_case,
                checks_password_before_duplicate,
                validates_fields,
                normalizes_email_case,
            }
            reset {
                forgot_password_always_accepts,
                reset_sets_a_new_password,
                reset_token_is_single_use,
                reset_refuses_bad_tokens,
                reset_checks_token_before_password,
                reset_refuses_deleted_and_inactive_users,
                reset_routes_validate_fields,
            }
            tokens {
                forged_tokens_are_refused,
                lenient_where_the_standard_allows,
                tokens_follow_the_stored_user,
            }
            verify {
                request_always_accepts,
                verify_marks_the_user_verified,
                verify_refuses_bad_tokens,
                verify_refuses_token_after_email_change,
                verify_refuses_deleted_and_inactive_users,
                verify_routes_validate_fields,
            }
        }
    };
}

crate::__with_cases!(__case_names);

#[cfg(test)]
mod tests {
    use super::CASE_NAMES;

    /// Every `pub async fn` of `src/cases/` is in the list, and nothing else.
    #[test]
    fn the_case_list_names_every_case() {
        let sources = [
            ("admin", include_str!("cases/admin.rs")),
            ("compat", include_str!("cases/compat.rs")),
            ("cookie", include_str!("cases/cookie.rs")),
            ("events", include_str!("cases/events.rs")),
            ("garbage", include_str!("cases/garbage.rs")),
            ("input", include_str!("cases/input.rs")),
            ("login", include_str!("cases/login.rs")),
            ("me", include_str!("cases/me.rs")),
            ("oauth", include_str!("cases/oauth.rs")),
            ("oauth_associate", include_str!("cases/oauth_associate.rs")),
            ("oauth_provider", include_str!("cases/oauth_provider.rs")),
            ("oauth_state", include_str!("cases/oauth_state.rs")),
            ("protected", include_str!("cases/protected.rs")),
            ("register", include_str!("cases/register.rs")),
            ("reset", include_str!("cases/reset.rs")),
            ("tokens", include_str!("cases/tokens.rs")),
            ("verify", include_str!("cases/verify.rs")),
        ];
        let mut found: Vec<String> = sources
            .iter()
            .flat_map(|(group, text)| {
                text.lines()
                    .filter_map(|line| line.strip_prefix("pub async fn "))
                    .filter_map(|rest| rest.split('(').next())
                    .map(move |case| format!("{group}::{case}"))
            })
            .collect();
        let mut listed: Vec<String> = CASE_NAMES.iter().map(|name| (*name).to_owned()).collect();
        found.sort();
        listed.sort();
        assert_eq!(found, listed);
    }
}
