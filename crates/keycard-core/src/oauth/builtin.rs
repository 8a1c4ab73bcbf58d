//! What every built-in provider has in common, written once.

/// Declares a built-in provider: the struct, its constructor and setters, and the
/// [`OAuthProvider`](super::OAuthProvider) methods other than reading the account, which
/// each provider writes as an inherent `read_account`.
macro_rules! builtin_provider {
    (
        $(#[$meta:meta])*
        $type:ident, name: $name:literal,
        endpoints: ($authorize:expr, $token:expr, $userinfo:expr),
        scopes: [$($scope:literal),* $(,)?],
        params: [$(($param:literal, $value:literal)),* $(,)?],
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $type {
            client: $crate::oauth::standard::StandardClient,
        }

        impl $type {
            #[doc = concat!("A client of ", stringify!($type), " with its public endpoints and default scopes.")]
            pub fn new(client_id: impl Into<String>, client_secret: $crate::Secret) -> Self {
                let endpoints = $crate::oauth::Endpoints::new($authorize, $token, $userinfo);
                let mut client = $crate::oauth::standard::StandardClient::new(
                    client_id.into(),
                    client_secret,
                    endpoints,
                );
                client.scopes = vec![$($scope.to_owned()),*];
                client.extra_params = vec![$(($param.to_owned(), $value.to_owned())),*];
                Self { client }
            }

            /// Uses other endpoints: a self-hosted instance, or a test double.
            #[must_use]
            pub fn endpoints(mut self, endpoints: $crate::oauth::Endpoints) -> Self {
                self.client.endpoints = endpoints;
                self
            }

            /// Sets the default scopes.
            #[must_use]
            pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
                self.client.scopes = scopes.into_iter().map(Into::into).collect();
                self
            }

            /// Sets the HTTP client. Default: [`HttpClient::default`](crate::oauth::HttpClient).
            #[must_use]
            pub fn http_client(mut self, http: $crate::oauth::HttpClient) -> Self {
                self.client.http = http;
                self
            }
        }

        #[async_trait::async_trait]
        impl $crate::oauth::OAuthProvider for $type {
            fn name(&self) -> &str {
                $name
            }

            fn authorization_url(
                &self,
                request: $crate::oauth::AuthorizationRequest<'_>,
            ) -> Result<String, $crate::Error> {
                self.client.authorization_url(request)
            }

            async fn exchange_code(
                &self,
                code: &$crate::Token,
                redirect_uri: &str,
                pkce: &$crate::oauth::PkceVerifier,
            ) -> Result<$crate::oauth::ProviderTokens, $crate::Error> {
                self.client.exchange_code(code, redirect_uri, pkce).await
            }

            async fn account(
                &self,
                tokens: &$crate::oauth::ProviderTokens,
            ) -> Result<$crate::oauth::ProviderAccount, $crate::Error> {
                self.read_account(tokens).await
            }

            async fn refresh(
                &self,
                refresh_token: &$crate::Token,
            ) -> Result<$crate::oauth::ProviderTokens, $crate::Error> {
                self.client.refresh(refresh_token).await
            }
        }
    };
}

pub(crate) use builtin_provider;
