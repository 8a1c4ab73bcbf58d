use std::sync::Mutex;

use async_trait::async_trait;

use super::*;
use crate::hooks::Hooks;
use crate::password::Argon2Hasher;
use crate::{Fields, HashedPassword, MemoryStore, Secret, Token};

#[derive(Default)]
struct Recorder {
    events: Mutex<Vec<String>>,
    tokens: Mutex<Vec<Token>>,
}

impl Recorder {
    fn events(&self) -> Vec<String> {
        self.events.lock().expect("lock").clone()
    }

    fn last_token(&self) -> Token {
        self.tokens
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("a token was issued")
    }

    fn push(&self, event: impl Into<String>) {
        self.events.lock().expect("lock").push(event.into());
    }
}

#[async_trait]
impl Hooks for Arc<Recorder> {
    async fn validate_password(
        &self,
        password: &Password,
        context: PasswordContext<'_>,
    ) -> Result<(), String> {
        let password = password.expose_secret();
        if password.len() < 8 {
            return Err("Password should be at least 8 characters".into());
        }
        if password.contains(context.email) {
            return Err("Password should not contain e-mail".into());
        }
        Ok(())
    }

    async fn on_after_register(&self, _: &User, _: Option<&Parts>) {
        self.push("register");
    }

    async fn on_after_update(&self, _: &User, fields: &[String], _: Option<&Parts>) {
        self.push(format!("update {}", fields.join(",")));
    }

    async fn on_after_forgot_password(&self, _: &User, token: &Token, _: Option<&Parts>) {
        self.tokens.lock().expect("lock").push(token.clone());
        self.push("forgot_password");
    }

    async fn on_after_request_verify(&self, _: &User, token: &Token, _: Option<&Parts>) {
        self.tokens.lock().expect("lock").push(token.clone());
        self.push("request_verify");
    }

    async fn on_after_reset_password(&self, _: &User, _: Option<&Parts>) {
        self.push("reset_password");
    }

    async fn on_after_verify(&self, _: &User, _: Option<&Parts>) {
        self.push("verify");
    }

    async fn on_before_delete(&self, _: &User, _: Option<&Parts>) {
        self.push("before_delete");
    }

    async fn on_after_delete(&self, _: &User, _: Option<&Parts>) {
        self.push("delete");
    }
}

struct Fixture {
    manager: UserManager,
    store: MemoryStore,
    recorder: Arc<Recorder>,
}

fn fixture() -> Fixture {
    let store = MemoryStore::new();
    let recorder = Arc::new(Recorder::default());
    let hasher = Argon2Hasher::with_params(1024, 1, 1).expect("params");
    let manager = UserManager::builder(
        store.clone(),
        JwtKeys::hs256(&Secret::new("s")).expect("keys"),
    )
    .hooks(Arc::clone(&recorder))
    .passwords(PasswordHelper::new(hasher, 2))
    .build();
    Fixture {
        manager,
        store,
        recorder,
    }
}

async fn register(f: &Fixture, email: &str) -> User {
    f.manager
        .create(
            UserCreate::new(email, Password::new("long enough pw")),
            true,
            None,
        )
        .await
        .expect("register")
}

#[tokio::test]
async fn create_checks_the_password_rule_before_uniqueness() {
    let f = fixture();
    register(&f, "a@example.com").await;
    let short = UserCreate::new("A@example.com", Password::new("short"));
    assert!(matches!(
        f.manager.create(short, true, None).await,
        Err(Error::InvalidPassword { .. })
    ));
    let dup = UserCreate::new("A@EXAMPLE.com", Password::new("long enough pw"));
    assert!(matches!(
        f.manager.create(dup, true, None).await,
        Err(Error::UserAlreadyExists)
    ));
    let contains = UserCreate::new("b@example.com", Password::new("xb@example.comx"));
    let err = f
        .manager
        .create(contains, true, None)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, Error::InvalidPassword { reason } if reason == "Password should not contain e-mail")
    );
    assert_eq!(f.recorder.events(), ["register"]);
}

#[tokio::test]
async fn safe_create_ignores_flags_and_unsafe_create_honours_them() {
    let f = fixture();
    let create =
        UserCreate::new("a@example.com", Password::new("long enough pw")).flags(false, true, true);
    let safe = f
        .manager
        .create(create.clone(), true, None)
        .await
        .expect("create");
    assert!(safe.is_active && !safe.is_superuser && !safe.is_verified);
    let mut create = create;
    create.email = "b@example.com".into();
    let admin = f.manager.create(create, false, None).await.expect("create");
    assert!(!admin.is_active && admin.is_superuser && admin.is_verified);
}

#[tokio::test]
async fn authenticate_checks_password_and_ignores_address_case() {
    let f = fixture();
    let user = register(&f, "Ann@Example.com").await;
    let ok = f
        .manager
        .authenticate(" ann@example.COM ", Password::new("long enough pw"))
        .await;
    assert_eq!(ok.expect("auth").map(|u| u.id), Some(user.id));
    let wrong = f
        .manager
        .authenticate("ann@example.com", Password::new("wrong"))
        .await;
    assert!(wrong.expect("auth").is_none());
    let unknown = f
        .manager
        .authenticate("nobody@example.com", Password::new("x"))
        .await;
    assert!(unknown.expect("auth").is_none());
}

