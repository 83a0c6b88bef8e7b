package schema_test

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/gladgraph/gladgraph/schema"
)

// federationDefinitions are the Apollo Federation v2 definitions gqlgen's federation plugin
// injects before it loads the schema (plugin/federation, federationVersion2Schema, gqlgen
// v0.17.98). The SDL files use them without declaring them, as gqlgen expects.
const federationDefinitions = `
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @composeDirective(name: String!) repeatable on SCHEMA
directive @extends on OBJECT | INTERFACE
directive @external on OBJECT | FIELD_DEFINITION
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @inaccessible on
  | ARGUMENT_DEFINITION
  | ENUM
  | ENUM_VALUE
  | FIELD_DEFINITION
  | INPUT_FIELD_DEFINITION
  | INPUT_OBJECT
  | INTERFACE
  | OBJECT
  | SCALAR
  | UNION
directive @interfaceObject on OBJECT
directive @link(import: [String!], url: String!) repeatable on SCHEMA
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @policy(policies: [[federation__Policy!]!]!) on
  | FIELD_DEFINITION
  | OBJECT
  | INTERFACE
  | SCALAR
  | ENUM
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @requiresScopes(scopes: [[federation__Scope!]!]!) on
  | FIELD_DEFINITION
  | OBJECT
  | INTERFACE
  | SCALAR
  | ENUM
directive @shareable repeatable on FIELD_DEFINITION | OBJECT
directive @computedRequires on FIELD_DEFINITION
directive @tag(name: String!) repeatable on
  | ARGUMENT_DEFINITION
  | ENUM
  | ENUM_VALUE
  | FIELD_DEFINITION
  | INPUT_FIELD_DEFINITION
  | INPUT_OBJECT
  | INTERFACE
  | OBJECT
  | SCALAR
  | UNION
scalar _Any
scalar FieldSet
scalar federation__Policy
scalar federation__Scope
`

const (
	federationSource = "federation/directives.graphql"
	entitySource     = "federation/entity.graphql"
)

// domainFiles are the SDL files DESIGN.md §1 names, one per domain.
var domainFiles = []string{
	"admin.graphqls",
	"conversations.graphqls",
	"directory.graphqls",
	"federation.graphqls",
	"knowledge.graphqls",
	"subscriptions.graphqls",
	"ticketing.graphqls",
}

// load reads every embedded file and loads them the way gqlgen does: federation definitions
// first, then the files, then the entity union and _service/_entities fields built from the @key
// types (gqlgen's InjectSourcesLate).
func load(t *testing.T) *ast.Schema {
	t.Helper()
	names, err := fs.Glob(schema.Files, "*.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, domainFiles) {
		t.Fatalf("embedded files = %v, want %v", names, domainFiles)
	}
	sources := []*ast.Source{{Name: federationSource, Input: federationDefinitions, BuiltIn: true}}
	for _, name := range names {
		b, err := fs.ReadFile(schema.Files, name)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: name, Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatalf("schema does not validate: %v", err)
	}
	entities := entityNames(s)
	if len(entities) == 0 {
		t.Fatal("no @key types")
	}
	late := fmt.Sprintf(`union _Entity = %s
type _Service {
  sdl: String
}
extend type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
`, strings.Join(entities, " | "))
	s, err = gqlparser.LoadSchema(append(sources, &ast.Source{Name: entitySource, Input: late, BuiltIn: true})...)
	if err != nil {
		t.Fatalf("schema with federation entities does not validate: %v", err)
	}
	return s
}

// ours reports whether a position is in one of the SDL files (not the prelude or federation).
func ours(pos *ast.Position) bool {
	return pos != nil && pos.Src != nil && slices.Contains(domainFiles, pos.Src.Name)
}

func ourTypes(s *ast.Schema) []*ast.Definition {
	var defs []*ast.Definition
	for _, d := range s.Types {
		if ours(d.Position) {
			defs = append(defs, d)
		}
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].Name < defs[j].Name })
	return defs
}

