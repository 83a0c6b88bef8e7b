package gladlytest

import (
	"net/mail"
	"regexp"
	"strings"
)

// normalizeEmail returns the addr-spec of an address ("Ada <Ada@Example.com>" → "Ada@Example.com")
// and its normalized (lower-case) form; ok is false when it is not an address.
func normalizeEmail(s string) (addr, normalized string, ok bool) {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || !strings.Contains(a.Address, "@") {
		return "", "", false
	}
	return a.Address, strings.ToLower(a.Address), true
}

// countryCodes maps the region codes the fake understands to their calling codes.
var countryCodes = map[string]string{
	"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "IT": "39",
	"NL": "31", "AU": "61", "NZ": "64", "MX": "52", "BR": "55", "IN": "91", "JP": "81",
}

var nonDigits = regexp.MustCompile(`[^0-9]`)

// normalizePhone returns the E.164 form of a number written in E.164 or, failing that, in the
// national format of region (default US, as Gladly reads numbers without a region).
func normalizePhone(original, region string) (string, bool) {
	s := strings.TrimSpace(original)
	if s == "" {
		return "", false
	}
	if strings.HasPrefix(s, "+") {
		d := nonDigits.ReplaceAllString(s, "")
		if len(d) < 8 || len(d) > 15 || d[0] == '0' {
			return "", false
		}
		return "+" + d, true
	}
	if region == "" {
		region = "US"
	}
	cc, ok := countryCodes[strings.ToUpper(region)]
	if !ok {
		return "", false
	}
	d := nonDigits.ReplaceAllString(s, "")
	if cc == "1" {
		switch {
		case len(d) == 11 && d[0] == '1':
			return "+" + d, true
		case len(d) == 10:
			return "+1" + d, true
		}
		return "", false
	}
	d = strings.TrimPrefix(d, "0")
	if len(d) < 6 || len(cc)+len(d) > 15 {
		return "", false
	}
	return "+" + cc + d, true
}

// validE164 reports whether s is already in E.164 form.
func validE164(s string) bool {
	n, ok := normalizePhone(s, "")
	return ok && n == s
}
