package gladly_test

import (
	"fmt"
	"slices"
)

// mendAdminSpec repairs, in memory, the spec's defects met by the admin operations (webhooks,
// events, exports, automation); loadSpec calls it once on the whole document:
//   - arrays whose enum lists item values ("availableFor": {"type":"array","enum":["MAIL",…]},
//     agent availability events): no array equals a string, so the enum is read as the items';
//   - the events stream's "entities" query parameter is an array without items, which no
//     validator can decode: read as an array of strings (the entity names it describes);
//   - the events stream lists no CUSTOMER_PROFILE/* event although the CUSTOMER_PROFILE entity
//     exists: the newer revision of the same document (the one developer.gladly.com renders)
//     streams CUSTOMER_PROFILE/CREATED, UPDATED and DELETED, so their webhook payloads are
//     added to the stream's oneOf (the deprecated MERGED one stays out, as there);
//   - getFile's four file shapes are a oneOf that no line can satisfy (an agents.jsonl line is
//     also a valid customers.jsonl line): the file's name selects the shape, so it is read as
//     anyOf;
//   - automation message content is a oneOf of {value} (TEXT), {prompt, menuItems} (MENU) and
//     {value} (HTML), two of them identical: the message's type selects the shape, so it is
//     read as anyOf;
//   - automation message context's additionalProperties carries enum ["URL","IsAuthenticated"]
//     on its values while the table and example show those as its keys ("URL": "https://…"):
//     read as keys, the values being free strings.
func mendAdminSpec(doc map[string]any) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "array" && x["enum"] != nil {
				items, _ := x["items"].(map[string]any)
				if items == nil {
					items = map[string]any{"type": "string"}
					x["items"] = items
				}
				items["enum"] = x["enum"]
				delete(x, "enum")
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)

	at := func(v any, path ...string) map[string]any {
		for _, k := range path {
			m, _ := v.(map[string]any)
			v = m[k]
		}
		m, _ := v.(map[string]any)
		return m
	}
	paths := at(doc, "paths")
	const webhook = "#/paths/~1gladly~1webhook/post/requestBody/content/application~1json/schema/oneOf/"
	payloads, _ := at(paths, "/gladly/webhook", "post", "requestBody", "content", "application/json", "schema")["oneOf"].([]any)
	params, _ := at(paths, "/api/v1/events")["parameters"].([]any)
	for _, p := range params {
		if pm, _ := p.(map[string]any); pm["name"] == "entities" {
			if schema := at(pm, "schema"); schema != nil && schema["items"] == nil {
				schema["items"] = map[string]any{"type": "string"}
			}
		}
	}
	if stream := at(paths, "/api/v1/events", "get", "responses", "200", "content", "application/x-jsonlines", "schema"); stream != nil {
		branches, _ := stream["oneOf"].([]any)
		for i, p := range payloads {
			enum, _ := at(p, "properties", "type")["enum"].([]any)
			if len(enum) == 1 && slices.Contains([]any{"CUSTOMER_PROFILE/CREATED", "CUSTOMER_PROFILE/UPDATED", "CUSTOMER_PROFILE/DELETED"}, enum[0]) {
				branches = append(branches, map[string]any{"$ref": fmt.Sprintf("%s%d", webhook, i)})
			}
		}
		stream["oneOf"] = branches
	}
	toAnyOf := func(m map[string]any) {
		if m != nil && m["oneOf"] != nil {
			m["anyOf"] = m["oneOf"]
			delete(m, "oneOf")
		}
	}
	toAnyOf(at(paths, "/api/v1/export/jobs/{jobId}/files/{filename}", "get", "responses", "200", "content", "application/x-ndjson", "schema"))
	messages := "/api/v1/message-automation/sessions/{sessionId}/messages"
	message := at(paths, messages, "post", "responses", "200", "content", "application/json", "schema")
	toAnyOf(at(message, "properties", "content"))
	toAnyOf(at(paths, messages, "post", "requestBody", "content", "application/json", "schema", "properties", "content"))
	delete(at(message, "properties", "context", "additionalProperties"), "enum")
}
