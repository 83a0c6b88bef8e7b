package gladly

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
)

// Gladly's own examples depart from its declared types now and then: booleans and numbers sent
// as strings ("primary": "true", "recordingDuration": "100"), ids sent as numbers. A strict
// decoder would fail the whole object — a whole contact lost to one email's flag. Decoding here
// is tolerant where the meaning is unambiguous: a string holding a boolean or a number where one
// is declared, a number or a boolean where a string is declared. The object keeps the JSON as
// Gladly sent it (its Raw field), so remoteData still shows the departure. What cannot be read
// even so fails that object alone, as an *InvalidRecordError.

// decodeTolerant decodes b into v (a pointer), mending unambiguous type departures.
func decodeTolerant(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	var te *json.UnmarshalTypeError
	if err == nil || !errors.As(err, &te) {
		return err
	}
	var tree any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&tree) != nil {
		return err
	}
	mended, changed := mend(tree, reflect.TypeOf(v).Elem(), 0)
	if !changed {
		return err
	}
	fixed, merr := json.Marshal(mended)
	if merr != nil {
		return err
	}
	rv := reflect.ValueOf(v).Elem()
	rv.SetZero()
	if err2 := json.Unmarshal(fixed, v); err2 != nil {
		rv.SetZero()
		return err
	}
	return nil
}

// maxMendDepth bounds the recursion over hostile nesting; deeper values are left as they are.
const maxMendDepth = 64

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

// mend returns v with its unambiguous departures from t converted, and whether anything changed.
func mend(v any, t reflect.Type, depth int) (any, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil || depth > maxMendDepth || t == rawMessageType {
		return v, false
	}
	if t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerType) {
		return v, false // its own decoder decides (time.Time is a struct: handled as a string below)
	}
	switch t.Kind() {
	case reflect.Bool:
		if s, ok := v.(string); ok {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "true":
				return true, true
			case "false":
				return false, true
			}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if s, ok := v.(string); ok {
			s = strings.TrimSpace(s)
			if _, err := strconv.ParseFloat(s, 64); err == nil && s != "" && !strings.ContainsAny(s, "xXpP_") {
				return json.Number(s), true
			}
		}
	case reflect.String:
		switch x := v.(type) {
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return v, false
		}
		changed := false
		for i, e := range arr {
			var c bool
			arr[i], c = mend(e, t.Elem(), depth+1)
			changed = changed || c
		}
		return arr, changed
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		changed := false
		for k, e := range m {
			var c bool
			m[k], c = mend(e, t.Elem(), depth+1)
			changed = changed || c
		}
		return m, changed
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v, false
		}
		changed := false
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Tag.Get("json") == "" {
				// An embedded struct's fields are read from this object's own keys.
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if _, c := mend(m, ft, depth+1); c {
						changed = true
					}
					continue
				}
			}
			name, skip := jsonName(f)
			if skip {
				continue
			}
			for k, e := range m {
				if k == name || strings.EqualFold(k, name) {
					var c bool
					m[k], c = mend(e, f.Type, depth+1)
					changed = changed || c
				}
			}
		}
		return m, changed
	}
	return v, false
}

// jsonName is the key encoding/json reads a struct field from.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", true
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", true
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, false
}

// InvalidResponseError is an answer gladgraph cannot read as what the operation returns: not
// JSON, a content type other than JSON, an empty body where an object was due, a redirect to
// somewhere else (a proxy's login page, a maintenance page). Its message names no body content.
type InvalidResponseError struct {
	Op     string
	Method string
	Path   string
	Status int
	Reason string
	// Err is the answer as a *Error when its status was not 2xx (a redirect), so that
	// StatusCode and errors.As see the status as for any other non-2xx answer.
	Err *Error
}

func (e *InvalidResponseError) Error() string {
	return "gladly: " + e.Method + " " + e.Path + ": unreadable answer (" + strconv.Itoa(e.Status) + "): " + e.Reason
}

func (e *InvalidResponseError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// InvalidRecordError is one record of a list that cannot be read; the list's other records were.
type InvalidRecordError struct {
	Op    string
	Index int    // position in Gladly's list
	ID    string // the record's id when one could be read
	Err   error
}

func (e *InvalidRecordError) Error() string {
	s := "gladly: " + e.Op + ": record " + strconv.Itoa(e.Index)
	if e.ID != "" {
		s += " (" + e.ID + ")"
	}
	return s + " cannot be read: " + e.Err.Error()
}

func (e *InvalidRecordError) Unwrap() error { return e.Err }

// InvalidRecord is one unreadable record of a list: where it was, and the JSON Gladly sent.
type InvalidRecord struct {
	Index int
	Raw   json.RawMessage
	Err   *InvalidRecordError
}

// DecodeList decodes a JSON array record by record: the records that can be read, and those that
// cannot (each failing alone). A body that is not an array is an error.
func DecodeList[T any](op string, body []byte) ([]T, []InvalidRecord, error) {
	var raws []json.RawMessage
	if err := json.Unmarshal(body, &raws); err != nil {
		return nil, nil, err
	}
	items := make([]T, 0, len(raws))
	var bad []InvalidRecord
	for i, raw := range raws {
		var v T
		if err := decodeTolerant(raw, &v); err != nil {
			var probe struct {
				ID any `json:"id"`
			}
			_ = json.Unmarshal(raw, &probe)
			id, _ := probe.ID.(string)
			bad = append(bad, InvalidRecord{Index: i, Raw: raw, Err: &InvalidRecordError{Op: op, Index: i, ID: id, Err: err}})
			continue
		}
		items = append(items, v)
	}
	return items, bad, nil
}

func isJSON(ct string) bool {
	mt := mediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json"
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
