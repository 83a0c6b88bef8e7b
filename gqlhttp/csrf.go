package gqlhttp

import (
	"mime"
	"net/http"
	"strings"
)

// csrfPrevention refuses requests a browser could send cross-site without a preflight — GETs and
// POSTs of the "simple" content types — unless they carry a header only a script can set, as
// Apollo Server does: gladgraph answers with the caller's credentials nowhere, but mutations must
// not be triggerable by a form or an image tag on another site.
func csrfPrevention(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A WebSocket upgrade is a GET no form can send; its Origin is checked at the upgrade.
		if r.Method == http.MethodOptions || !needsPreflightHeader(r) || strings.EqualFold(r.Header.Get("Upgrade"), "websocket") || r.Header.Get("X-Apollo-Operation-Name") != "" || r.Header.Get("Apollo-Require-Preflight") != "" {
			next.ServeHTTP(w, r)
			return
		}
		writeRequestError(w, responseMediaType(r), http.StatusBadRequest, "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "+
			"Please either specify a 'content-type' header (with a type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) "+
			"or provide a non-empty value for one of the following headers: x-apollo-operation-name, apollo-require-preflight", "BAD_REQUEST")
	})
}

func needsPreflightHeader(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	switch mt {
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return true
	}
	return false
}
