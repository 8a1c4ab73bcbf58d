//! Application-defined user fields at the API's edge.
//!
//! Stores keep custom fields as a JSON object ([`Fields`]); a [`FieldSchema`] decides
//! which keys of a request body become fields, validates them, and which fields a
//! `UserRead` shows. [`TypedFields`] derives all of that from a serde struct.

use std::fmt;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::reply::ValidationError;
use crate::Fields;

/// The keys keycard itself reads from a user body; never custom fields.
const RESERVED: [&str; 7] = [
    "id",
    "email",
    "password",
    "hashed_password",
    "is_active",
    "is_superuser",
    "is_verified",
];

/// Which custom fields the API accepts and shows.
pub trait FieldSchema: Send + Sync + 'static {
    /// Validates the custom fields of a registration body and returns the fields to store.
    ///
    /// # Errors
    ///
    /// The validation errors to answer 422 with.
    fn create(&self, body: &Map<String, Value>) -> Result<Fields, Vec<ValidationError>>;

    /// Validates the custom fields of an update body against the user's current fields
    /// and returns only the fields to change.
    ///
    /// # Errors
    ///
    /// The validation errors to answer 422 with.
    fn update(
        &self,
        current: &Fields,
        body: &Map<String, Value>,
    ) -> Result<Fields, Vec<ValidationError>>;

    /// The fields a `UserRead` shows, from the stored ones.
    fn read(&self, stored: &Fields) -> Map<String, Value>;
}

/// No custom fields: body keys beyond keycard's own are ignored, as Pydantic ignores
/// extra keys.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFields;

impl FieldSchema for NoFields {
    fn create(&self, _: &Map<String, Value>) -> Result<Fields, Vec<ValidationError>> {
        Ok(Fields::new())
    }

    fn update(&self, _: &Fields, _: &Map<String, Value>) -> Result<Fields, Vec<ValidationError>> {
        Ok(Fields::new())
    }

    fn read(&self, _: &Fields) -> Map<String, Value> {
        Map::new()
    }
}

/// Custom fields described by a serde struct `T`: registration deserialises `T` from the
/// body (missing fields take `T::default()`'s values through `#[serde(default)]`), an
/// update re-validates `T` with the changed keys, and `UserRead` shows `T`'s fields.
///
/// ```
/// use keycard_core::http::{FieldSchema, TypedFields};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Default, Serialize, Deserialize)]
/// #[serde(default)]
/// struct Profile {
///     first_name: Option<String>,
///     age: u8,
/// }
///
/// let schema = TypedFields::<Profile>::new();
/// let body = serde_json::json!({"email": "a@b.co", "first_name": "Ann", "age": 40});
/// let fields = schema.create(body.as_object().unwrap()).unwrap();
/// assert_eq!(fields["first_name"], "Ann");
///
/// let bad = serde_json::json!({"age": "old"});
/// assert!(schema.create(bad.as_object().unwrap()).is_err());
/// ```
pub struct TypedFields<T> {
    names: Vec<String>,
    marker: PhantomData<fn() -> T>,
}

impl<T: Serialize + DeserializeOwned + Default> TypedFields<T> {
    /// The schema of `T`. Its field names are those `T::default()` serialises.
    pub fn new() -> Self {
        let names = match serde_json::to_value(T::default()) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        };
        Self {
            names,
            marker: PhantomData,
        }
    }

    fn pick(&self, source: &Map<String, Value>) -> Map<String, Value> {
        source
            .iter()
            .filter(|(k, _)| self.names.contains(k) && !RESERVED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn validate(&self, object: Map<String, Value>) -> Result<Fields, Vec<ValidationError>> {
        let input = Value::Object(object);
        let typed: T = serde_json::from_value(input.clone()).map_err(|err| {
            vec![ValidationError::body(
                "value_error",
                format!("Value error, {err}"),
                input,
            )]
        })?;
        match serde_json::to_value(typed) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Ok(Fields::new()),
        }
    }
}

impl<T: Serialize + DeserializeOwned + Default> Default for TypedFields<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for TypedFields<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedFields")
            .field("names", &self.names)
            .finish()
    }
}

impl<T> FieldSchema for TypedFields<T>
where
    T: Serialize + DeserializeOwned + Default + 'static,
{
    fn create(&self, body: &Map<String, Value>) -> Result<Fields, Vec<ValidationError>> {
        self.validate(self.pick(body))
    }

    fn update(
        &self,
        current: &Fields,
        body: &Map<String, Value>,
    ) -> Result<Fields, Vec<ValidationError>> {
        let changes = self.pick(body);
        let mut merged = self.pick(current);
        merged.extend(changes.clone());
        let valid = self.validate(merged)?;
        Ok(changes
            .keys()
            .filter_map(|k| valid.get(k).map(|v| (k.clone(), v.clone())))
            .collect())
    }

    fn read(&self, stored: &Fields) -> Map<String, Value> {
        self.names
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    stored.get(name).cloned().unwrap_or(Value::Null),
                )
            })
            .collect()
    }
}