#[tokio::test]
async fn authenticate_upgrades_bcrypt_hashes() {
    let f = fixture();
    let bcrypt = HashedPassword::new(bcrypt::hash("old password", 4).expect("bcrypt"));
    let user = f
        .store
        .create(User::new("old@example.com", bcrypt))
        .await
        .expect("create");
    let found = f
        .manager
        .authenticate("old@example.com", Password::new("old password"))
        .await;
    let found = found.expect("auth").expect("valid");
    assert!(
        found
            .hashed_password
            .expose_secret()
            .starts_with("$argon2id$")
    );
    let stored = f.store.get(user.id).await.expect("get").expect("user");
    assert_eq!(stored.hashed_password, found.hashed_password);
}

#[tokio::test]
async fn reset_token_works_once_and_checks_the_new_password_after_the_token() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    let token = f
        .manager
        .forgot_password(&user, None)
        .await
        .expect("forgot");
    assert_eq!(token, f.recorder.last_token());

    let short = f
        .manager
        .reset_password(token.expose_secret(), Password::new("short"), None)
        .await;
    assert!(matches!(short, Err(Error::InvalidPassword { .. })));
    let bad = f
        .manager
        .reset_password("garbage", Password::new("short"), None)
        .await;
    assert!(matches!(bad, Err(Error::InvalidResetPasswordToken)));

    let reset = f
        .manager
        .reset_password(token.expose_secret(), Password::new("brand new pw"), None)
        .await;
    reset.expect("reset");
    let again = f
        .manager
        .reset_password(token.expose_secret(), Password::new("another new pw"), None)
        .await;
    assert!(matches!(again, Err(Error::InvalidResetPasswordToken)));
    let signed_in = f
        .manager
        .authenticate("a@example.com", Password::new("brand new pw"))
        .await;
    assert!(signed_in.expect("auth").is_some());
}

#[tokio::test]
async fn reset_refuses_inactive_and_deleted_users() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    let token = f
        .manager
        .forgot_password(&user, None)
        .await
        .expect("forgot");
    let deactivate = UserUpdate {
        is_active: Some(false),
        ..UserUpdate::default()
    };
    let inactive = f
        .manager
        .update(deactivate, &user, false, None)
        .await
        .expect("update");
    let reset = f
        .manager
        .reset_password(token.expose_secret(), Password::new("brand new pw"), None)
        .await;
    assert!(matches!(reset, Err(Error::UserInactive)));
    assert!(matches!(
        f.manager.forgot_password(&inactive, None).await,
        Err(Error::UserInactive)
    ));

    f.manager.delete(&inactive, None).await.expect("delete");
    let reset = f
        .manager
        .reset_password(token.expose_secret(), Password::new("brand new pw"), None)
        .await;
    assert!(matches!(reset, Err(Error::InvalidResetPasswordToken)));
}

#[tokio::test]
async fn verify_token_dies_when_the_address_changes() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    let token = f
        .manager
        .request_verify(&user, None)
        .await
        .expect("request");
    let update = UserUpdate {
        email: Some("b@example.com".into()),
        ..UserUpdate::default()
    };
    f.manager
        .update(update, &user, true, None)
        .await
        .expect("update");
    let verify = f.manager.verify(token.expose_secret(), None).await;
    assert!(matches!(verify, Err(Error::InvalidVerifyToken)));
}

#[tokio::test]
async fn verify_marks_verified_once() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    let token = f
        .manager
        .request_verify(&user, None)
        .await
        .expect("request");
    let verified = f
        .manager
        .verify(token.expose_secret(), None)
        .await
        .expect("verify");
    assert!(verified.is_verified);
    let again = f.manager.verify(token.expose_secret(), None).await;
    assert!(matches!(again, Err(Error::UserAlreadyVerified)));
    assert!(matches!(
        f.manager.request_verify(&verified, None).await,
        Err(Error::UserAlreadyVerified)
    ));
    let reset_token = f
        .manager
        .forgot_password(&verified, None)
        .await
        .expect("forgot");
    let wrong_kind = f.manager.verify(reset_token.expose_secret(), None).await;
    assert!(matches!(wrong_kind, Err(Error::InvalidVerifyToken)));
}

#[tokio::test]
async fn update_email_resets_verification_except_for_a_case_change() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    let verify = UserUpdate {
        is_verified: Some(true),
        ..UserUpdate::default()
    };
    let user = f
        .manager
        .update(verify, &user, false, None)
        .await
        .expect("update");

    let case_only = UserUpdate {
        email: Some("A@EXAMPLE.COM".into()),
        ..UserUpdate::default()
    };
    let user = f
        .manager
        .update(case_only, &user, true, None)
        .await
        .expect("case change");
    assert_eq!(user.email, "A@example.com");
    assert!(user.is_verified);

    let moved = UserUpdate {
        email: Some("z@example.com".into()),
        ..UserUpdate::default()
    };
    let user = f
        .manager
        .update(moved, &user, true, None)
        .await
        .expect("new address");
    assert!(!user.is_verified);
}