func entityNames(s *ast.Schema) []string {
	var names []string
	for _, d := range ourTypes(s) {
		if d.Directives.ForName("key") != nil {
			names = append(names, d.Name)
		}
	}
	return names
}

func TestSchemaValidates(t *testing.T) {
	t.Parallel()
	s := load(t)
	for _, reserved := range []string{"Entity", "_Entity", "_Service", "_Any", "FieldSet"} {
		if d := s.Types[reserved]; d != nil && ours(d.Position) {
			t.Errorf("type %s is reserved by gqlgen's federation plugin", reserved)
		}
	}
}

func TestEverythingIsDescribed(t *testing.T) {
	t.Parallel()
	s := load(t)
	for _, d := range ourTypes(s) {
		if strings.TrimSpace(d.Description) == "" {
			t.Errorf("%s %s has no description", strings.ToLower(string(d.Kind)), d.Name)
		}
		for _, f := range d.Fields {
			if !ours(f.Position) {
				continue // __schema, __type, _entities, _service
			}
			if strings.TrimSpace(f.Description) == "" {
				t.Errorf("field %s.%s has no description", d.Name, f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					t.Errorf("argument %s.%s(%s) has no description", d.Name, f.Name, a.Name)
				}
			}
		}
		for _, v := range d.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				t.Errorf("enum value %s.%s has no description", d.Name, v.Name)
			}
		}
	}
}

// fixedTypes are the type names DESIGN.md §2–§3 and the schema brief fix, with their kinds.
var fixedTypes = map[string]ast.DefinitionKind{
	"Query": ast.Object, "Mutation": ast.Object,
	"DateTime": ast.Scalar, "JSON": ast.Scalar,
	"PageInfo": ast.Object, "UserError": ast.Object, "UserErrorCode": ast.Enum,
	"Actor": ast.Object, "ActorType": ast.Enum,
	"Ticket": ast.Object, "Comment": ast.Object, "Contact": ast.Object, "User": ast.Object,
	"Group": ast.Object, "Conversation": ast.Object, "ConversationItem": ast.Object,
	"UnknownContent": ast.Object, "Topic": ast.Object, "Answer": ast.Object, "Inbox": ast.Object,
	"Organization": ast.Object, "Audience": ast.Object, "PublicAnswer": ast.Object,
	"Webhook": ast.Object, "Event": ast.Object, "ExportSchedule": ast.Object,
	"ExportJob": ast.Object, "CustomAttribute": ast.Object, "AutomationMessage": ast.Object,
	"CallRecording": ast.Object, "VoiceTranscript": ast.Object, "Report": ast.Object,
	"CreateTicketInput": ast.InputObject, "UpdateConversationInput": ast.InputObject,
	"CreateContactInput": ast.InputObject,
}

