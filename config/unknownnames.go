package config

import (
	"fmt"
	"sort"
	"strings"
)

// guardedPrefixes are the prefixes no unknown variable or flag may carry: a misspelt
// GLADLY_BASE_URL would otherwise start the demo, a healthy-looking service serving fiction.
var guardedPrefixes = []string{"GLADLY_", "GLADGRAPH_"}

// LoadOption configures Load.
type LoadOption func(*loadOptions)

type loadOptions struct {
	environ []string
}

// WithEnviron gives Load the process's environment ("NAME=value" entries, as os.Environ returns
// them) so that it can refuse unknown GLADLY_* and GLADGRAPH_* variables. Values are not read
// from it (getenv is) and never shown.
func WithEnviron(environ []string) LoadOption {
	return func(o *loadOptions) { o.environ = environ }
}

// unknownNames returns a problem for each environment variable and flag with a guarded prefix
// that is no setting, naming the closest setting.
func unknownNames(environ, args []string) []string {
	known := make(map[string]bool, len(settings))
	for _, s := range settings {
		known[s.env] = true
	}
	var problems []string
	seen := map[string]bool{}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !guarded(name) || known[name] || seen[name] {
			continue
		}
		seen[name] = true
		problems = append(problems, fmt.Sprintf("%s: unknown variable; did you mean %s?", name, closestSetting(name)))
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		env := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if !guarded(env) || known[env] || seen["-"+name] {
			continue
		}
		seen["-"+name] = true
		problems = append(problems, fmt.Sprintf("-%s: unknown flag; did you mean -%s?", name, flagNameOf(closestSetting(env))))
	}
	sort.Strings(problems)
	return problems
}

func guarded(name string) bool {
	for _, p := range guardedPrefixes {
		if strings.HasPrefix(strings.ToUpper(name), p) {
			return true
		}
	}
	return false
}

// closestSetting is the setting whose name is nearest to name by edit distance; a GLADGRAPH_
// prefix put in front of a setting that has none (GLADGRAPH_LISTEN_ADDR) is also tried without it.
func closestSetting(name string) string {
	name = strings.ToUpper(name)
	best, bestD := "", -1
	for _, s := range settings {
		d := editDistance(name, s.env)
		if rest, ok := strings.CutPrefix(name, "GLADGRAPH_"); ok {
			d = min(d, editDistance(rest, s.env))
		}
		if bestD < 0 || d < bestD {
			best, bestD = s.env, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b (bytes: names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
