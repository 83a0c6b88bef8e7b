package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/accounts"
)

// Config is what the admin API needs.
type Config struct {
	Store accounts.Store
	// Check tries credentials against Gladly before they are stored (default:
	// accounts.CheckGladly(nil)).
	Check accounts.Checker
	// OnUnlink runs after an account is unlinked, with the account as it was (its secrets when
	// they could still be decrypted): the server purges its cache entries and removes its
	// Gladly webhook there. It runs detached from the request's cancellation.
	OnUnlink func(ctx context.Context, a accounts.Account)
	// MaxBodyBytes bounds request bodies (default 64 KiB).
	MaxBodyBytes int64
	// Logger records internal errors (never secrets: store errors carry none).
	Logger zerolog.Logger
}

// Handler serves /admin/accounts and below.
type Handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the admin API. Mount it at "/admin/accounts" and "/admin/accounts/" behind the
// middleware that checks accounts:admin or ADMIN_API_KEY.
func New(cfg Config) *Handler {
	if cfg.Check == nil {
		cfg.Check = accounts.CheckGladly(nil)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = defaultMaxRequestBytes
	}
	h := &Handler{cfg: cfg, mux: http.NewServeMux()}
	h.route("/admin/accounts", map[string]handlerFunc{"GET": h.list, "POST": h.create})
	h.route("/admin/accounts/{id}", map[string]handlerFunc{"GET": h.show, "PATCH": h.update, "DELETE": h.unlink})
	h.route("/admin/accounts/{id}/api-keys", map[string]handlerFunc{"GET": h.listKeys, "POST": h.issueKey})
	h.route("/admin/accounts/{id}/api-keys/{keyId}", map[string]handlerFunc{"DELETE": h.revokeKey})
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "no such route")
	})
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// handlerFunc answers a value to encode with its status, or an error to classify.
type handlerFunc func(w http.ResponseWriter, r *http.Request) (int, any, error)

// route registers one path for several methods, so a wrong method gets a JSON 405 naming the
// allowed ones instead of ServeMux's plain-text answer.
func (h *Handler) route(pattern string, methods map[string]handlerFunc) {
	var allowed []string
	for _, m := range []string{"GET", "POST", "PATCH", "DELETE"} {
		if _, ok := methods[m]; ok {
			allowed = append(allowed, m)
		}
	}
	allow := strings.Join(allowed, ", ")
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		fn, ok := methods[r.Method]
		if !ok {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "allowed methods: "+allow)
			return
		}
		status, v, err := fn(w, r)
		if err != nil {
			status, code, msg, internal := classify(err)
			if internal {
				h.cfg.Logger.Error().Err(err).Str("method", r.Method).Str("path", r.URL.Path).Msg("admin: request failed")
			}
			writeError(w, status, code, msg)
			return
		}
		if v == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, v)
	})
}

func (h *Handler) list(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	as, err := h.cfg.Store.List(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]accountView, 0, len(as))
	for _, a := range as {
		out = append(out, viewAccount(a))
	}
	return http.StatusOK, map[string]any{"accounts": out}, nil
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req createRequest
	if err := decode(w, r, h.cfg.MaxBodyBytes, &req); err != nil {
		return 0, nil, err
	}
	n := accounts.NewAccount{ID: req.ID, GladlyBaseURL: req.GladlyBaseURL, Username: req.Username, APIToken: req.APIToken}
	if req.RateLimit != nil {
		if *req.RateLimit == 0 { // zero would mean "default" to the store; here it is a mistake
			return 0, nil, &accounts.ValidationError{Field: "rateLimit", Message: "must be above 0"}
		}
		n.RateLimit = *req.RateLimit
	}
	n, err := n.Validate()
	if err != nil {
		return 0, nil, err
	}
	// An id already linked is refused before Gladly is asked anything.
	if st, err := h.cfg.Store.AccountStatus(r.Context(), n.ID); err != nil {
		return 0, nil, err
	} else if st.Exists {
		return 0, nil, accounts.ErrExists
	}
	if err := h.cfg.Check(r.Context(), n.GladlyBaseURL, n.Username, n.APIToken); err != nil {
		return 0, nil, err
	}
	a, err := h.cfg.Store.Create(r.Context(), n)
	if err != nil {
		return 0, nil, err
	}
	w.Header().Set("Location", "/admin/accounts/"+a.ID)
	return http.StatusCreated, viewAccount(a), nil
}

// described returns an account's non-secret fields even when its secrets cannot be decrypted
// (a key removed too early): showing it, rotating its token and unlinking it must still work.
func (h *Handler) described(ctx context.Context, id string) (accounts.Account, error) {
	a, err := h.cfg.Store.Get(ctx, id)
	var uk *accounts.UnknownKeyError
	if err == nil || !(errors.As(err, &uk) || errors.Is(err, accounts.ErrCorruptSecret)) {
		return a, err
	}
	all, lerr := h.cfg.Store.List(ctx)
	if lerr != nil {
		return accounts.Account{}, lerr
	}
	for _, a := range all {
		if a.ID == id {
			return a, nil
		}
	}
	return accounts.Account{}, accounts.ErrNotFound
}

func (h *Handler) show(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	a, err := h.described(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewAccount(a), nil
}

func (h *Handler) update(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req updateRequest
	if err := decode(w, r, h.cfg.MaxBodyBytes, &req); err != nil {
		return 0, nil, err
	}
	u := accounts.Update{APIToken: req.APIToken, RateLimit: req.RateLimit, Disabled: req.Disabled}
	if err := u.Validate(); err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	if u.APIToken != nil {
		a, err := h.described(r.Context(), id)
		if err != nil {
			return 0, nil, err
		}
		if err := h.cfg.Check(r.Context(), a.GladlyBaseURL, a.Username, *u.APIToken); err != nil {
			return 0, nil, err
		}
	}
	a, err := h.cfg.Store.Update(r.Context(), id, u)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewAccount(a), nil
}

func (h *Handler) unlink(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	a, err := h.described(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	if err := h.cfg.Store.Delete(r.Context(), id); err != nil {
		return 0, nil, err
	}
	if h.cfg.OnUnlink != nil {
		h.cfg.OnUnlink(context.WithoutCancel(r.Context()), a)
	}
	return http.StatusNoContent, nil, nil
}

func (h *Handler) listKeys(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	ks, err := h.cfg.Store.ListAPIKeys(r.Context(), r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	out := make([]keyView, 0, len(ks))
	for _, k := range ks {
		out = append(out, viewKey(k))
	}
	return http.StatusOK, map[string]any{"apiKeys": out}, nil
}

func (h *Handler) issueKey(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var req issueRequest
	if err := decode(w, r, h.cfg.MaxBodyBytes, &req); err != nil {
		return 0, nil, err
	}
	var exp time.Time
	if req.ExpiresAt != nil {
		exp = *req.ExpiresAt
	}
	k, err := h.cfg.Store.IssueAPIKey(r.Context(), r.PathValue("id"), req.Scopes, exp)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, issuedView{ID: k.ID, Key: k.Key, Scopes: k.Scopes, ExpiresAt: timePtr(k.ExpiresAt)}, nil
}

func (h *Handler) revokeKey(_ http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := h.cfg.Store.RevokeAPIKey(r.Context(), r.PathValue("id"), r.PathValue("keyId")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