// fixedFields are the fields (and arguments, and types where fixed) DESIGN.md §2–§3 and the
// schema brief name. An entry is `name`, `name(arg, …)` or either followed by `: Type`.
var fixedFields = map[string][]string{
	"Query": {
		"users", "user(id): User", "groups", "group(id): Group",
		"inboxes", "inbox(id): Inbox", "organization: Organization",
		"contacts(email, phone, externalCustomerId, first, after, last, before)",
		"contact(id): Contact", "tickets(contactId, status)", "ticket(id): Ticket",
		"comment(ticketId, id): Comment",
		"conversation(id): Conversation", "conversations(contactId)",
		"conversationItem(id): ConversationItem", "conversationNote(conversationId, id)",
		"topics", "topic(id): Topic", "answer(id): Answer", "audiences",
		"publicAnswers", "publicAnswer", "searchPublicAnswers", "customAttribute(id): CustomAttribute",
		"webhooks", "webhook(id): Webhook", "events(startAt, endAt, entities)",
		"exportSchedules", "exportJobs", "exportJob(id): ExportJob",
		"automationMessages(sessionId)", "automationMessage(sessionId, id): AutomationMessage",
	},
	"Mutation": {
		"createContact(input)", "updateContact(id, input)", "deleteContact(id)",
		"createTicket(input)", "updateTicket(id, input)", "createComment(input)",
		"setCallRecording",
		"updateConversation(id, input)", "addConversationTopics", "removeConversationTopic",
		"addConversationNote", "sendSms",
		"createTopic(input)", "updateTopic(id, input)",
		"createAnswer(input)", "updateAnswer(id, input)", "deleteAnswer(id)",
		"setAnswerContent", "deleteAnswerContent",
		"createWebhook(input)", "updateWebhook(id, input)", "deleteWebhook(id)",
		"deleteExportJob(id)", "createReport(input)", "createUserIdentityToken(input)",
	},
	"PageInfo":  {"hasNextPage: Boolean!", "hasPreviousPage: Boolean!", "startCursor: String", "endCursor: String"},
	"UserError": {"field: [String!]", "code: UserErrorCode!", "message: String!"},
	"Actor":     {"id", "type: ActorType!", "user: User", "contact: Contact"},
	"Ticket": {
		"id: ID!", "name: String!", "description: String!", "status: TicketStatus!", "dueAt",
		"createdAt: DateTime!", "contact: Contact", "assignee", "assignees", "creator: Actor",
		"comments(first, after, last, before)", "remoteData: JSON!",
	},
	"Comment": {"id: ID!", "body: String!", "author: User", "ticket: Ticket", "createdAt: DateTime!", "remoteData: JSON!"},
	"Contact": {
		"id: ID!", "name", "email", "emails", "phones", "address", "image", "externalCustomerId",
		"externalCustomerIds", "customAttributes", "createdAt", "updatedAt", "tickets(status)",
		"conversations", "remoteData: JSON!",
	},
	"User":  {"id: ID!", "name", "email: String!", "groups", "callRecording: CallRecording", "remoteData: JSON!"},
	"Group": {"id: ID!", "name", "description", "members", "remoteData: JSON!"},
	"Conversation": {
		"id: ID!", "status: ConversationStatus!", "contact: Contact", "assignee", "inbox: Inbox",
		"topics", "customAttributes", "createdAt: DateTime!", "closedAt: DateTime", "items(sessionId)",
	},
	"ConversationItem": {
		"id: ID!", "contact: Contact", "conversation: Conversation", "sessionId", "timestamp: DateTime!",
		"initiator: Actor", "responder: Actor", "content", "transcript: VoiceTranscript", "media",
	},
	"UnknownContent":          {"type: String!", "raw: JSON!"},
	"Topic":                   {"id: ID!", "name", "disabled", "parent: Topic", "children"},
	"Answer":                  {"id: ID!", "name", "description", "audiences", "createdAt", "updatedAt", "content(language, type)"},
	"Report":                  {"columns", "rows", "csv"},
	"CreateTicketInput":       {"id", "contactId: ID!", "description: String!", "dueAt: DateTime!", "inboxId: ID!", "assigneeUserId"},
	"UpdateConversationInput": {"assignee", "status"},
	"CreateContactInput": {
		"id", "name", "emails", "phones", "address", "image", "externalCustomerId", "customAttributes",
	},
}

// fixedNested are fields fixed on types reached through a field, as `Type.field` → entries.
var fixedNested = map[string][]string{
	"Ticket.assignee":                  {"inbox: Inbox", "user: User"},
	"Conversation.assignee":            {"inbox: Inbox", "user: User"},
	"ConversationItem.media":           {"url", "contentType", "durationSeconds"},
	"UpdateConversationInput.assignee": {"inboxId: ID!", "userId: ID"},
	"UpdateConversationInput.status":   {"value", "force"},
	"CreateContactInput.emails":        {"address", "primary"},
	"CreateContactInput.phones":        {"number", "type", "extension", "regionCode", "primary", "smsPreference"},
}

