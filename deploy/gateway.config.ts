// Hive Gateway in front of gladgraph: npx hive-gateway supergraph supergraph.graphql -c deploy/gateway.config.ts
// (compose supergraph.graphql from deploy/supergraph.yaml). Type-checked against
// @graphql-hive/gateway 2.15.1 (tsc --strict). Environment: AUTH_JWKS_URL,
// AUTH_ISSUER, AUTH_AUDIENCE (the values gladgraph verifies) and ROUTER_SECRET (gladgraph's).
import {
  createRemoteJwksSigningKeyProvider,
  defineConfig,
  extractFromHeader,
} from '@graphql-hive/gateway';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`gateway.config.ts: ${name} is not set`);
  return v;
};

export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql',

  // Callers' JWTs are verified at the gateway; gladgraph verifies them again, so the token is
  // passed on unchanged (propagateHeaders below) rather than replaced by the decoded payload.
  jwt: {
    signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: env('AUTH_JWKS_URL') })],
    tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
    tokenVerification: {
      issuer: [env('AUTH_ISSUER')],
      audience: env('AUTH_AUDIENCE'),
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
    },
    reject: { missingToken: true, invalidToken: true },
    forward: { payload: false, token: false },
  },

  // Enforce the subgraph's @requiresScopes at the gateway too, with the scopes of the verified
  // JWT (a space-separated scope claim or an scp array, as gladgraph reads them).
  genericAuth: {
    mode: 'protect-granular',
    resolveUserFn: (ctx) => (ctx as { jwt?: { payload?: Record<string, unknown> } }).jwt?.payload ?? null,
    extractScopes: (user) =>
      typeof user.scope === 'string' ? user.scope.split(' ').filter(Boolean) : Array.isArray(user.scp) ? user.scp.map(String) : [],
  },

  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      return {
        authorization: request.headers.get('authorization') ?? undefined,
        // _service and _entities answer only the gateway (gladgraph's ROUTER_SECRET).
        'router-authorization': process.env.ROUTER_SECRET,
      };
    },
  },

  // Subscriptions reach gladgraph over WebSocket (graphql-transport-ws) at /graphql, the token in
  // connection_init's payload, as gladgraph accepts it ({"Authorization": "Bearer …"}).
  transportEntries: {
    gladgraph: {
      options: {
        subscriptions: {
          kind: 'ws',
          location: '/graphql',
          options: {
            connectionParams: {
              Authorization: '{context.headers.authorization}',
            },
          },
        },
      },
    },
  },
});
