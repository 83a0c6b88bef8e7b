// A JWT issuer for the tests: an RS256 key generated here, its JWKS served on loopback (as an
// identity provider serves it), and tokens signed with node's own crypto — neither the gateway's
// JWT library nor gladgraph's signs them, so both verify against an independent implementation.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';

export const ISSUER = 'https://issuer.e2e.test/';
export const AUDIENCE = 'gladgraph-e2e';

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Starts the issuer; resolves to { jwksUrl, token(claims), stop }. */
export async function startIssuer() {
  const kid = `e2e-${randomUUID()}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    /** How many times the JWKS was fetched. */
    fetches: () => fetches,
    /**
     * Signs a JWT for the issuer and audience above, valid for ten minutes; claims add to or
     * override the registered ones.
     */
    token(claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      const header = b64url({ alg: 'RS256', typ: 'JWT', kid });
      const payload = b64url({ iss: ISSUER, aud: AUDIENCE, sub: 'e2e-service', iat: now, exp: now + 600, ...claims });
      const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
      return `${header}.${payload}.${signature}`;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