// fixedEnums are enum values fixed by DESIGN.md and the brief, keyed by `Type.field` (the enum is
// that field's type) or by enum name.
var fixedEnums = map[string][]string{
	"Ticket.status":                        {"OPEN", "CLOSED"},
	"Conversation.status":                  {"OPEN", "WAITING", "CLOSED"},
	"UpdateConversationInput.status.value": {"OPEN", "CLOSED"},
	"ActorType":                            {"AGENT", "API", "AUTOMATION", "CUSTOMER", "INTERNAL", "EXTERNAL", "SYSTEM"},
	"UserErrorCode": {
		"BLANK", "INVALID", "TAKEN", "TOO_LONG", "WRONG_LENGTH", "NOT_A_NUMBER", "PRESENT",
		"INVALID_STATE", "IN_USE", "NOT_FOUND", "MOVED", "TEMPORARY_FAILURE", "VERSION_OUTDATED",
	},
}

// fixedKeys are the federation keys DESIGN.md §2 fixes.
var fixedKeys = map[string][]string{
	"Ticket": {"id"}, "Contact": {"id", "email"}, "User": {"id", "email"}, "Group": {"id"},
	"Conversation": {"id"}, "ConversationItem": {"id"}, "Topic": {"id"}, "Answer": {"id"},
	"Inbox": {"id"},
}

// parseFieldSpec splits `name(a, b): Type` into its parts.
func parseFieldSpec(spec string) (name string, args []string, typ string) {
	spec, typ, _ = strings.Cut(spec, ": ")
	name, rest, hasArgs := strings.Cut(spec, "(")
	if hasArgs {
		for a := range strings.SplitSeq(strings.TrimSuffix(rest, ")"), ",") {
			args = append(args, strings.TrimSpace(a))
		}
	}
	return name, args, typ
}

func checkFields(t *testing.T, s *ast.Schema, typeName string, specs []string) {
	t.Helper()
	d := s.Types[typeName]
	if d == nil {
		t.Errorf("type %s is missing", typeName)
		return
	}
	for _, spec := range specs {
		name, args, typ := parseFieldSpec(spec)
		f := d.Fields.ForName(name)
		if f == nil {
			t.Errorf("field %s.%s is missing", typeName, name)
			continue
		}
		for _, a := range args {
			if f.Arguments.ForName(a) == nil {
				t.Errorf("argument %s.%s(%s) is missing", typeName, name, a)
			}
		}
		if typ != "" && f.Type.String() != typ {
			t.Errorf("field %s.%s has type %s, want %s", typeName, name, f.Type, typ)
		}
	}
}

// resolvePath follows `Type.field.field…` to the named type at its end.
func resolvePath(s *ast.Schema, path string) (*ast.Definition, error) {
	parts := strings.Split(path, ".")
	d := s.Types[parts[0]]
	if d == nil {
		return nil, fmt.Errorf("type %s is missing", parts[0])
	}
	for _, p := range parts[1:] {
		f := d.Fields.ForName(p)
		if f == nil {
			return nil, fmt.Errorf("field %s.%s is missing", d.Name, p)
		}
		d = s.Types[f.Type.Name()]
	}
	return d, nil
}

