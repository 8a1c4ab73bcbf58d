// A real OpenID Connect provider for keycard's tests: oidc-provider with its development
// login and consent pages, one confidential client that must use PKCE, and accounts
// whose e-mail address is `<login>@example.com`, verified.
//
// Usage: node provider.mjs <redirect_uri>
// Listens on 127.0.0.1 on an ephemeral port, prints one JSON line {"issuer": ...} when
// ready, and exits when its standard input closes (the test that started it ended).
import http from 'node:http';

import Provider from 'oidc-provider';

const redirectUri = process.argv[2];
if (!redirectUri) {
  console.error('usage: node provider.mjs <redirect_uri>');
  process.exit(2);
}

const configuration = {
  clients: [
    {
      client_id: 'keycard',
      client_secret: 'keycard-oidc-client-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  scopes: ['openid', 'email'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.com`, email_verified: true };
      },
    };
  },
  cookies: { keys: ['keycard-test-cookie-signing-key'] },
  features: { devInteractions: { enabled: true } },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
