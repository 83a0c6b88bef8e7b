package gladly_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/gladgraph/gladgraph/gladly"
)

// FuzzDecodeList: the tolerant list decoder never panics; every record of an array is either
// read or reported (at its own index, in order), and a record read keeps exactly what Gladly
// sent.
func FuzzDecodeList(f *testing.F) {
	for _, s := range []string{
		`[{"id":"a","emails":[{"original":"a@b.c","primary":"true"}]}]`,
		`[{"id":"a","name":{"x":1}},{"id":"b","name":"B"}]`,
		`[{"id":1,"createdAt":"nope"},null,"x",{"phones":[{"primary":"FALSE","original":7244895501}]}]`,
		`[{"id":"a","customAttributes":{"n":"6"},"externalCustomerIds":{"k":54321}}]`,
		`{}`, `[`, `[[]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		items, bad, err := gladly.DecodeList[*gladly.Customer]("fuzz", b)
		if err != nil {
			return
		}
		var raws []json.RawMessage
		if json.Unmarshal(b, &raws) != nil {
			t.Fatalf("decoded a list from a body that is not an array: %q", b)
		}
		if len(items)+len(bad) != len(raws) {
			t.Fatalf("%d read + %d reported of %d records", len(items), len(bad), len(raws))
		}
		last := -1
		for _, r := range bad {
			if r.Index <= last || r.Index >= len(raws) || !bytes.Equal(r.Raw, raws[r.Index]) || r.Err == nil {
				t.Fatalf("bad record %+v out of place", r)
			}
			last = r.Index
		}
		for _, c := range items {
			if c == nil {
				continue // a JSON null record
			}
			out, err := json.Marshal(c)
			if err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			if len(c.Raw) > 0 && !sameJSON(out, c.Raw) {
				t.Fatalf("a read record does not encode back as Gladly sent it:\n%s\n%s", out, c.Raw)
			}
		}
	})
}

// sameJSON compares two JSON texts by value (encoding/json escapes <, > and & in what a
// MarshalJSON returns).
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// FuzzDecodeAgentTolerant: one agent decodes or fails, never panics; a mended string boolean or
// number never changes what remoteData shows.
func FuzzDecodeAgentTolerant(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","name":"A","emailAddress":"a@b.c"}`,
		`{"id":7,"name":true}`,
		`{"id":"a","name":{"first":"A"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var a gladly.Agent
		if err := json.Unmarshal(b, &a); err != nil {
			return
		}
		if len(a.Raw) > 0 && !json.Valid(a.Raw) {
			t.Fatalf("kept invalid JSON as remoteData: %q", a.Raw)
		}
	})
}

// FuzzParseRetryAfter: any header value yields a wait within [0, cap], or none.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"3", "3600", "Wed, 02 Dec 2026 04:00:05 GMT", "-1", "1e9", " 12 ", "99999999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := gladly.ParseRetryAfter(v, now, time.Minute)
		if d < 0 || d > time.Minute || (!ok && d != 0) {
			t.Fatalf("ParseRetryAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