func TestFixedNames(t *testing.T) {
	t.Parallel()
	s := load(t)
	for name, kind := range fixedTypes {
		d := s.Types[name]
		switch {
		case d == nil:
			t.Errorf("type %s is missing", name)
		case d.Kind != kind:
			t.Errorf("type %s is a %s, want %s", name, d.Kind, kind)
		}
	}
	for typeName, specs := range fixedFields {
		checkFields(t, s, typeName, specs)
	}
	for path, specs := range fixedNested {
		d, err := resolvePath(s, path)
		if err != nil {
			t.Error(err)
			continue
		}
		checkFields(t, s, d.Name, specs)
	}
	for path, values := range fixedEnums {
		d, err := resolvePath(s, path)
		if err != nil {
			t.Error(err)
			continue
		}
		if d.Kind != ast.Enum {
			t.Errorf("%s is a %s, want an enum", path, d.Kind)
			continue
		}
		var got []string
		for _, v := range d.EnumValues {
			got = append(got, v.Name)
		}
		if !slices.Equal(got, values) {
			t.Errorf("%s values = %v, want %v", path, got, values)
		}
	}
	for typeName, want := range fixedKeys {
		d := s.Types[typeName]
		if d == nil {
			continue // reported above
		}
		var got []string
		for _, k := range d.Directives.ForNames("key") {
			got = append(got, k.Arguments.ForName("fields").Value.Raw)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s keys = %v, want %v", typeName, got, want)
		}
	}

	content := s.Types[s.Types["ConversationItem"].Fields.ForName("content").Type.Name()]
	if content.Kind != ast.Union || !slices.Contains(content.Types, "UnknownContent") {
		t.Errorf("ConversationItem.content is %s %s, want a union including UnknownContent", content.Kind, content.Name)
	}
}

// TestItemContentCoversEveryGladlyType checks the content union has a member per item type of
// GLADLY_API.md §9 (the custom-channel message has no documented type string).
func TestItemContentCoversEveryGladlyType(t *testing.T) {
	t.Parallel()
	s := load(t)
	union := s.Types["ConversationItemContent"]
	if union == nil || union.Kind != ast.Union {
		t.Fatal("union ConversationItemContent is missing")
	}
	for gladlyType, member := range map[string]string{
		"CHAT_MESSAGE":               "ChatMessageContent",
		"CONVERSATION_STATUS_CHANGE": "ConversationStatusChangeContent",
		"CUSTOMER_ACTIVITY":          "CustomerActivityContent",
		"EMAIL":                      "EmailContent",
		"FACEBOOK_MESSAGE":           "FacebookMessageContent",
		"CONVERSATION_NOTE":          "NoteContent",
		"PHONE_CALL":                 "PhoneCallContent",
		"SMS":                        "SmsContent",
		"TOPIC_CHANGE":               "TopicChangeContent",
		"VOICE_AI_MESSAGE":           "VoiceAiMessageContent",
		"VOICEMAIL":                  "VoicemailContent",
		"WHATSAPP":                   "WhatsAppContent",
		"INSTAGRAM_DIRECT":           "InstagramDirectContent",
		"TWITTER":                    "TwitterContent",
		"TASK":                       "TaskContent",
		"custom channel message":     "CustomChannelMessageContent",
		"anything else":              "UnknownContent",
	} {
		if !slices.Contains(union.Types, member) {
			t.Errorf("Gladly item type %s: %s is not in ConversationItemContent", gladlyType, member)
		}
	}
	chat := s.Types["ChatMessageContent"]
	var kinds []string
	for _, v := range s.Types[chat.Fields.ForName("messageType").Type.Name()].EnumValues {
		kinds = append(kinds, v.Name)
	}
	if want := []string{"TEXT", "QUICK_REPLY_REQUEST", "QUICK_REPLY_RESPONSE"}; !slices.Equal(kinds, want) {
		t.Errorf("chat message types = %v, want %v", kinds, want)
	}
}

// entityTypes are the types whose lists must be connections: federation entities and every type
// a Query field returns, alone or as the node of a connection. Other object types are values
// (emails, attachments, paragraphs…) and may come as plain lists.
func entityTypes(s *ast.Schema) map[string]bool {
	entities := map[string]bool{}
	for _, name := range entityNames(s) {
		entities[name] = true
	}
	for _, f := range s.Query.Fields {
		if !ours(f.Position) {
			continue
		}
		name := f.Type.Name()
		if node, ok := strings.CutSuffix(name, "Connection"); ok {
			name = node
		}
		if d := s.Types[name]; d != nil && d.Kind == ast.Object {
			entities[name] = true
		}
	}
	return entities
}

func isList(t *ast.Type) bool { return t.Elem != nil }

