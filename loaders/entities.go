package loaders

import (
	"context"
	"strings"

	"github.com/vikstrous/dataloadgen"

	"github.com/gladgraph/gladgraph/gladly"
)

// Kinds of cached data beyond the objects of refs.go: lookups and organization-wide lists.
const (
	KindEmailLookup    Kind = "lookup_email"    // findCustomers?email=
	KindPhoneLookup    Kind = "lookup_phone"    // findCustomers?phoneNumber=
	KindExternalLookup Kind = "lookup_external" // findCustomers?externalCustomerId=
	KindTranscript     Kind = "transcript"
	KindAnswerContent  Kind = "answer_content"
	KindCustomAttr     Kind = "custom_attribute"

	kindAgents        Kind = "agents"
	kindTeams         Kind = "teams"
	kindInboxes       Kind = "inboxes"
	kindTopics        Kind = "topics"
	kindAudiences     Kind = "audiences"
	kindWebhooks      Kind = "webhooks"
	kindOrganization  Kind = "organization"
	kindPublicAnswers Kind = "public_answers"
)

// tags are the cache tags a ref invalidates: its own, and the organization-wide list that holds
// objects of its kind.
func (r Ref) tags() []string {
	t := []string{r.tag()}
	switch r.Kind {
	case KindAgent:
		t = append(t, key(kindAgents))
	case KindTeam:
		t = append(t, key(kindTeams))
	case KindInbox:
		t = append(t, key(kindInboxes))
	case KindTopic:
		t = append(t, key(kindTopics))
	case KindWebhook:
		t = append(t, key(kindWebhooks))
	case KindAnswer:
		t = append(t, key(kindPublicAnswers))
	}
	return t
}

// LookupRef is the ref of a contact lookup by email ("email"), phone ("phone") or external id.
func LookupRef(field, value string) Ref {
	switch field {
	case "email":
		return Ref{Kind: KindEmailLookup, ID: strings.ToLower(strings.TrimSpace(value))}
	case "phone":
		return Ref{Kind: KindPhoneLookup, ID: value}
	}
	return Ref{Kind: KindExternalLookup, ID: value}
}

func idTags[T any](kind Kind, items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, key(kind, id(it)))
	}
	return out
}

