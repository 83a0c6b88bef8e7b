// A real @apollo/gateway (IntrospectAndCompose: it fetches every subgraph's _service.sdl and
// composes them itself) served through @apollo/server, with every subgraph fetch counted and
// tagged: each request to a subgraph carries X-Request-Id "<step>.<subgraph>.<n>", which
// gladgraph honours and writes on its access line, so a test can find the lines of its step.
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

export async function startGateway(subgraphs) {
  const fetches = []; // { step, subgraph, requestId, representations }
  let seq = 0;
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({ subgraphs }),
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