// checkConnection verifies a connection type and its edge follow DESIGN.md §2.
func checkConnection(t *testing.T, s *ast.Schema, name string) {
	t.Helper()
	node, _ := strings.CutSuffix(name, "Connection")
	if s.Types[node] == nil {
		t.Errorf("connection %s: node type %s is missing", name, node)
		return
	}
	checkExactFields(t, s, name, map[string]string{
		"edges":      "[" + node + "Edge!]!",
		"nodes":      "[" + node + "!]!",
		"pageInfo":   "PageInfo!",
		"totalCount": "Int!",
		"truncated":  "Boolean!",
	})
	checkExactFields(t, s, node+"Edge", map[string]string{"cursor": "String!", "node": node + "!"})
}

func checkExactFields(t *testing.T, s *ast.Schema, typeName string, want map[string]string) {
	t.Helper()
	d := s.Types[typeName]
	if d == nil || d.Kind != ast.Object {
		t.Errorf("object type %s is missing", typeName)
		return
	}
	got := map[string]string{}
	for _, f := range d.Fields {
		got[f.Name] = f.Type.String()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s fields = %v, want %v", typeName, got, want)
	}
}

var connectionArgs = []string{"first: Int", "after: String", "last: Int", "before: String"}

func TestListsAreConnections(t *testing.T) {
	t.Parallel()
	s := load(t)
	entities := entityTypes(s)
	for _, d := range ourTypes(s) {
		switch {
		case strings.HasSuffix(d.Name, "Connection"):
			checkConnection(t, s, d.Name)
			continue
		case strings.HasSuffix(d.Name, "Edge"), d.Kind != ast.Object:
			continue
		}
		for _, f := range d.Fields {
			if !ours(f.Position) {
				continue
			}
			if isList(f.Type) && entities[f.Type.Name()] {
				t.Errorf("%s.%s is a list of %s; lists of entities must be connections", d.Name, f.Name, f.Type.Name())
			}
			if !strings.HasSuffix(f.Type.Name(), "Connection") {
				continue
			}
			if isList(f.Type) {
				t.Errorf("%s.%s is a list of connections", d.Name, f.Name)
			}
			for _, want := range connectionArgs {
				name, typ, _ := strings.Cut(want, ": ")
				a := f.Arguments.ForName(name)
				if a == nil || a.Type.String() != typ {
					t.Errorf("connection field %s.%s lacks argument %s", d.Name, f.Name, want)
				}
			}
		}
	}
}

// TestRootFieldsAreNullable: a failed or missing object nulls its own root field only, so the
// other fields of the response still resolve (DESIGN.md §2, partial data).
func TestRootFieldsAreNullable(t *testing.T) {
	t.Parallel()
	s := load(t)
	for _, root := range []*ast.Definition{s.Query, s.Mutation} {
		for _, f := range root.Fields {
			if ours(f.Position) && f.Type.NonNull {
				t.Errorf("%s.%s returns %s; root fields must be nullable", root.Name, f.Name, f.Type)
			}
		}
	}
}

func lowerFirst(s string) string { return strings.ToLower(s[:1]) + s[1:] }