func (l *Loaders) init() {
	c := l.client

	contacts := source[string, *gladly.Customer]{class: ClassProfile,
		key:   func(id string) string { return key(KindCustomer, id) },
		fetch: c.Customers.Get}
	l.Contacts = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*gladly.Customer, []error) {
		return followMerges(ctx, l.store, contacts, ids)
	}, l.opts...)
	l.clearers = append(l.clearers, l.Contacts.ClearAll)

	l.ContactLookups = newLoader(l, source[ContactLookup, *List[*gladly.Customer]]{class: ClassProfile,
		key: func(k ContactLookup) string { r := LookupRef(k.Field, k.Value); return key(r.Kind, r.ID) },
		fetch: listOf(func(ctx context.Context, k ContactLookup) ([]*gladly.Customer, *gladly.Response, error) {
			opts := gladly.FindCustomersOptions{}
			switch k.Field {
			case "email":
				opts.Email = k.Value
			case "phone":
				opts.PhoneNumber = k.Value
			default:
				opts.ExternalCustomerID = k.Value
			}
			return c.Customers.Find(ctx, opts)
		}),
		tags: func(_ ContactLookup, v *List[*gladly.Customer]) []string {
			return idTags(KindCustomer, v.Items, func(x *gladly.Customer) string { return x.ID })
		},
		prime: func(_ ContactLookup, v *List[*gladly.Customer]) {
			if v == nil {
				return
			}
			for _, c := range v.Items {
				l.Contacts.Prime(c.ID, c)
			}
		}})

	l.initDirectory()

	l.Conversations = newLoader(l, source[string, *gladly.Conversation]{class: ClassConversation,
		key:   func(id string) string { return key(KindConversation, id) },
		fetch: c.Conversations.Get,
		tags:  func(_ string, v *gladly.Conversation) []string { return []string{key(KindCustomerWork, v.CustomerID)} }})
	l.ContactConversations = newLoader(l, source[string, *List[*gladly.Conversation]]{class: ClassConversation,
		key:   func(id string) string { return key(KindCustomerConversations, id) },
		fetch: listOf(c.Conversations.ListForCustomer),
		tags: func(id string, v *List[*gladly.Conversation]) []string {
			return append(idTags(KindConversation, v.Items, func(x *gladly.Conversation) string { return x.ID }), key(KindCustomerWork, id))
		},
		prime: func(_ string, v *List[*gladly.Conversation]) {
			if v == nil {
				return
			}
			for _, c := range v.Items {
				l.Conversations.Prime(c.ID, c)
			}
		}})
	l.Items = newLoader(l, source[string, *gladly.Item]{class: ClassItem,
		key:   func(id string) string { return key(KindItem, id) },
		fetch: c.Items.Get,
		tags: func(_ string, v *gladly.Item) []string {
			return []string{key(KindConversation, v.ConversationID), key(KindCustomerWork, v.CustomerID)}
		}})
	l.ConversationItems = newLoader(l, source[ItemsKey, *List[*gladly.Item]]{class: ClassItem,
		key: func(k ItemsKey) string {
			if k.SessionID == "" {
				return key(KindConversationItems, k.ConversationID)
			}
			return key(KindConversationItems, k.ConversationID, k.SessionID)
		},
		fetch: listOf(func(ctx context.Context, k ItemsKey) ([]*gladly.Item, *gladly.Response, error) {
			return c.Items.ListForConversation(ctx, k.ConversationID, &gladly.ListItemsOptions{SessionID: k.SessionID})
		}),
		tags: func(k ItemsKey, _ *List[*gladly.Item]) []string {
			return []string{key(KindConversationItems, k.ConversationID), key(KindConversation, k.ConversationID)}
		},
		prime: func(_ ItemsKey, v *List[*gladly.Item]) {
			if v == nil {
				return
			}
			for _, it := range v.Items {
				l.Items.Prime(it.ID, it)
			}
		}})
	l.Notes = newLoader(l, source[NoteKey, *gladly.Item]{class: ClassItem,
		key: func(k NoteKey) string { return key(KindNote, k.ConversationID, k.NoteID) },
		fetch: func(ctx context.Context, k NoteKey) (*gladly.Item, *gladly.Response, error) {
			return c.Conversations.GetNote(ctx, k.ConversationID, k.NoteID)
		},
		tags: func(k NoteKey, _ *gladly.Item) []string {
			return []string{key(KindItem, k.NoteID), key(KindConversation, k.ConversationID)}
		}})
	l.Transcripts = newLoader(l, source[string, *gladly.VoiceTranscript]{class: ClassItem,
		key:   func(id string) string { return key(KindTranscript, id) },
		fetch: c.Items.GetVoiceTranscript,
		tags:  func(id string, _ *gladly.VoiceTranscript) []string { return []string{key(KindItem, id)} }})

	l.Tasks = newLoader(l, source[string, *gladly.Task]{class: ClassTask,
		key:   func(id string) string { return key(KindTask, id) },
		fetch: c.Tasks.Get,
		tags:  func(_ string, v *gladly.Task) []string { return []string{key(KindCustomerWork, v.CustomerID)} }})
	l.ContactTasks = newLoader(l, source[TasksKey, *List[*gladly.Task]]{class: ClassTask,
		key: func(k TasksKey) string {
			if k.Status == "" {
				return key(KindCustomerTasks, k.ContactID)
			}
			return key(KindCustomerTasks, k.ContactID, k.Status)
		},
		fetch: listOf(func(ctx context.Context, k TasksKey) ([]*gladly.Task, *gladly.Response, error) {
			return c.Tasks.ListForCustomer(ctx, k.ContactID, &gladly.ListTasksOptions{Status: k.Status})
		}),
		tags: func(k TasksKey, v *List[*gladly.Task]) []string {
			return append(idTags(KindTask, v.Items, func(x *gladly.Task) string { return x.ID }),
				key(KindCustomerTasks, k.ContactID), key(KindCustomerWork, k.ContactID))
		},
		prime: func(_ TasksKey, v *List[*gladly.Task]) {
			if v == nil {
				return
			}
			for _, t := range v.Items {
				l.Tasks.Prime(t.ID, t)
			}
		}})
	l.TaskComments = newLoader(l, source[string, *List[*gladly.TaskComment]]{class: ClassTask,
		key:   func(id string) string { return key(KindTaskComments, id) },
		fetch: listOf(c.Tasks.ListComments),
		tags:  func(id string, _ *List[*gladly.TaskComment]) []string { return []string{key(KindTask, id)} },
		prime: func(id string, v *List[*gladly.TaskComment]) {
			if v == nil {
				return
			}
			for _, c := range v.Items {
				l.Comments.Prime(CommentKey{TaskID: id, CommentID: c.ID}, c)
			}
		}})
	l.Comments = newLoader(l, source[CommentKey, *gladly.TaskComment]{class: ClassTask,
		key: func(k CommentKey) string { return key(KindComment, k.TaskID, k.CommentID) },
		fetch: func(ctx context.Context, k CommentKey) (*gladly.TaskComment, *gladly.Response, error) {
			return c.Tasks.GetComment(ctx, k.TaskID, k.CommentID)
		},
		tags: func(k CommentKey, _ *gladly.TaskComment) []string { return []string{key(KindTaskComments, k.TaskID)} }})

	l.Answers = newLoader(l, source[string, *gladly.Answer]{class: ClassKnowledge,
		key: func(id string) string { return key(KindAnswer, id) }, fetch: c.Answers.Get})
	l.AnswerContents = newLoader(l, source[ContentKey, *gladly.AnswerContent]{class: ClassKnowledge,
		key: func(k ContentKey) string { return key(KindAnswerContent, k.AnswerID, k.Language, k.Type) },
		fetch: func(ctx context.Context, k ContentKey) (*gladly.AnswerContent, *gladly.Response, error) {
			return c.Answers.GetContent(ctx, k.AnswerID, k.Language, k.Type)
		},
		tags: func(k ContentKey, _ *gladly.AnswerContent) []string { return []string{key(KindAnswer, k.AnswerID)} }})
	l.CustomAttributes = newLoader(l, source[string, *gladly.CustomAttribute]{class: ClassKnowledge,
		key: func(id string) string { return key(KindCustomAttr, id) }, fetch: c.CustomAttributes.Get})
	l.PublicAnswerLists = newLoader(l, source[PublicAnswersKey, *List[*gladly.PublicAnswer]]{class: ClassKnowledge,
		key: func(k PublicAnswersKey) string { return key(kindPublicAnswers, "list", k.Language, k.AudienceID) },
		fetch: listOf(func(ctx context.Context, k PublicAnswersKey) ([]*gladly.PublicAnswer, *gladly.Response, error) {
			org, err := l.Organization(ctx)
			if err != nil {
				return nil, nil, err
			}
			return c.PublicAnswers.List(ctx, org.ID, k.Language, k.AudienceID)
		}),
		tags: func(PublicAnswersKey, *List[*gladly.PublicAnswer]) []string { return []string{key(kindPublicAnswers)} }})
	l.PublicAnswers = newLoader(l, source[PublicAnswerKey, *gladly.PublicAnswer]{class: ClassKnowledge,
		key: func(k PublicAnswerKey) string { return key(kindPublicAnswers, "one", k.AnswerID, k.Language) },
		fetch: func(ctx context.Context, k PublicAnswerKey) (*gladly.PublicAnswer, *gladly.Response, error) {
			org, err := l.Organization(ctx)
			if err != nil {
				return nil, nil, err
			}
			return c.PublicAnswers.Get(ctx, org.ID, k.AnswerID, k.Language)
		},
		tags: func(k PublicAnswerKey, _ *gladly.PublicAnswer) []string {
			return []string{key(kindPublicAnswers), key(KindAnswer, k.AnswerID)}
		}})

	l.Webhooks = byIDFromList(l, &l.webhooks, l.AllWebhooks, func(w *gladly.Webhook) string { return w.ID },
		source[string, *gladly.Webhook]{class: ClassAdmin, key: func(id string) string { return key(KindWebhook, id) }, fetch: c.Webhooks.Get})

	l.CallRecordings = dataloadgen.NewLoader(func(ctx context.Context, agents []string) ([]*gladly.CallRecorder, []error) {
		MarkVolatile(ctx)
		vals := make([]*gladly.CallRecorder, len(agents))
		errs := make([]error, len(agents))
		for i, a := range agents {
			v, _, err := c.Agents.GetCallRecording(ctx, a)
			if err != nil && !gladly.IsNotFound(err) {
				errs[i] = err
			}
			vals[i] = v
		}
		return vals, errs
	}, l.opts...)
	l.clearers = append(l.clearers, l.CallRecordings.ClearAll)
}

// followMerges loads customers by id; a merged id is answered with the profile it was merged into.
func followMerges(ctx context.Context, st *Store, src source[string, *gladly.Customer], ids []string) ([]*gladly.Customer, []error) {
	vals, moved, errs := loadThrough(ctx, st, src, ids)
	for hop := 0; hop < 3; hop++ {
		var pending []int
		var next []string
		for i := range ids {
			if moved[i] != "" && errs[i] == nil {
				pending = append(pending, i)
				next = append(next, moved[i])
			}
		}
		if len(pending) == 0 {
			break
		}
		nv, nm, ne := loadThrough(ctx, st, src, next)
		for j, i := range pending {
			vals[i], moved[i], errs[i] = nv[j], nm[j], ne[j]
		}
	}
	return vals, errs
}
