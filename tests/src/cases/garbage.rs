//! Garbage in every route: whatever arrives, the answer is a 4xx (or a success), never
//! a 5xx, and any body is JSON.

use http::Method;

use crate::{AppFactory, Call, Harness, Reply};

/// Every route of the contract that takes a body, with its method.
const BODY_ROUTES: [(Method, &str); 13] = [
    (Method::POST, "/auth/register"),
    (Method::POST, "/auth/jwt/login"),
    (Method::POST, "/auth/cookie/login"),
    (Method::POST, "/auth/jwt-verified/login"),
    (Method::POST, "/auth/forgot-password"),
    (Method::POST, "/auth/reset-password"),
    (Method::POST, "/auth/request-verify-token"),
    (Method::POST, "/auth/verify"),
    (Method::PATCH, "/users/me"),
    (Method::PATCH, "/users/{id}"),
    (Method::POST, "/auth/jwt/logout"),
    (Method::POST, "/auth/cookie/logout"),
    (Method::DELETE, "/users/{id}"),
];

/// Routes that read credentials.
const AUTH_ROUTES: [(Method, &str); 8] = [
    (Method::GET, "/users/me"),
    (Method::GET, "/users/{id}"),
    (Method::DELETE, "/users/{id}"),
    (Method::POST, "/auth/jwt/logout"),
    (Method::POST, "/auth/cookie/logout"),
    (Method::POST, "/auth/jwt-verified/logout"),
    (Method::GET, "/protected/verified"),
    (Method::GET, "/protected/optional"),
];

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let nested = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    let deep_field = format!("{{\"email\": {}1{}}}", "[".repeat(5_000), "]".repeat(5_000));
    let long_email = format!("{{\"email\": \"{}@example.com\"}}", "a".repeat(10_000));
    let json = "application/json";
    let form = "application/x-www-form-urlencoded";
    let mut bodies: Vec<(&'static str, Vec<u8>)> = vec![
        (json, b"\xff\xfe\xfd".to_vec()),
        (
            json,
            b"{\"email\": \"\xff@example.com\", \"password\": \"\xc3\x28\"}".to_vec(),
        ),
        (
            json,
            b"{\"email\": 1e999999, \"token\": 123456789012345678901234567890}".to_vec(),
        ),
        (json, b"{\"email\": -0.0, \"password\": NaN}".to_vec()),
        (json, nested.into_bytes()),
        (json, deep_field.into_bytes()),
        (json, long_email.into_bytes()),
        (
            json,
            b"{\"email\": null, \"password\": null, \"token\": null}".to_vec(),
        ),
        (
            json,
            b"{\"email\": true, \"password\": {}, \"token\": [], \"is_active\": {}}".to_vec(),
        ),
        (
            json,
            b"{\"email\": \"a\\u0000b@example.com\", \"password\": \"\\ud800\"}".to_vec(),
        ),
        (json, b"{\"email\": \"a@b.co\", \"email\": [1]}".to_vec()),
        (json, b"{\"__proto__\": {}, \"constructor\": 1}".to_vec()),
        (json, Vec::new()),
        (json, b"   ".to_vec()),
        (json, b"{}".to_vec()),
        (form, b"username=%ff%fe&password=%00&grant_type=%".to_vec()),
        (form, b"&&&===&username&password".to_vec()),
        ("multipart/form-data", b"--x\r\n\r\n--x--".to_vec()),
        ("multipart/form-data; boundary=", b"--\r\n".to_vec()),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n\xff\r\n--b".to_vec(),
        ),
        (
            "application/json; charset=utf-16",
            "{\"email\": \"a@b.co\"}"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
        ),
        ("text/plain", b"hello".to_vec()),
    ];
    bodies.push(("", b"{}".to_vec()));
    bodies
}

