package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/gladgraph/gladgraph/caller"
)

// Options configure the MCP server.
type Options struct {
	// Executor runs the tools' operations: HandlerExecutor over the /graphql handler.
	Executor Executor
	// AllowArbitraryOperations registers execute_graphql, which runs any operation the caller
	// writes (MCP_ALLOW_ARBITRARY_OPERATIONS=true). Scopes still apply to every field.
	AllowArbitraryOperations bool
	// Logger receives the SDK's own logs; nil logs nothing.
	Logger *slog.Logger
	// Version is the server version shown to clients at initialize.
	Version string

	// The options below apply to the HTTP handler only.

	// AllowedOrigins are the browser origins (scheme://host[:port]) that may call /mcp; a request
	// with any other Origin header is refused (DNS rebinding). Requests without Origin (non-browser
	// clients) pass.
	AllowedOrigins []string
	// AllowLoopbackOrigins also accepts http(s)://localhost, 127.0.0.1 and [::1] on any port
	// (the demo, local development).
	AllowLoopbackOrigins bool
	// DisableLocalhostProtection turns off the SDK's refusal of requests that reach a loopback
	// address with a non-loopback Host: needed behind a reverse proxy on the same host.
	DisableLocalhostProtection bool
	// MaxBodyBytes bounds a request body; 0 means 1 MiB.
	MaxBodyBytes int64
}

// Server is gladgraph's MCP server: the tools over one executor, for every caller (each sees the
// tools its scopes allow). It holds no per-session state, so any replica answers any request.
type Server struct {
	opts    Options
	catalog *Catalog
	sdk     *sdk.Server
}

// NewServer builds the server over the embedded tools.
func NewServer(opts Options) (*Server, error) {
	if opts.Executor == nil {
		return nil, errors.New("mcp: Options.Executor is required")
	}
	c, err := DefaultCatalog()
	if err != nil {
		return nil, err
	}
	return newServer(opts, c), nil
}

func newServer(opts Options, c *Catalog) *Server {
	if opts.Version == "" {
		opts.Version = "dev"
	}
	s := &Server{opts: opts, catalog: c}
	s.sdk = sdk.NewServer(&sdk.Implementation{Name: "gladgraph", Title: "gladgraph: Gladly helpdesk", Version: opts.Version}, &sdk.ServerOptions{
		Instructions: "Tools read and change one Gladly helpdesk organization (contacts, tickets, conversations, knowledge, admin). " +
			"Ids come from other tools (find_contacts, list_*); list tools return small pages: pass pageInfo.endCursor as after for more. " +
			"A failed call returns isError with GraphQL error codes; on UPSTREAM_RATE_LIMITED wait retryAfterSeconds before retrying.",
		Logger:   opts.Logger,
		PageSize: 1000, // one page: tools/list is filtered per caller after the SDK lists them
	})
	for _, t := range c.Tools {
		s.sdk.AddTool(sdkTool(t), s.runTool(t))
	}
	s.sdk.AddTool(searchSchemaTool(), s.searchSchema)
	if opts.AllowArbitraryOperations {
		s.sdk.AddTool(executeGraphQLTool(), s.executeGraphQL)
	}
	s.sdk.AddReceivingMiddleware(s.filterToolList)
	return s
}

func sdkTool(t *Tool) *sdk.Tool {
	destructive, openWorld := t.Destructive, false
	return &sdk.Tool{
		Name:         t.Name,
		Title:        t.Title,
		Description:  t.Description + " Needs the scopes: " + t.Requires.String() + ".",
		InputSchema:  t.InputSchema,
		OutputSchema: t.OutputSchema,
		Annotations: &sdk.ToolAnnotations{
			Title:           t.Title,
			ReadOnlyHint:    t.ReadOnly,
			DestructiveHint: &destructive,
			IdempotentHint:  t.Idempotent,
			OpenWorldHint:   &openWorld,
		},
		Meta: sdk.Meta{"gladgraph/scopes": t.Requires},
	}
}

// Allowed reports whether the caller in ctx may list and call the tool named name.
func (s *Server) Allowed(ctx context.Context, name string) bool {
	if t := s.catalog.Tool(name); t != nil {
		return t.Requires.SatisfiedBy(caller.From(ctx))
	}
	return true // the generic tools: GraphQL checks every field they select
}

// filterToolList drops from tools/list what the caller's scopes do not reach.
func (s *Server) filterToolList(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		res, err := next(ctx, method, req)
		if method != "tools/list" || err != nil {
			return res, err
		}
		list, ok := res.(*sdk.ListToolsResult)
		if !ok {
			return res, err
		}
		kept := make([]*sdk.Tool, 0, len(list.Tools))
		for _, t := range list.Tools {
			if s.Allowed(ctx, t.Name) {
				kept = append(kept, t)
			}
		}
		out := *list
		out.Tools = kept
		return &out, nil
	}
}

// runTool executes t's operation with the call's arguments as variables.
func (s *Server) runTool(t *Tool) sdk.ToolHandler {
	return func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		if !t.Requires.SatisfiedBy(caller.From(ctx)) {
			return errorResult(fmt.Sprintf("UNAUTHORIZED_FIELD_OR_TYPE: the tool %s needs the scopes %s, which this caller does not hold", t.Name, t.Requires)), nil
		}
		vars, err := arguments(req)
		if err != nil {
			return errorResult("BAD_USER_INPUT: " + err.Error()), nil
		}
		data, errs, err := s.opts.Executor.Execute(ctx, t.Document, t.OperationName, vars)
		if err != nil {
			return errorResult("INTERNAL_SERVER_ERROR: " + err.Error()), nil
		}
		return toolResult(t, data, errs), nil
	}
}

// arguments decodes a call's arguments (a JSON object, possibly absent).
func arguments(req *sdk.CallToolRequest) (map[string]any, error) {
	vars := map[string]any{}
	if req.Params == nil || len(req.Params.Arguments) == 0 {
		return vars, nil
	}
	if err := json.Unmarshal(req.Params.Arguments, &vars); err != nil {
		return nil, fmt.Errorf("the arguments are not a JSON object: %w", err)
	}
	if vars == nil {
		vars = map[string]any{}
	}
	return vars, nil
}

// Run serves the tools over t as c until ctx ends or the client hangs up: `gladgraph mcp`
// (package mcp/stdio) runs it over stdin and stdout, tests over pipes.
func (s *Server) Run(ctx context.Context, t sdk.Transport, c *caller.Caller) error {
	return s.sdk.Run(caller.With(ctx, c), t)
}
