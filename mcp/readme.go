package mcp

import "strings"

// readmeScopes is how README.md's tool table writes a requirement: `a` + `b`, groups joined by
// " or ".
func readmeScopes(r Requirement) string {
	if r == nil {
		return "none"
	}
	groups := make([]string, len(r))
	for i, g := range r {
		groups[i] = "`" + strings.Join(g, "` + `") + "`"
	}
	return strings.Join(groups, " or ")
}
