// A real @apollo/gateway (over a supergraph composed here from every subgraph's _service.sdl with
// @apollo/composition, as IntrospectAndCompose does) served through @apollo/server, with every subgraph fetch counted and
// tagged: each request to a subgraph carries X-Request-Id "<step>.<subgraph>.<n>", which
// gladgraph honours and writes on its access line, so a test can find the lines of its step.
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { parse } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

// composeSupergraph fetches each subgraph's SDL and composes the supergraph. gladgraph declares
// @requiresScopes, which composition links "for: SECURITY"; @apollo/gateway refuses every
// SECURITY feature it does not implement (it enforces no authorization: Apollo Router and Hive
// Gateway do), so the link loses its purpose here and the gateway merely routes. gladgraph
// enforces the scopes itself, which the access tests cover.
async function composeSupergraph(subgraphs) {
  const services = [];
  for (const { name, url } of subgraphs) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.json();
    services.push({ name, url, typeDefs: parse(body.data._service.sdl) });
  }
  const result = composeServices(services);
  if (result.errors?.length) {
    throw new Error('composition failed: ' + result.errors.map((e) => e.message).join('; '));
  }
  return result.supergraphSdl.replace(/,\s*for:\s*SECURITY/g, '');
}

export async function startGateway(subgraphs) {
  const fetches = []; // { step, subgraph, requestId, representations }
  let seq = 0;
  const gateway = new ApolloGateway({
    supergraphSdl: async () => ({ supergraphSdl: await composeSupergraph(subgraphs) }),
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
