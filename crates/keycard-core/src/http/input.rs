//! Typed fields out of a JSON object or form, with FastAPI's validation errors.

use http::Response;
use serde_json::{Map, Value};

use super::reply::{self, Body, ValidationError};
use crate::Fields;
use crate::email::normalize_email;

/// Reads fields from a request object, collecting every error before answering 422.
pub(crate) struct Input {
    object: Map<String, Value>,
    errors: Vec<ValidationError>,
}

impl Input {
    pub(crate) fn new(object: Map<String, Value>) -> Self {
        Self {
            object,
            errors: Vec::new(),
        }
    }

    /// Custom fields, read by a [`FieldSchema`](super::FieldSchema) method.
    pub(crate) fn custom_fields(
        &mut self,
        read: impl FnOnce(&Map<String, Value>) -> Result<Fields, Vec<ValidationError>>,
    ) -> Option<Fields> {
        read(&self.object)
            .map_err(|errors| self.errors.extend(errors))
            .ok()
    }

    /// Records an error found by the caller.
    pub(crate) fn push_error(&mut self, error: ValidationError) {
        self.errors.push(error);
    }

    /// A required string.
    pub(crate) fn string(&mut self, name: &str) -> Option<String> {
        match self.object.get(name) {
            None => {
                self.missing(name);
                None
            }
            Some(value) => self.as_string(name, value.clone()),
        }
    }

    /// An optional string; `null` counts as absent.
    pub(crate) fn optional_string(&mut self, name: &str) -> Option<String> {
        match self.object.get(name) {
            None | Some(Value::Null) => None,
            Some(value) => self.as_string(name, value.clone()),
        }
    }

    /// A required e-mail address, normalised.
    pub(crate) fn email(&mut self, name: &str) -> Option<String> {
        let raw = self.string(name)?;
        self.check_email(name, raw)
    }

    /// An optional e-mail address; `null` is refused, since a user must keep one.
    pub(crate) fn optional_email(&mut self, name: &str) -> Option<String> {
        if self.object.get(name).is_some_and(Value::is_null) {
            self.errors.push(ValidationError::body_field(
                name,
                "string_type",
                "Input should be a valid string",
                Value::Null,
            ));
            return None;
        }
        let raw = self.optional_string(name)?;
        self.check_email(name, raw)
    }

    /// An optional boolean, read leniently as Pydantic does (`true`, `1`, `"yes"`, ...);
    /// `null` counts as absent.
    pub(crate) fn optional_bool(&mut self, name: &str) -> Option<bool> {
        let value = self.object.get(name)?.clone();
        let parsed = match &value {
            Value::Null => return None,
            Value::Bool(flag) => Some(*flag),
            Value::Number(n) => match n.as_f64() {
                Some(0.0) => Some(false),
                Some(1.0) => Some(true),
                _ => None,
            },
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "0" | "off" | "f" | "false" | "n" | "no" => Some(false),
                "1" | "on" | "t" | "true" | "y" | "yes" => Some(true),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            self.errors.push(ValidationError::body_field(
                name,
                "bool_parsing",
                "Input should be a valid boolean, unable to interpret input",
                value,
            ));
        }
        parsed
    }

    /// Answers 422 when any field was wrong.
    pub(crate) fn finish(self) -> Result<Map<String, Value>, Response<Body>> {
        if self.errors.is_empty() {
            Ok(self.object)
        } else {
            Err(reply::unprocessable(&self.errors))
        }
    }

    fn missing(&mut self, name: &str) {
        let input = Value::Object(self.object.clone());
        self.errors.push(ValidationError::body_field(
            name,
            "missing",
            "Field required",
            input,
        ));
    }

    fn as_string(&mut self, name: &str, value: Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.errors.push(ValidationError::body_field(
                    name,
                    "string_type",
                    "Input should be a valid string",
                    other,
                ));
                None
            }
        }
    }

    fn check_email(&mut self, name: &str, raw: String) -> Option<String> {
        match normalize_email(&raw) {
            Ok(email) => Some(email),
            Err(err) => {
                let mut error = ValidationError::body_field(
                    name,
                    "value_error",
                    err.to_string(),
                    Value::String(raw),
                );
                error.ctx = Some(serde_json::json!({ "reason": err.to_string() }));
                self.errors.push(error);
                None
            }
        }
    }
}
