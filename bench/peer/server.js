// The Node peer of gladgraph's bench: the subgraph a competent Node team would write for the
// bench's queries (bench/queries.go) — Apollo Server 5 + @apollo/subgraph, Gladly behind a
// RESTDataSource whose HTTP cache lives in Redis (the documented Keyv adapter), and per-request
// DataLoaders — answering exactly what gladgraph answers, so that the bench compares like with like.
//
// Started by `go run ./bench -modes peer` with:
//   GLADLY_URL, GLADLY_USERNAME, GLADLY_API_TOKEN  the bench's fake Gladly
//   REDIS_URL, REDIS_PREFIX                        the bench's Redis and a key namespace of the run's own
//   CACHE_TTL_SECONDS                              how long Gladly's answers are kept (the bench: the whole run)
//   GLADLY_RATE_LIMIT                              Gladly's requests per second (0: no limit), as gladgraph's limiter
// It prints "listening <url>" once it serves. The X-Bench-Scope header names the cache scope of an
// operation (cold: a fresh one each time), as it does for gladgraph.
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { RESTDataSource } from '@apollo/datasource-rest';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import KeyvRedis from '@keyv/redis';
import DataLoader from 'dataloader';
import { Keyv } from 'keyv';
import { parse } from 'graphql';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const typeDefs = parse(`#graphql
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  scalar DateTime

  type Query {
    contact(id: ID!): Contact
    conversation(id: ID!): Conversation
    users: UserConnection!
  }

  type Contact @key(fields: "id") {
    id: ID!
    name: String
    email: String
    conversations: ConversationConnection
    tickets: TicketConnection
  }

  type Conversation @key(fields: "id") {
    id: ID!
    status: String!
    createdAt: DateTime!
    assignee: Assignee
    inbox: Inbox
    topics: TopicConnection!
    items: ConversationItemConnection
  }
  type ConversationConnection { totalCount: Int! nodes: [Conversation!]! }

  type Ticket @key(fields: "id") {
    id: ID!
    name: String!
    status: String!
    dueAt: DateTime
    assignee: Assignee
    assignees: UserConnection!
    comments: CommentConnection
  }
  type TicketConnection { totalCount: Int! nodes: [Ticket!]! }

  type Comment { id: ID! body: String! createdAt: DateTime author: User }
  type CommentConnection { totalCount: Int! nodes: [Comment!]! }

  type Assignee { user: User inbox: Inbox }

  type User @key(fields: "id") { id: ID! name: String email: String groups: GroupConnection! }
  type UserConnection { totalCount: Int! nodes: [User!]! }
  type Group @key(fields: "id") { id: ID! name: String members: UserConnection! }
  type GroupConnection { totalCount: Int! nodes: [Group!]! }
  type Inbox @key(fields: "id") { id: ID! name: String }
  type Topic @key(fields: "id") { id: ID! name: String! }
  type TopicConnection { totalCount: Int! nodes: [Topic!]! }

  type ConversationItem @key(fields: "id") {
    id: ID!
    timestamp: DateTime!
    initiator: Actor
    responder: Actor
    content: ConversationItemContent!
  }
  type ConversationItemConnection { totalCount: Int! nodes: [ConversationItem!]! }
  type Actor { type: String! user: User contact: Contact }

  union ConversationItemContent = ChatMessageContent | ConversationStatusChangeContent | CustomerActivityContent
    | EmailContent | FacebookMessageContent | NoteContent | PhoneCallContent | VoicemailContent | SmsContent
    | TwitterContent | WhatsAppContent | InstagramDirectContent | VoiceAiMessageContent | CustomChannelMessageContent
    | TopicChangeContent | TaskContent | UnknownContent
  type ChatMessageContent { type: String }
  type ConversationStatusChangeContent { type: String }
  type CustomerActivityContent { type: String }
  type EmailContent { type: String }
  type FacebookMessageContent { type: String }
  type NoteContent { type: String }
  type PhoneCallContent { type: String }
  type VoicemailContent { type: String }
  type SmsContent { type: String }
  type TwitterContent { type: String }
  type WhatsAppContent { type: String }
  type InstagramDirectContent { type: String }
  type VoiceAiMessageContent { type: String }
  type CustomChannelMessageContent { type: String }
  type TopicChangeContent { type: String }
  type TaskContent { type: String }
  type UnknownContent { type: String }
`);

