// A real Hive Gateway (@graphql-hive/gateway's runtime, served by node:http) over a supergraph
// composed by the test, configured as deploy/gateway.config.ts configures it: its JWT plugin
// verifies callers against the issuer's JWKS, its generic-auth plugin enforces the supergraph's
// @requiresScopes with the token's scopes, and the caller's Authorization header goes on to the
// subgraphs (gladgraph verifies the token again). x-request-id goes on too, so a test can find
// gladgraph's access line for a request it sent through the gateway.
import { createServer } from 'node:http';
import {
  createGatewayRuntime,
  createRemoteJwksSigningKeyProvider,
  extractFromHeader,
  useJWT,
} from '@graphql-hive/gateway';

/** Starts the gateway; resolves to { url, stop }. */
export async function startHiveGateway({ supergraphSdl, jwksUrl, issuer, audience }) {
  const gateway = createGatewayRuntime({
    supergraph: () => supergraphSdl,
    logging: false,
    plugins: () => [
      useJWT({
        signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: jwksUrl })],
        tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
        tokenVerification: { issuer: [issuer], audience, algorithms: ['RS256'] },
        reject: { missingToken: true, invalidToken: true },
        forward: { payload: false, token: false },
      }),
    ],
    genericAuth: {
      mode: 'protect-granular',
      resolveUserFn: (ctx) => ctx.jwt?.payload ?? null,
      extractScopes: (user) =>
        typeof user.scope === 'string' ? user.scope.split(' ').filter(Boolean) : Array.isArray(user.scp) ? user.scp.map(String) : [],
    },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({
        authorization: request.headers.get('authorization') ?? undefined,
        'x-request-id': request.headers.get('x-request-id') ?? undefined,
      }),
    },
  });
  const server = createServer(gateway);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      await gateway.dispose?.();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
