//! E-mail address normalisation and validation.
//!
//! keycard stores an address as typed, with surrounding white space removed and the
//! domain lower-cased; the local part keeps its letter case (RFC 5321 §2.4 lets a server
//! treat it as case-sensitive). Every look-up and uniqueness check compares the
//! [`email_key`], which also folds the local part, so `A@x.com` and `a@X.com` are one
//! account.

use std::fmt;

/// The width of the `email` column; every address keycard accepts fits in it.
pub const MAX_EMAIL_LEN: usize = 320;

/// Why an address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailError {
    /// The address is empty after trimming.
    Empty,
    /// The address has no `@`, or more than one outside a quoted local part.
    MissingAt,
    /// The part before the `@` is empty, too long or holds a forbidden character.
    InvalidLocalPart,
    /// The part after the `@` is not a valid domain name.
    InvalidDomain,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "value is not a valid email address: the address is empty",
            Self::MissingAt => {
                "value is not a valid email address: an email address must have an @-sign"
            }
            Self::InvalidLocalPart => {
                "value is not a valid email address: the part before the @-sign is not valid"
            }
            Self::InvalidDomain => {
                "value is not a valid email address: the part after the @-sign is not valid"
            }
        })
    }
}

impl std::error::Error for EmailError {}

/// Validates an address and returns its stored form: trimmed, domain lower-cased.
///
/// # Errors
///
/// Returns an [`EmailError`] when the address is not a plausible mailbox.
///
/// ```
/// use keycard_core::email::normalize_email;
///
/// assert_eq!(normalize_email("  King.Arthur@CAMELOT.bt ").unwrap(), "King.Arthur@camelot.bt");
/// assert!(normalize_email("not-an-address").is_err());
/// ```
pub fn normalize_email(raw: &str) -> Result<String, EmailError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(EmailError::Empty);
    }
    let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailError::MissingAt)?;

    validate_local_part(local)?;
    let domain = domain.to_lowercase();
    validate_domain(&domain)?;

    // A 64-byte local part and a 253-byte domain always fit in MAX_EMAIL_LEN.
    Ok(format!("{local}@{domain}"))
}

/// The comparison key of an address: what uniqueness and look-ups compare.
///
/// The key folds ASCII letters only, which is what every supported database can index
/// (SQLite's `lower()` is ASCII-only), so all stores agree on which addresses collide.
///
/// ```
/// use keycard_core::email::email_key;
///
/// assert_eq!(email_key("A@x.com"), email_key("a@X.com"));
/// ```
pub fn email_key(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

fn validate_local_part(local: &str) -> Result<(), EmailError> {
    let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
    let valid = !local.is_empty()
        && local.len() <= 64
        && (quoted
            || (!local.starts_with('.')
                && !local.ends_with('.')
                && !local.contains("..")
                && local.chars().all(is_local_char)));
    if valid {
        Ok(())
    } else {
        Err(EmailError::InvalidLocalPart)
    }
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_ascii_punctuation() && !"\"(),:;<>@[\\]".contains(c))
}

fn validate_domain(domain: &str) -> Result<(), EmailError> {
    let labels: Vec<&str> = domain.split('.').collect();
    let valid = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| is_valid_label(label))
        && labels
            .last()
            .is_some_and(|tld| !tld.chars().all(|c| c.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        Err(EmailError::InvalidDomain)
    }
}

fn is_valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_local_part_case_and_lowers_domain() {
        assert_eq!(
            normalize_email("\tJohn.Doe+tag@Example.COM\n").as_deref(),
            Ok("John.Doe+tag@example.com")
        );
    }

    #[test]
    fn accepts_unicode_addresses() {
        assert_eq!(
            normalize_email("Zoë@Exämple.COM").as_deref(),
            Ok("Zoë@exämple.com")
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "   ",
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a b@example.com",
            "a@exa mple.com",
            "a..b@example.com",
            ".a@example.com",
            "a@-example.com",
            "a@example..com",
            "a@1.2.3.4",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn refuses_overlong_parts() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(
            normalize_email(&long_local),
            Err(EmailError::InvalidLocalPart)
        );
        let long_domain = format!("a@{}.com", "b".repeat(64));
        assert_eq!(
            normalize_email(&long_domain),
            Err(EmailError::InvalidDomain)
        );
    }
}