// Gladly's content types and the GraphQL types gladgraph maps them to.
const contentTypes = {
  CHAT_MESSAGE: 'ChatMessageContent', CONVERSATION_STATUS_CHANGE: 'ConversationStatusChangeContent',
  CUSTOMER_ACTIVITY: 'CustomerActivityContent', EMAIL: 'EmailContent', FACEBOOK_MESSAGE: 'FacebookMessageContent',
  CONVERSATION_NOTE: 'NoteContent', PHONE_CALL: 'PhoneCallContent', VOICEMAIL: 'VoicemailContent', SMS: 'SmsContent',
  TWITTER: 'TwitterContent', WHATSAPP: 'WhatsAppContent', INSTAGRAM_DIRECT: 'InstagramDirectContent',
  VOICE_AI_MESSAGE: 'VoiceAiMessageContent', CUSTOM_CHANNEL_MESSAGE: 'CustomChannelMessageContent',
  TOPIC_CHANGE: 'TopicChangeContent', TASK: 'TaskContent',
};
const actorTypes = new Set(['AGENT', 'API', 'AUTOMATION', 'CUSTOMER', 'INTERNAL', 'EXTERNAL', 'SYSTEM']);

// DateTime as Go's RFC 3339 with the fraction's trailing zeros dropped (what gladgraph writes).
const dateTime = (s) => (s ? s.replace(/\.(\d*?)0+(?=Z|[+-]\d\d:\d\d$)/, (_, d) => (d ? '.' + d : '')) : null);
const connection = (nodes) => ({ totalCount: nodes.length, nodes });

// FirstLine: the plain-text first line of a task's rich body.
const firstLine = (html) => {
  const s = (html || '')
    .replace(/<\s*(br|\/?p|\/?div|\/?h[1-6]|\/?li|\/?tr|hr)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  for (const line of s.split('\n')) {
    const t = decode(line).split(/\s+/).filter(Boolean).join(' ');
    if (t) return t;
  }
  return '';
};
const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (m, e) =>
  ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: '\u00a0' })[e]);

// Gladly allows GLADLY_RATE_LIMIT requests per second (0: no limit): requests wait for room in a
// sliding one-second window, and a 429 all the same waits what Retry-After says (else a second) and
// tries again, as a client of a rate-limited API must.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rate = Number(process.env.GLADLY_RATE_LIMIT || 0);
const sent = []; // send times within the last second, oldest first
let queue = Promise.resolve();
function room() {
  if (rate <= 0) return Promise.resolve();
  const turn = queue.then(async () => {
    for (;;) {
      const now = Date.now();
      while (sent.length && sent[0] <= now - 1000) sent.shift();
      if (sent.length < rate) { sent.push(now); return; }
      await sleep(sent[0] + 1000 - now + 1);
    }
  });
  queue = turn;
  return turn;
}
async function fetchRetrying(url, init) {
  for (let attempt = 0; ; attempt++) {
    await room();
    const res = await fetch(url, init);
    if (res.status !== 429 || attempt >= 30) return res;
    await res.arrayBuffer();
    const after = Number(res.headers.get('retry-after'));
    await sleep((after > 0 ? after * 1000 : 1000) * (0.5 + Math.random() / 2));
  }
}

class Gladly extends RESTDataSource {
  constructor(options, scope) {
    super(options);
    this.baseURL = env('GLADLY_URL').replace(/\/?$/, '/');
    this.auth = 'Basic ' + Buffer.from(`${env('GLADLY_USERNAME')}:${env('GLADLY_API_TOKEN')}`).toString('base64');
    this.scope = scope;
  }
  willSendRequest(_path, request) {
    request.headers.authorization = this.auth;
  }
  cacheKeyFor(url) {
    return `${this.scope}|${url}`;
  }
  cacheOptionsFor() {
    return { ttl: ttl };
  }
  // A 404 is null, as in gladgraph.
  async getOrNull(path) {
    try {
      return await this.get(path);
    } catch (err) {
      if (err.extensions?.response?.status === 404) return null;
      throw err;
    }
  }
  customer(id) { return this.getOrNull(`api/v1/customer-profiles/${encodeURIComponent(id)}`); }
  conversation(id) { return this.getOrNull(`api/v1/conversations/${encodeURIComponent(id)}`); }
  conversations(customerId) { return this.getOrNull(`api/v1/customers/${encodeURIComponent(customerId)}/conversations`); }
  tasks(customerId) { return this.getOrNull(`api/v1/customers/${encodeURIComponent(customerId)}/tasks`); }
  comments(taskId) { return this.getOrNull(`api/v1/tasks/${encodeURIComponent(taskId)}/comments`); }
  items(conversationId) { return this.getOrNull(`api/v1/conversations/${encodeURIComponent(conversationId)}/items`); }
  agents() { return this.get('api/v1/agents'); }
  teams() { return this.get('api/v1/teams'); }
  inboxes() { return this.get('api/v1/inboxes'); }
  topics() { return this.get('api/v1/topics'); }
}

