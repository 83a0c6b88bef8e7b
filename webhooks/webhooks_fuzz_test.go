package webhooks

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gladgraph/gladgraph/config"
	"github.com/gladgraph/gladgraph/loaders"
	"github.com/gladgraph/gladgraph/metrics"
)

// FuzzWebhook posts arbitrary bodies to the webhook receiver, with and without its credentials
// (issue 8). Without them: 401 and nothing invalidated, whatever the body. With them: 200, 400
// or 413, never a 5xx; only a 200 invalidates, only ids the event carries, and a redelivery of an
// event already processed invalidates nothing more.
func FuzzWebhook(f *testing.F) {
	for _, s := range []string{
		taskEvent,
		`{"id":"ev-2","type":"CUSTOMER/PROFILE_UPDATED","timestamp":"2024-05-01T10:00:00Z","content":{"customerId":"c1"}}`,
		`{"id":"ev-3","type":"CONVERSATION/CLOSED","content":{"customerId":"c1","conversationId":"v1"}}`,
		`{"id":"ev-4","type":"CUSTOMER/MERGED","content":{"sourceCustomerId":"a","destinationCustomerId":"b"}}`,
		`{"type":"PING"}`, `{"id":"x"}`, `{"id":"ev-5","type":"TASK/CLOSED","content":"text"}`, `[]`, `null`, ``, `{"id":"ev-6","type":"X","content":{"customerId":{"a":1}}}`,
	} {
		f.Add([]byte(s), true)
	}
	f.Add([]byte(taskEvent), false)
	f.Fuzz(func(t *testing.T, body []byte, authorized bool) {
		inv := &invalidations{}
		cfg := &config.Config{WebhookUsername: "gladly", WebhookPassword: secretWebhookPass}
		h := newReceiver(CredentialsOf(cfg), newMemorySeenSet(seenTTL, 100), inv, metrics.New())
		send := func() int {
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/webhooks/gladly", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if authorized {
				req.SetBasicAuth("gladly", secretWebhookPass)
			} else {
				req.SetBasicAuth("gladly", "guess")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if strings.Contains(rec.Body.String(), secretWebhookPass) {
				t.Fatalf("the answer shows the webhook password")
			}
			return rec.Code
		}
		code := send()
		calls := append([][]loaders.Ref(nil), *inv...)
		if !authorized {
			if code != http.StatusUnauthorized || len(calls) != 0 {
				t.Fatalf("without credentials: %d, %d invalidations", code, len(calls))
			}
			return
		}
		switch code {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if len(calls) != 0 {
				t.Fatalf("a refused delivery (%d) invalidated %v", code, calls)
			}
			return
		default:
			t.Fatalf("status %d", code)
		}
		// Every invalidated id is a string the event carries.
		carried := map[string]bool{}
		var v any
		if json.Unmarshal(body, &v) == nil {
			collectStrings(v, carried)
		}
		for _, refs := range calls {
			for _, r := range refs {
				if r.ID == "" || !carried[r.ID] {
					t.Fatalf("invalidated %v, an id the event does not carry", r)
				}
			}
		}
		if send() != http.StatusOK {
			t.Fatalf("a redelivery was not answered 200")
		}
		if again := *inv; len(again) != len(calls) {
			t.Fatalf("a redelivery invalidated again: %v", again[len(calls):])
		}
	})
}

func collectStrings(v any, into map[string]bool) {
	switch v := v.(type) {
	case string:
		into[v] = true
	case map[string]any:
		for _, x := range v {
			collectStrings(x, into)
		}
	case []any:
		for _, x := range v {
			collectStrings(x, into)
		}
	}
}