fn headers() -> Vec<Vec<u8>> {
    let long = format!("Bearer {}", "a".repeat(100_000));
    let dots = format!("Bearer {}", ".".repeat(1000));
    vec![
        b"Bearer".to_vec(),
        b"Bearer ".to_vec(),
        b"Bearer  ".to_vec(),
        b"Basic x".to_vec(),
        b"Basic YWRtaW46YWRtaW4=".to_vec(),
        b"Bearer a.b.c".to_vec(),
        b"Bearer a.b".to_vec(),
        b"Bearer ...".to_vec(),
        b"Bearer eyJhbGciOiJIUzI1NiJ9.e30.".to_vec(),
        b"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOjF9.".to_vec(),
        b"Bearer \xff\xfe".to_vec(),
        b"bearer x y z".to_vec(),
        b"Token abc".to_vec(),
        long.into_bytes(),
        dots.into_bytes(),
    ]
}

fn cookies() -> Vec<Vec<u8>> {
    vec![
        b"keycardauth=".to_vec(),
        b"keycardauth=\"unterminated".to_vec(),
        b"keycardauth=a.b.c; keycardauth=d.e.f".to_vec(),
        b"keycardauth=%%%; =; ;;; x".to_vec(),
        b"keycardauth=\xff\xfe".to_vec(),
        format!("keycardauth={}", "z".repeat(50_000)).into_bytes(),
    ]
}

#[track_caller]
fn assert_sane(reply: &Reply, what: &str) {
    assert!(
        reply.status.as_u16() < 500,
        "{} with {what}: {} {:?}",
        reply.request,
        reply.status,
        reply.text()
    );
    if !reply.body.is_empty() {
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&reply.body);
        assert!(parsed.is_ok(), "{} with {what}: not JSON", reply.request);
    }
}

/// Bad UTF-8, huge numbers, deep nesting, nulls, wrong types, empty bodies and odd
/// content types on every body route, anonymous and as a user: never a 5xx.
pub async fn garbage_bodies_never_fail(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("ned@example.com").await;

    for (method, route) in BODY_ROUTES {
        let path = route.replace("{id}", &user.id);
        for (content_type, body) in bodies() {
            for token in [None, Some(user.token.as_str())] {
                let mut call = Call::new(method.clone(), &path);
                if let Some(token) = token {
                    call = call.bearer(token);
                }
                let call = call.header("content-type", content_type.as_bytes());
                let reply = h.send(call.raw(None, body.clone())).await;
                assert_sane(&reply, &format!("{content_type} {:?}", body.get(..40)));
            }
        }
    }
    // The user survived all of it.
    h.me(&user.token).await.expect(200);
}

/// Bad `Authorization` and `Cookie` headers, and odd ids in paths: 401, 403, 404 or a
/// success, never a 5xx.
pub async fn garbage_credentials_never_fail(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("oli@example.com").await;

    for (method, route) in AUTH_ROUTES {
        let path = route.replace("{id}", &user.id);
        for value in headers() {
            let call = Call::new(method.clone(), &path).header("authorization", &value);
            let reply = h.send(call).await;
            assert_sane(
                &reply,
                &String::from_utf8_lossy(&value[..value.len().min(40)]),
            );
            if route == "/protected/optional" {
                assert_eq!(reply.json(), serde_json::json!({ "user": null }));
            } else {
                assert!(reply.status.as_u16() >= 400, "{}", reply.request);
            }
        }
        for value in cookies() {
            let call = Call::new(method.clone(), &path).header("cookie", &value);
            assert_sane(&h.send(call).await, "a bad cookie");
        }
    }
    let admin = h.admin().await;
    for id in [
        "%00",
        "%ff",
        "..",
        "%2e%2e",
        "a%2Fb",
        "%7Bid%7D",
        "00000000-0000-0000-0000-000000000000",
    ] {
        let call = Call::get(&format!("/users/{id}")).bearer(&admin);
        assert_sane(&h.send(call).await, id);
    }
    let long_id = "f".repeat(10_000);
    let call = Call::delete(&format!("/users/{long_id}")).bearer(&admin);
    h.send(call).await.expect_detail(404, "Not Found");
}