// The loaders of one request: by-id reads batched per tick; organization-wide lists read once.
function loaders(gladly) {
  const once = (f) => { let p; return () => (p ??= f()); };
  const agents = once(async () => new Map((await gladly.agents()).map((a) => [a.id, a])));
  const inboxes = once(async () => new Map((await gladly.inboxes()).map((i) => [i.id, i])));
  const topics = once(async () => new Map((await gladly.topics()).map((t) => [t.id, t])));
  const teams = once(() => gladly.teams());
  return {
    customers: new DataLoader((ids) => Promise.all(ids.map((id) => gladly.customer(id)))),
    conversations: new DataLoader((ids) => Promise.all(ids.map((id) => gladly.conversation(id)))),
    comments: new DataLoader((ids) => Promise.all(ids.map((id) => gladly.comments(id)))),
    users: new DataLoader(async (ids) => { const m = await agents(); return ids.map((id) => m.get(id) ?? null); }),
    inboxes: new DataLoader(async (ids) => { const m = await inboxes(); return ids.map((id) => m.get(id) ?? null); }),
    agents, topics, teams,
  };
}

const user = (a) => a && { __typename: 'User', ...a };
const resolvers = {
  DateTime: { serialize: (v) => v, parseValue: (v) => v },
  Query: {
    contact: (_, { id }, { l }) => l.customers.load(id),
    conversation: (_, { id }, { l }) => l.conversations.load(id),
    users: async (_, __, { l }) => connection([...(await l.agents()).values()]),
  },
  Contact: {
    __resolveReference: ({ id }, { l }) => l.customers.load(id),
    email: (c) => {
      const emails = c.emails || [];
      return (emails.find((e) => e.primary) ?? emails[0])?.original ?? null;
    },
    conversations: async (c, _, { gladly, l }) => {
      const list = await gladly.conversations(c.id);
      if (!list) return null;
      list.forEach((x) => l.conversations.prime(x.id, x));
      return connection(list);
    },
    tickets: async (c, _, { gladly }) => {
      const list = await gladly.tasks(c.id);
      return list && connection(list);
    },
  },
  Conversation: {
    __resolveReference: ({ id }, { l }) => l.conversations.load(id),
    createdAt: (c) => dateTime(c.createdAt),
    assignee: (c) => ({ inboxId: c.inboxId, agentId: c.agentId }),
    inbox: (c, _, { l }) => (c.inboxId ? l.inboxes.load(c.inboxId) : null),
    topics: async (c, _, { l }) => {
      const ids = c.topicIds || [];
      if (!ids.length) return connection([]);
      const all = await l.topics();
      return connection(ids.map((id) => all.get(id)).filter(Boolean));
    },
    items: async (c, _, { gladly }) => {
      const list = await gladly.items(c.id);
      return list && connection(list);
    },
  },
  Ticket: {
    name: (t) => firstLine(t.body),
    dueAt: (t) => dateTime(t.dueAt),
    assignee: (t) => t.assignee ?? null,
    assignees: async (t, _, { l }) => {
      const id = t.assignee?.agentId;
      const u = id ? await l.users.load(id) : null;
      return connection(u ? [u] : []);
    },
    comments: async (t, _, { l }) => {
      const list = await l.comments.load(t.id);
      return list && connection(list);
    },
  },
  Comment: {
    body: (c) => c.comment ?? '',
    createdAt: (c) => dateTime(c.createdAt),
    author: (c, _, { l }) => (c.agentId ? l.users.load(c.agentId) : null),
  },
  Assignee: {
    user: (a, _, { l }) => (a.agentId ? l.users.load(a.agentId) : null),
    inbox: (a, _, { l }) => (a.inboxId ? l.inboxes.load(a.inboxId) : null),
  },
  User: {
    __resolveReference: ({ id }, { l }) => l.users.load(id).then(user),
    email: (a) => a.emailAddress ?? null,
    groups: async (a, _, { l }) => connection((await l.teams()).filter((t) => (t.agentIds || []).includes(a.id))),
  },
  Group: {
    members: async (t, _, { l }) => connection((await l.users.loadMany(t.agentIds || [])).filter((u) => u && !(u instanceof Error))),
  },
  ConversationItem: {
    timestamp: (it) => dateTime(it.timestamp),
    content: (it) => ({ ...it.content }),
  },
  ConversationItemContent: {
    __resolveType: (c) => contentTypes[c.type] ?? 'UnknownContent',
  },
  Actor: {
    type: (a) => (actorTypes.has(a.type) ? a.type : 'SYSTEM'),
    user: (a, _, { l }) => ((a.type === 'AGENT' || a.type === 'API') && a.id ? l.users.load(a.id) : null),
    contact: (a, _, { l }) => (a.type === 'CUSTOMER' && a.id ? l.customers.load(a.id) : null),
  },
};

const ttl = Number(process.env.CACHE_TTL_SECONDS || 3600);
const cache = new KeyvAdapter(new Keyv({ store: new KeyvRedis(env('REDIS_URL')), namespace: env('REDIS_PREFIX') }));
const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }), introspection: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(process.env.PORT || 0) },
  context: async ({ req }) => {
    const gladly = new Gladly({ cache, fetch: fetchRetrying }, req.headers['x-bench-scope'] || 'warm');
    return { gladly, l: loaders(gladly) };
  },
});
console.log(`listening ${url}`);