#[tokio::test]
async fn update_refuses_taken_addresses_and_bad_passwords() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    register(&f, "b@example.com").await;
    let taken = UserUpdate {
        email: Some("B@example.com".into()),
        password: Some(Password::new("x")),
        ..UserUpdate::default()
    };
    assert!(matches!(
        f.manager.update(taken, &user, true, None).await,
        Err(Error::UserAlreadyExists)
    ));
    let weak = UserUpdate {
        password: Some(Password::new("x")),
        ..UserUpdate::default()
    };
    assert!(matches!(
        f.manager.update(weak, &user, true, None).await,
        Err(Error::InvalidPassword { .. })
    ));
}

#[tokio::test]
async fn safe_update_ignores_flags_and_reports_field_names() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    let mut fields = Fields::new();
    fields.insert("nickname".into(), "Ann".into());
    let update = UserUpdate {
        is_superuser: Some(true),
        password: Some(Password::new("brand new pw")),
        fields,
        ..UserUpdate::default()
    };
    let updated = f
        .manager
        .update(update, &user, true, None)
        .await
        .expect("update");
    assert!(!updated.is_superuser);
    assert_eq!(updated.fields["nickname"], "Ann");
    assert_ne!(updated.hashed_password, user.hashed_password);
    assert_eq!(
        f.recorder.events().last().map(String::as_str),
        Some("update nickname,password")
    );
}

#[tokio::test]
async fn delete_runs_both_hooks() {
    let f = fixture();
    let user = register(&f, "a@example.com").await;
    f.manager.delete(&user, None).await.expect("delete");
    assert!(matches!(
        f.manager.get(user.id).await,
        Err(Error::UserNotExists)
    ));
    assert_eq!(f.recorder.events(), ["register", "before_delete", "delete"]);
}

mod oauth {
    use super::*;
    use crate::manager::OAuthSignIn;
    use crate::oauth::{ProviderAccount, ProviderTokens};

    fn account(id: &str, email: &str, verified: bool) -> ProviderAccount {
        ProviderAccount {
            id: id.into(),
            email: Some(email.into()),
            email_verified: verified,
        }
    }

    fn tokens(access: &str, refresh: Option<&str>) -> ProviderTokens {
        ProviderTokens::new(Token::new(access)).refresh_token(refresh.map(Token::new))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_sign_ups_of_one_account_leave_one_user() {
        let f = fixture();
        let rules = OAuthSignIn::default();
        let attempts = (0..4).map(|_| {
            let manager = f.manager.clone();
            tokio::spawn(async move {
                let account = account("same", "same@example.com", true);
                let tokens = tokens("a", None);
                manager
                    .oauth_callback("acme", tokens, account, rules, None)
                    .await
            })
        });
        let attempts: Vec<_> = attempts.collect();
        let mut signed_in = Vec::new();
        for attempt in attempts {
            // A loser of the race is refused, or signs in once the winner is stored.
            match attempt.await.expect("task") {
                Ok(user) => signed_in.push(user.id),
                Err(Error::UserAlreadyExists | Error::OAuthAccountAlreadyLinked) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        signed_in.dedup();
        assert_eq!(signed_in.len(), 1);
        assert_eq!(f.recorder.events(), ["register"]);
        let user = f
            .store
            .get_by_email("same@example.com")
            .await
            .expect("store");
        assert_eq!(user.expect("user").oauth_accounts.len(), 1);
    }

    #[tokio::test]
    async fn sign_in_keeps_the_refresh_token_when_the_provider_sends_none() {
        let f = fixture();
        let rules = OAuthSignIn::default();
        let manager = &f.manager;
        let first = account("1", "a@example.com", false);
        let user = manager
            .oauth_callback("acme", tokens("a1", Some("r1")), first.clone(), rules, None)
            .await
            .expect("sign-up");
        let again = manager
            .oauth_callback("acme", tokens("a2", None), first, rules, None)
            .await
            .expect("sign-in");
        let stored = &again.oauth_accounts[0];
        assert_eq!(again.id, user.id);
        assert_eq!(stored.access_token, Token::new("a2"));
        assert_eq!(stored.refresh_token, Some(Token::new("r1")));
    }

    #[tokio::test]
    async fn accounts_without_an_address_are_refused_before_any_write() {
        let f = fixture();
        let mut nameless = account("1", "x", true);
        nameless.email = None;
        let result = f
            .manager
            .oauth_callback(
                "acme",
                tokens("a", None),
                nameless,
                OAuthSignIn::default(),
                None,
            )
            .await;
        assert!(matches!(result, Err(Error::OAuthEmailUnavailable)));
        let linked = f
            .store
            .get_by_oauth_account("acme", "1")
            .await
            .expect("store");
        assert!(linked.is_none());
    }
}
