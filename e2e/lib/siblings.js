// Two sibling subgraphs, built with @apollo/subgraph as other teams would build theirs:
//   - loyalty: references gladgraph's Contact by email and User by id and adds fields to both;
//   - orders: its Order points at gladgraph's Contact, Ticket and Conversation (stubs that
//     only gladgraph resolves).
// Their data is whatever the test puts in: the test reads real ids from gladgraph first.
// Types and key fields they share with gladgraph carry no description, as a stub should not:
// gladgraph's descriptions are the ones the supergraph shows, and composition hints at any
// difference (INCONSISTENT_DESCRIPTION).
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

export const loyaltyTypeDefs = parse(`${FEDERATION}

type Contact @key(fields: "email") {
  email: String
  "Points the contact has collected."
  loyaltyPoints: Int!
  "The contact's tier, from its points."
  loyaltyTier: LoyaltyTier!
}

"Loyalty tiers."
enum LoyaltyTier {
  "Fewer than 300 points."
  BRONZE
  "300 to 699 points."
  SILVER
  "700 points or more."
  GOLD
}

type User @key(fields: "id") {
  id: ID!
  "How many point adjustments the agent approved."
  approvedAdjustments: Int!
}

type Query {
  "The program's members, in enrolment order."
  loyaltyMembers(first: Int): [Contact!]!
  "The agents who may approve adjustments."
  loyaltyApprovers: [User!]!
}
`);

/** Deterministic points per email, so that tests know what the sibling answers. */
export function loyaltyPoints(email) {
  let h = 0;
  for (const ch of email) h = (h * 31 + ch.codePointAt(0)) % 1000;
  return h;
}

export function loyaltyTier(points) {
  return points >= 700 ? 'GOLD' : points >= 300 ? 'SILVER' : 'BRONZE';
}

export function approvedAdjustments(id) {
  return loyaltyPoints(id) % 50;
}

/** data: { memberEmails: string[], approverIds: string[] } (mutable by the test). */
export function loyaltyResolvers(data) {
  const contact = (email) => ({ email });
  return {
    Query: {
      loyaltyMembers: (_, { first }) => data.memberEmails.slice(0, first ?? undefined).map(contact),
      loyaltyApprovers: () => data.approverIds.map((id) => ({ id })),
    },
    Contact: {
      __resolveReference: (ref) => contact(ref.email),
      loyaltyPoints: (c) => loyaltyPoints(c.email ?? ''),
      loyaltyTier: (c) => loyaltyTier(loyaltyPoints(c.email ?? '')),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      approvedAdjustments: (u) => approvedAdjustments(u.id),
    },
  };
}

export const ordersTypeDefs = parse(`${FEDERATION}

"An order of the web shop."
type Order @key(fields: "id") {
  "Order id."
  id: ID!
  "Number shown to the customer."
  number: String!
  "Total in cents."
  totalCents: Int!
  "Who placed the order (a gladgraph contact)."
  contact: Contact
  "The support ticket opened about the order, if any (gladgraph)."
  ticket: Ticket
  "The support conversation about the order, if any (gladgraph)."
  conversation: Conversation
}

type Contact @key(fields: "id", resolvable: false) {
  id: ID!
}

type Ticket @key(fields: "id", resolvable: false) {
  id: ID!
}

type Conversation @key(fields: "id", resolvable: false) {
  id: ID!
}

type Query {
  "Every order, oldest first."
  orders: [Order!]!
  "One order by id."
  order(id: ID!): Order
}
`);

/** data: { orders: [{ id, number, totalCents, contactId, ticketId, conversationId }] }. */
export function ordersResolvers(data) {
  const ref = (id) => (id ? { id } : null);
  const order = (o) => o && { ...o, contact: ref(o.contactId), ticket: ref(o.ticketId), conversation: ref(o.conversationId) };
  return {
    Query: {
      orders: () => data.orders.map(order),
      order: (_, { id }) => order(data.orders.find((o) => o.id === id)),
    },
    Order: {
      __resolveReference: (r) => order(data.orders.find((o) => o.id === r.id)),
    },
  };
}

/** Serves a subgraph on a free loopback port; returns its URL and a stop function. */
export async function startSubgraph(typeDefs, resolvers) {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    plugins: [ApolloServerPluginInlineTraceDisabled()], // no ftv1 traces: nothing here reports them
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, stop: () => server.stop() };
}

export function startLoyalty(data) {
  return startSubgraph(loyaltyTypeDefs, loyaltyResolvers(data));
}

export function startOrders(data) {
  return startSubgraph(ordersTypeDefs, ordersResolvers(data));
}