func TestMutationConventions(t *testing.T) {
	t.Parallel()
	s := load(t)
	for _, m := range s.Mutation.Fields {
		if !ours(m.Position) {
			continue
		}
		payload := s.Types[m.Type.Name()]
		if payload == nil || payload.Kind != ast.Object || !strings.HasSuffix(payload.Name, "Payload") {
			t.Errorf("mutation %s returns %s, want an XPayload object", m.Name, m.Type)
			continue
		}
		if f := payload.Fields.ForName("userErrors"); f == nil || f.Type.String() != "[UserError!]!" {
			t.Errorf("%s (from %s) lacks userErrors: [UserError!]!", payload.Name, m.Name)
		}

		var args []string
		for _, a := range m.Arguments {
			args = append(args, a.Name+": "+a.Type.String())
		}
		switch verb, object := splitVerb(m.Name); verb {
		case "create":
			if want := []string{"input: Create" + object + "Input!"}; !slices.Equal(args, want) {
				t.Errorf("%s arguments = %v, want %v", m.Name, args, want)
			}
			checkPayloadObject(t, s, m.Name, payload, object)
		case "update":
			if want := []string{"id: ID!", "input: Update" + object + "Input!"}; !slices.Equal(args, want) {
				t.Errorf("%s arguments = %v, want %v", m.Name, args, want)
			}
			input := s.Types["Update"+object+"Input"]
			if input == nil {
				continue
			}
			for _, f := range input.Fields {
				if f.Type.NonNull {
					t.Errorf("Update%sInput.%s is required; update input fields are optional", object, f.Name)
				}
			}
			checkPayloadObject(t, s, m.Name, payload, object)
		case "delete":
			if m.Name == "deleteAnswerContent" {
				continue // answer content has no id: it is named by answer, language and type
			}
			if want := []string{"id: ID!"}; !slices.Equal(args, want) {
				t.Errorf("%s arguments = %v, want %v", m.Name, args, want)
			}
			if f := payload.Fields.ForName("deletedId"); f == nil || f.Type.String() != "ID" {
				t.Errorf("%s (from %s) lacks deletedId: ID", payload.Name, m.Name)
			}
		}
	}
}

// splitVerb splits `createTicket` into `create` and `Ticket`.
func splitVerb(name string) (verb, object string) {
	for _, v := range []string{"create", "update", "delete"} {
		if o, ok := strings.CutPrefix(name, v); ok {
			return v, o
		}
	}
	return "", name
}

// checkPayloadObject verifies XPayload carries x: X.
func checkPayloadObject(t *testing.T, s *ast.Schema, mutation string, payload *ast.Definition, object string) {
	t.Helper()
	if s.Types[object] == nil {
		return // e.g. createUserIdentityToken: a token is a string, not an object
	}
	if f := payload.Fields.ForName(lowerFirst(object)); f == nil || f.Type.String() != object {
		t.Errorf("%s (from %s) lacks %s: %s", payload.Name, mutation, lowerFirst(object), object)
	}
}

func TestFederation(t *testing.T) {
	t.Parallel()
	s := load(t)
	link := s.SchemaDirectives.ForName("link")
	if link == nil {
		t.Fatal("no @link on the schema")
	}
	if url := link.Arguments.ForName("url").Value.Raw; url != "https://specs.apollo.dev/federation/v2.7" {
		t.Errorf("@link url = %s, want federation v2.7", url)
	}
	var imported []string
	for _, c := range link.Arguments.ForName("import").Value.Children {
		imported = append(imported, c.Value.Raw)
	}

	used := map[string]bool{}
	note := func(dirs ast.DirectiveList) {
		for _, d := range dirs {
			if def := s.Directives[d.Name]; def != nil && def.Position != nil && def.Position.Src.Name == federationSource {
				used["@"+d.Name] = true
			}
		}
	}
	for _, d := range ourTypes(s) {
		note(d.Directives)
		for _, f := range d.Fields {
			note(f.Directives)
			for _, a := range f.Arguments {
				note(a.Directives)
			}
		}
		for _, v := range d.EnumValues {
			note(v.Directives)
		}
	}
	for dir := range used {
		if !slices.Contains(imported, dir) {
			t.Errorf("%s is used but not imported by @link", dir)
		}
	}

	for _, d := range ourTypes(s) {
		for _, k := range d.Directives.ForNames("key") {
			for field := range strings.FieldsSeq(k.Arguments.ForName("fields").Value.Raw) {
				if f := d.Fields.ForName(field); f == nil || isList(f.Type) {
					t.Errorf("%s @key field %q is not a scalar field of the type", d.Name, field)
				}
			}
		}
	}
	if s.Types["PageInfo"].Directives.ForName("shareable") == nil {
		t.Error("PageInfo is not @shareable")
	}
}
