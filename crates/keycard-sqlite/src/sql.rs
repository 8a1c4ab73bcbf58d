//! Every statement the store runs, in one place so their query plans can be pinned.

macro_rules! select_user {
    ($condition:literal) => {
        concat!(
            r#"SELECT u.id, u.email, u.hashed_password, u.is_active, u.is_superuser,
                      u.is_verified, f.fields
               FROM "user" AS u LEFT JOIN keycard_user_fields AS f ON f.user_id = u.id
               WHERE "#,
            $condition
        )
    };
}

pub(crate) const USER_BY_ID: &str = select_user!("u.id = ?1");
/// `?1` is the [`email_key`](keycard_core::email::email_key) of the address; the left side
/// matches the expression of the unique index `keycard_ux_user_email_lower`.
pub(crate) const USER_BY_EMAIL: &str = select_user!("lower(u.email) = ?1");
pub(crate) const USER_EXISTS: &str = r#"SELECT 1 FROM "user" WHERE id = ?1"#;
pub(crate) const INSERT_USER: &str = r#"INSERT INTO "user"
    (id, email, hashed_password, is_active, is_superuser, is_verified)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)"#;
pub(crate) const UPDATE_USER: &str = r#"UPDATE "user"
    SET email = ?2, hashed_password = ?3, is_active = ?4, is_superuser = ?5, is_verified = ?6
    WHERE id = ?1"#;
pub(crate) const DELETE_USER: &str = r#"DELETE FROM "user" WHERE id = ?1"#;

pub(crate) const UPSERT_FIELDS: &str = "INSERT INTO keycard_user_fields (user_id, fields)
    VALUES (?1, ?2) ON CONFLICT (user_id) DO UPDATE SET fields = excluded.fields";
pub(crate) const DELETE_USER_FIELDS: &str = "DELETE FROM keycard_user_fields WHERE user_id = ?1";

pub(crate) const USER_ID_BY_ACCOUNT: &str =
    "SELECT user_id FROM oauth_account WHERE oauth_name = ?1 AND account_id = ?2";
/// Ordered by rowid: the order in which the accounts were added.
pub(crate) const ACCOUNTS_OF_USER: &str = "SELECT id, oauth_name, access_token, expires_at,
    refresh_token, account_id, account_email FROM oauth_account WHERE user_id = ?1 ORDER BY rowid";
pub(crate) const INSERT_ACCOUNT: &str = "INSERT INTO oauth_account
    (id, oauth_name, access_token, expires_at, refresh_token, account_id, account_email, user_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
pub(crate) const UPDATE_ACCOUNT: &str = "UPDATE oauth_account
    SET oauth_name = ?3, access_token = ?4, expires_at = ?5, refresh_token = ?6,
        account_id = ?7, account_email = ?8
    WHERE id = ?1 AND user_id = ?2";
pub(crate) const DELETE_USER_ACCOUNTS: &str = "DELETE FROM oauth_account WHERE user_id = ?1";

pub(crate) const TOKEN: &str =
    "SELECT token, created_at, user_id FROM accesstoken WHERE token = ?1";
/// `?2` is the oldest acceptable `created_at`, in the fixed-width text form, so text order
/// is time order.
pub(crate) const TOKEN_SINCE: &str =
    "SELECT token, created_at, user_id FROM accesstoken WHERE token = ?1 AND created_at >= ?2";
pub(crate) const INSERT_TOKEN: &str =
    "INSERT INTO accesstoken (token, created_at, user_id) VALUES (?1, ?2, ?3)";
pub(crate) const DELETE_TOKEN: &str = "DELETE FROM accesstoken WHERE token = ?1";
pub(crate) const DELETE_USER_TOKENS: &str = "DELETE FROM accesstoken WHERE user_id = ?1";
pub(crate) const PURGE_TOKENS: &str = "DELETE FROM accesstoken WHERE created_at < ?1";

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("prepare");
        let count = stmt.parameter_count();
        let details = stmt
            .query_map(rusqlite::params_from_iter(vec![""; count]), |row| {
                row.get::<_, String>(3)
            })
            .expect("query")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows");
        details.join("; ")
    }

    fn schema() -> Connection {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::schema::migrate(&mut conn).expect("schema");
        conn
    }

    #[test]
    fn look_ups_use_the_intended_indexes() {
        let conn = schema();
        let cases = [
            (USER_BY_EMAIL, "INDEX keycard_ux_user_email_lower"),
            (USER_BY_ID, "INDEX sqlite_autoindex_user_1 (id=?)"),
            (
                TOKEN_SINCE,
                "INDEX sqlite_autoindex_accesstoken_1 (token=?)",
            ),
            (TOKEN, "INDEX sqlite_autoindex_accesstoken_1 (token=?)"),
            (
                PURGE_TOKENS,
                "INDEX ix_accesstoken_created_at (created_at<?)",
            ),
            (
                USER_ID_BY_ACCOUNT,
                "INDEX keycard_ux_oauth_account_provider",
            ),
            (
                ACCOUNTS_OF_USER,
                "INDEX keycard_ix_oauth_account_user_id (user_id=?)",
            ),
            (
                DELETE_USER_TOKENS,
                "INDEX keycard_ix_accesstoken_user_id (user_id=?)",
            ),
        ];
        for (sql, expected) in cases {
            let plan = plan(&conn, sql);
            assert!(plan.contains(expected), "{sql}\n  plan: {plan}");
        }
    }

    #[test]
    fn no_statement_scans_a_table() {
        let conn = schema();
        for sql in [
            USER_BY_ID,
            USER_BY_EMAIL,
            USER_EXISTS,
            UPDATE_USER,
            DELETE_USER,
            DELETE_USER_FIELDS,
            USER_ID_BY_ACCOUNT,
            ACCOUNTS_OF_USER,
            UPDATE_ACCOUNT,
            DELETE_USER_ACCOUNTS,
            TOKEN,
            TOKEN_SINCE,
            DELETE_TOKEN,
            DELETE_USER_TOKENS,
            PURGE_TOKENS,
        ] {
            let plan = plan(&conn, sql);
            assert!(!plan.contains("SCAN"), "{sql}\n  plan: {plan}");
        }
    }
}
