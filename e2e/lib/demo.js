// What the tests know of gladgraph's demo fixture (gladly/gladlytest/seed*.go). Contacts and
// agents are found through gladgraph's own keys (email); tickets and conversations have no
// public key but their id, so their fixture ids are derived here as the fake derives them.
import { createHash } from 'node:crypto';

/** gladlytest's fixtureID: the first 16 bytes of sha256("gladlytest/" + name), base64url. */
export function fixtureId(name) {
  return createHash('sha256').update(`gladlytest/${name}`).digest().subarray(0, 16).toString('base64url');
}

/** The four fixture contacts, each reachable by its primary email. */
export const demoContacts = [
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { name: 'Charles Babbage', email: 'charles@example.com' },
  { name: 'Mary Somerville', email: 'mary@example.com' },
  { name: 'Grace Hopper', email: 'grace@example.com' },
];

/** Some fixture agents; their login email is first.last@babbage.example.com. */
export const demoAgents = ['Amy Agent', 'Blaise Pascal', 'Emmy Noether', 'Alan Turing', 'Katherine Johnson']
  .map((name) => ({ name, email: `${name.toLowerCase().replaceAll(' ', '.')}@babbage.example.com` }));

/** Ada's tickets (Gladly tasks) and conversations. */
export const demoTicketIds = ['task/ada-replacement', 'task/ada-refund-follow-up', 'task/ada-invoice'].map(fixtureId);
export const demoConversationIds = ['conversation/ada-open', 'conversation/ada-waiting', 'conversation/ada-closed'].map(fixtureId);

/** The demo's second account, `demo-2` (gladlytest's Hopper organization, org.go). */
export const hopper = { organization: 'Hopper Logistics Ltd.', customer: { name: 'Grace Brewster', email: 'grace@hopper.example' } };
