package gladly_test

import (
	"slices"
	"strings"
)

// mendWorkSpec repairs, in memory, the spec's defects met by the work operations (tasks,
// conversations, notes); mendSpec calls it on every object of the document:
//   - the Task schema requires "content", which it does not have (a task's text is "body", which
//     every sample carries): a required "content" beside a "body" and no "content" property is
//     dropped;
//   - addTopicToConversation requires "topicIDs" though its property and example are "topicIds":
//     a required name that differs from a property only in case is read as the property;
//   - an assignee's agentId is a plain string, yet Gladly's samples send "agentId": null to leave
//     a conversation or task in the inbox with no agent: read as nullable;
//   - some Location headers (notes, replies, redactions) have a schema without a type, which a
//     validator cannot decode: read as a string, like every other Location.
func mendWorkSpec(x map[string]any) {
	props, _ := x["properties"].(map[string]any)
	if req, ok := x["required"].([]any); ok && props != nil {
		// Not the note body: its required "content" is what its example sends ({"content":{"body":…}}).
		if props["body"] != nil && props["content"] == nil && x["title"] != "Content of note to add" {
			req = slices.DeleteFunc(req, func(r any) bool { return r == "content" })
			x["required"] = req
		}
		for i, r := range req {
			name, _ := r.(string)
			for p := range props {
				if p != name && strings.EqualFold(p, name) {
					req[i] = p
				}
			}
		}
	}
	if props != nil && props["inboxId"] != nil {
		if agent, ok := props["agentId"].(map[string]any); ok {
			agent["nullable"] = true
		}
	}
	if loc, ok := x["Location"].(map[string]any); ok {
		if schema, ok := loc["schema"].(map[string]any); ok && schema["type"] == nil && schema["$ref"] == nil {
			schema["type"] = "string"
		}
	}
}
