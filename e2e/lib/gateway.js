// A real @apollo/gateway (IntrospectAndCompose: it fetches every subgraph's _service.sdl and
// composes them itself) served through @apollo/server, with every subgraph fetch counted and
// tagged: each request to a subgraph carries X-Request-Id "<step>.<subgraph>.<n>", which
// gladgraph honours and writes on its access line, so a test can find the lines of its step.
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

// @apollo/gateway does not enforce @requiresScopes (GraphOS Router and Hive Gateway do) and so
// refuses a supergraph that links it `for: SECURITY`. These checks are about query plans and
// joins: the link is kept as a plain feature (the directive stays in the supergraph, unenforced),
// gladgraph still enforces its scopes (the demo's anonymous caller has them all), and
// 6-hive-gateway-scopes.test.js checks enforcement at a gateway that supports it.
const SECURITY_LINK = /(@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v[0-9.]+"), for: SECURITY\)/g;
const withoutSecurityLinks = (sdl) => sdl.replace(SECURITY_LINK, '$1)');

/** IntrospectAndCompose, its supergraph passed through withoutSecurityLinks. */
function introspectAndCompose(subgraphs) {
  return async (opts) => {
    const manager = new IntrospectAndCompose({ subgraphs });
    const result = await manager.initialize({ ...opts, update: (sdl) => opts.update(withoutSecurityLinks(sdl)) });
    return { ...result, supergraphSdl: withoutSecurityLinks(result.supergraphSdl) };
  };
}

export async function startGateway(subgraphs) {
  const fetches = []; // { step, subgraph, requestId, representations }
  let seq = 0;
  const gateway = new ApolloGateway({
    supergraphSdl: introspectAndCompose(subgraphs),
    buildService: ({ name, url }) => new RemoteGraphQLDataSource({
      url,
      willSendRequest({ request, context }) {
        const step = context?.step ?? 'setup';
        request.http.headers.set('x-request-id', `${step}.${name}.${++seq}`);
      },
      fetcher: async (input, init) => {
        const requestId = new Headers(init?.headers).get('x-request-id') ?? '';
        let representations = null;
        try {
          representations = JSON.parse(init.body).variables?.representations ?? null;
        } catch { /* not JSON: not ours to judge here */ }
        fetches.push({ step: requestId.split('.')[0], subgraph: name, requestId, representations });
        return fetch(input, { ...init, signal: AbortSignal.timeout(30_000) });
      },
    }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: 0 },
    context: async ({ req }) => ({ step: String(req.headers['x-e2e-step'] ?? 'untagged') }),
  });
  return {
    url,
    /** The subgraph fetches the gateway made for one step. */
    fetchesOf: (step) => fetches.filter((f) => f.step === step),
    stop: () => server.stop(),
  };
}
