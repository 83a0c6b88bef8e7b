package gladly

import (
	"bytes"
	"encoding/json"
)

// The objects gladgraph exposes as remoteData keep the JSON Gladly sent (a Raw field). Decoding
// fills the struct and keeps a copy; encoding a decoded object writes that copy back, so an
// object cached or relayed after decoding keeps every field Gladly sent, known or not. Objects
// built in Go (no Raw) encode from their fields.

// decodeKeepingRaw decodes b into plain (the object through a method-less alias), tolerating
// unambiguous type departures (see decodeTolerant), and keeps b.
func decodeKeepingRaw(b []byte, plain any, raw *json.RawMessage) error {
	if err := decodeTolerant(b, plain); err != nil {
		return err
	}
	*raw = bytes.Clone(b)
	return nil
}

// encodeRawOr returns raw when the object was decoded, else plain encoded.
func encodeRawOr(raw json.RawMessage, plain any) ([]byte, error) {
	if len(raw) > 0 {
		return raw, nil
	}
	return json.Marshal(plain)
}
