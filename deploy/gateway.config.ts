// Hive Gateway in front of gladgraph: npx hive-gateway supergraph supergraph.graphql -c deploy/gateway.config.ts
// (compose supergraph.graphql from deploy/supergraph.yaml). Environment: AUTH_JWKS_URL,
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
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    },
    reject: { missingToken: true, invalidToken: true },
    forward: { payload: false, token: false },
  },

  // Enforce the subgraph's @requiresScopes at the gateway too (scopes from the JWT).
  genericAuth: {
    mode: 'protect-granular',
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
