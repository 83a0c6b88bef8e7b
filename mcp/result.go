package mcp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// errorView is one GraphQL error as agents see it: the code first, and for
// UPSTREAM_RATE_LIMITED how long to back off.
type errorView struct {
	Message           string   `json:"message"`
	Code              string   `json:"code,omitempty"`
	Path              []any    `json:"path,omitempty"`
	RetryAfterSeconds *float64 `json:"retryAfterSeconds,omitempty"`
}

func viewErrors(errs []GraphQLError) []errorView {
	out := make([]errorView, len(errs))
	for i, e := range errs {
		out[i] = errorView{Message: e.Message, Code: e.Code(), Path: e.Path}
		if r, ok := e.Extensions["retryAfterSeconds"].(float64); ok {
			out[i].RetryAfterSeconds = &r
		}
	}
	return out
}

// toolResult turns a GraphQL response into a tool result. The structured content is the
// operation's data (every root key present, null when it did not resolve); GraphQL errors add an
// errors list and make the result an error, and so do a payload's userErrors — never a protocol
// error, so the agent reads what went wrong and can correct itself or back off.
func toolResult(t *Tool, data json.RawMessage, errs []GraphQLError) *sdk.CallToolResult {
	structured := map[string]any{}
	if len(data) > 0 && !bytes.Equal(data, []byte("null")) {
		if err := json.Unmarshal(data, &structured); err != nil {
			return errorResult(fmt.Sprintf("INTERNAL_SERVER_ERROR: unreadable data: %v", err))
		}
	}
	for _, k := range t.rootKeys {
		if _, ok := structured[k]; !ok {
			structured[k] = nil
		}
	}
	var summary []string
	if len(errs) > 0 {
		views := viewErrors(errs)
		structured["errors"] = views
		summary = append(summary, "The operation failed:")
		for _, v := range views {
			summary = append(summary, "- "+describeError(v))
		}
	}
	if len(errs) == 0 {
		for _, k := range t.rootKeys {
			for _, ue := range userErrorsOf(structured[k]) {
				if len(summary) == 0 {
					summary = append(summary, "Gladly refused the change (userErrors):")
				}
				summary = append(summary, "- "+ue)
			}
		}
	}
	body, _ := json.Marshal(structured)
	text := string(body)
	if len(summary) > 0 {
		text = strings.Join(summary, "\n") + "\n" + text
	}
	return &sdk.CallToolResult{
		Content:           []sdk.Content{&sdk.TextContent{Text: text}},
		StructuredContent: json.RawMessage(body),
		IsError:           len(summary) > 0,
	}
}

func describeError(v errorView) string {
	var b strings.Builder
	if v.Code != "" {
		b.WriteString(v.Code + ": ")
	}
	b.WriteString(v.Message)
	if len(v.Path) > 0 {
		parts := make([]string, len(v.Path))
		for i, p := range v.Path {
			parts[i] = fmt.Sprint(p)
		}
		b.WriteString(" (at " + strings.Join(parts, ".") + ")")
	}
	if v.RetryAfterSeconds != nil {
		fmt.Fprintf(&b, "; retry after %d s", int(math.Ceil(*v.RetryAfterSeconds)))
	}
	return b.String()
}

// userErrorsOf reads a mutation payload's userErrors as "CODE field: message".
func userErrorsOf(payload any) []string {
	m, ok := payload.(map[string]any)
	if !ok {
		return nil
	}
	list, _ := m["userErrors"].([]any)
	out := make([]string, 0, len(list))
	for _, ue := range list {
		e, _ := ue.(map[string]any)
		var field []string
		if f, ok := e["field"].([]any); ok {
			for _, p := range f {
				field = append(field, fmt.Sprint(p))
			}
		}
		s := fmt.Sprint(e["code"])
		if len(field) > 0 {
			s += " " + strings.Join(field, ".")
		}
		out = append(out, s+": "+fmt.Sprint(e["message"]))
	}
	return out
}

// errorResult is a tool error without data, e.g. a tool the caller's scopes do not reach.
func errorResult(text string) *sdk.CallToolResult {
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: text}}, IsError: true}
}
