//! The events file: one JSON line per lifecycle hook, written before the response, only
//! ever appended to, never holding a password.

use serde_json::{Value, json};

use crate::tokens::now;
use crate::{AppFactory, Call, Harness, PASSWORD};

const NEW_PASSWORD: &str = "a secret nobody may log";

/// Asserts the common keys of a line: `event`, `user_id`, `email` and a numeric `time`
/// close to now.
#[track_caller]
fn assert_line(line: &Value, event: &str, user_id: &str, email: &str) {
    assert_eq!(line["event"], event, "{line}");
    assert_eq!(line["user_id"], user_id, "{line}");
    assert_eq!(line["email"], email, "{line}");
    let time = line["time"].as_f64().expect("time is a number");
    assert!(
        (time - now() as f64).abs() < 120.0,
        "time is Unix seconds: {line}"
    );
}

/// A whole lifecycle writes, in order: `register`, `login`, `update`,
/// `request_verify`, `verify`, `forgot_password`, `reset_password`, `delete`; failed
/// attempts write nothing.
pub async fn lifecycle_writes_one_line_per_hook(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let before = h.events().len();
    let user = h.user("xia@example.com").await;
    let id = user.id.as_str();

    let wrong = [
        ("username", "xia@example.com"),
        ("password", "wrong password"),
    ];
    h.send(Call::post("/auth/jwt/login").form(&wrong))
        .await
        .expect(400);
    let form = [("username", "xia@example.com"), ("password", PASSWORD)];
    h.send(Call::post("/auth/cookie/login").form(&form))
        .await
        .expect(204);
    let patch = Call::patch("/users/me")
        .bearer(&user.token)
        .json(&json!({ "email": "xia2@example.com" }));
    h.send(patch).await.expect(200);
    let email = json!({ "email": "xia2@example.com" });
    h.send(Call::post("/auth/request-verify-token").json(&email))
        .await
        .expect(202);
    let verify = json!({ "token": h.last_token("request_verify", id) });
    h.send(Call::post("/auth/verify").json(&verify))
        .await
        .expect(200);
    h.send(Call::post("/auth/forgot-password").json(&email))
        .await
        .expect(202);
    let reset = json!({ "token": h.last_token("forgot_password", id), "password": NEW_PASSWORD });
    h.send(Call::post("/auth/reset-password").json(&reset))
        .await
        .expect(200);
    let admin = h.admin().await;
    h.send(Call::delete(&format!("/users/{id}")).bearer(&admin))
        .await
        .expect(204);

    let lines: Vec<Value> = h
        .events()
        .into_iter()
        .skip(before)
        .filter(|l| l["user_id"] == id)
        .collect();
    let names: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
    let expected = [
        "register",
        "login",
        "login",
        "update",
        "request_verify",
        "verify",
        "forgot_password",
        "reset_password",
        "delete",
    ];
    assert_eq!(names, expected);
    assert_line(&lines[0], "register", id, "xia@example.com");
    assert_line(&lines[1], "login", id, "xia@example.com");
    assert_line(&lines[3], "update", id, "xia2@example.com");
    assert_eq!(lines[3]["fields"], json!(["email"]));
    for (line, event) in lines.iter().zip(expected) {
        assert_line(line, event, id, line["email"].as_str().unwrap_or_default());
    }
    assert!(lines[4]["token"].is_string() && lines[6]["token"].is_string());
    assert_eq!(lines[8]["email"], "xia2@example.com");
}

/// `update` lists the sorted names of the changed keys, never their values; no password
/// ever reaches the file.
pub async fn update_lists_field_names_only(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("yan@example.com").await;

    let body = json!({ "password": NEW_PASSWORD, "email": "yan2@example.com" });
    let patch = Call::patch("/users/me").bearer(&user.token).json(&body);
    h.send(patch).await.expect(200);
    let flags = json!({ "is_verified": true, "is_active": true, "password": "admin-set secret" });
    h.admin_patch(&user.id, &flags).await.expect(200);

    let updates = h.events_of("update", &user.id);
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert_eq!(updates[0]["fields"], json!(["email", "password"]));
    assert_eq!(
        updates[1]["fields"],
        json!(["is_active", "is_verified", "password"])
    );
    assert_eq!(updates[1]["email"], "yan2@example.com");
    let text = h.events_text();
    for secret in [
        PASSWORD,
        NEW_PASSWORD,
        "admin-set secret",
        crate::ADMIN_PASSWORD,
    ] {
        assert!(!text.contains(secret), "the events file holds a password");
    }
    assert!(!text.contains("$argon2"), "the events file holds a hash");
}

/// Every line is a JSON object, and each step only adds lines after the old text.
pub async fn events_file_is_only_appended(factory: AppFactory) {
    let mut h = Harness::start(&factory).await;
    let mut seen = h.events_text();
    let mut check = |h: &Harness| {
        let now = h.events_text();
        assert!(now.starts_with(&seen), "the events file was rewritten");
        assert!(
            now.len() > seen.len(),
            "a line was written before the response"
        );
        assert!(now.ends_with('\n'));
        seen = now;
    };

    let user = h.user("zed@example.com").await;
    check(&h);
    let email = json!({ "email": "zed@example.com" });
    h.send(Call::post("/auth/forgot-password").json(&email))
        .await
        .expect(202);
    check(&h);
    h.restart().await;
    h.login("zed@example.com", PASSWORD).await;
    check(&h);
    h.me(&user.token).await.expect(200);
    assert_eq!(h.events_text(), seen, "reading writes nothing");
    assert!(h.events().iter().all(Value::is_object));
}
