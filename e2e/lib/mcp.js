// gladgraph's MCP server under test: the demo (startGladgraph) with AUTH_MODE=required, so /mcp
// refuses a caller without a token as a deployment does, and with the admin API open, through
// which a narrower key is issued. The demo's own keys (every scope, one per account) are read
// from its log (field api_key). Also the arguments that make every read tool answer from the
// demo fixture: mcptest.DemoArguments in Go, mirrored here.
import { createHash, randomBytes } from 'node:crypto';
import { startGladgraph } from './gladgraph.js';
import { fixtureId } from './demo.js';

/** The scopes of the narrower key. */
export const narrowScopes = ['contacts:read', 'tickets:read', 'directory:read'];

/**
 * Starts the demo (the binary bin, built once by the caller, or a fresh build) and issues the
 * keys; resolves to { url, base, keys: { full, narrow, other }, stop }: full and other are the
 * demo's keys of demo and demo-2, narrow a key of demo with narrowScopes.
 */
export async function startMCPDemo({ bin } = {}) {
  const adminKey = `e2e-admin-${randomBytes(24).toString('hex')}`;
  const gg = await startGladgraph({ bin, env: { AUTH_MODE: 'required', ADMIN_API_KEY: adminKey } });
  try {
    const keyOf = async (account) => (await gg.waitForLog((l) => l.account === account && l.api_key)).api_key;
    const res = await fetch(`${gg.base}/admin/accounts/demo/api-keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ scopes: narrowScopes }),
    });
    const issued = await res.json();
    if (res.status !== 201 || !issued.key?.startsWith('ggk_')) {
      throw new Error(`POST /admin/accounts/demo/api-keys answered ${res.status}: ${JSON.stringify(issued)}`);
    }
    const keys = { full: await keyOf('demo'), narrow: issued.key, other: await keyOf('demo-2') };
    return { url: `${gg.base}/mcp`, base: gg.base, keys, stop: gg.stop, describe: gg.describe };
  } catch (err) {
    await gg.stop();
    throw err;
  }
}

/** gladlytest's slug: lower-case ASCII letters and digits, anything else '-', trimmed of '-'. */
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '-').replace(/^-+|-+$/g, '');
const sha256 = (s) => createHash('sha256').update(s).digest();
const letter = (n) => String.fromCharCode(97 + n);

/** The fixture ids the read tools need, derived as the fake derives them (gladly/gladlytest). */
export const fixture = {
  contactId: fixtureId('customer/ada-lovelace'),
  contactEmail: 'ada@example.com',
  conversationId: fixtureId('conversation/ada-open'),
  openTaskId: fixtureId('task/ada-replacement'),
  phoneCallItemId: fixtureId('item/ada-phone-call'),
  noteItemId: fixtureId('item/ada-note'),
  webhookId: fixtureId('webhook/csat-survey'),
  exportJobId: fixtureId('export-job/latest-completed'),
  automationSessionId: fixtureId('automation-session/ada-chat'),
  agentId: (name) => fixtureId(`agent/${slug(name)}`),
  teamId: (name) => fixtureId(`team/${slug(name)}`),
  inboxId: (name) => fixtureId(`inbox/${slug(name)}`),
  topicId: (name) => fixtureId(`topic/${slug(name)}`),
  answerId: (name) => fixtureId(`answer/${slug(name)}`),
  customAttributeId: (key) => fixtureId(`custom-attribute/${key}`),
  /** The n-th comment (from 0) of a task. */
  commentId: (taskId, n) => sha256(`gladlytest/comment/${taskId}/${letter(n)}`).subarray(0, 16).toString('base64url'),
  /** The n-th message (from 0) of the demo automation session. */
  automationMessageId: (n) => sha256(`gladlytest/automation-message/${fixtureId('automation-session/ada-chat')}/${letter(n)}`).subarray(0, 12).toString('hex'),
};

const isoDate = (d) => d.toISOString().slice(0, 10);
const daysAgo = (now, n) => new Date(now.getTime() - n * 86_400_000);

/**
 * Arguments for every read tool (mcptest.DemoArguments): a read tool without an entry fails the
 * test that calls them all, so a new one is noticed here as in Go.
 */
export function demoArguments(now = new Date()) {
  const f = fixture;
  const ada = f.contactId;
  const conv = f.conversationId;
  return {
    get_contact_360: { id: ada },
    get_contact: { id: ada },
    find_contacts: { email: f.contactEmail },
    list_contact_tickets: { contactId: ada, status: 'OPEN' },
    get_ticket: { id: f.openTaskId },
    get_ticket_comment: { ticketId: f.openTaskId, id: f.commentId(f.openTaskId, 0) },
    list_contact_conversations: { contactId: ada },
    get_conversation: { id: conv },
    get_conversation_timeline: { id: conv },
    get_conversation_item: { id: f.phoneCallItemId },
    get_conversation_note: { conversationId: conv, id: f.noteItemId },
    list_users: {},
    get_user: { id: f.agentId('Amy Agent') },
    get_call_recording: { userId: f.agentId('Amy Agent') },
    list_groups: {},
    get_group: { id: f.teamId('Billing') },
    list_inboxes: { disabled: false },
    get_inbox: { id: f.inboxId('Chat') },
    get_organization: {},
    list_topics: {},
    get_topic: { id: f.topicId('Returns') },
    get_answer: { id: f.answerId('How to reset your password') },
    list_audiences: {},
    list_public_answers: {},
    get_public_answer: { id: f.answerId('How to reset your password') },
    search_public_answers: { query: 'password' },
    get_custom_attribute: { id: f.customAttributeId('orderId') },
    list_webhooks: {},
    get_webhook: { id: f.webhookId },
    list_events: { startAt: new Date(now.getTime() - 23 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), entities: ['CONVERSATION', 'TASK'] },
    list_export_schedules: {},
    list_export_jobs: {},
    get_export_job: { id: f.exportJobId },
    list_automation_messages: { sessionId: f.automationSessionId },
    get_automation_message: { sessionId: f.automationSessionId, id: f.automationMessageId(0) },
    create_report: { input: { metricSet: 'ContactSummaryReport', startAt: isoDate(daysAgo(now, 7)), endAt: isoDate(daysAgo(now, 1)) } },
    search_schema: { query: 'transcript' },
  };
}
