package edge

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/gladgraph/gladgraph/guard"
)

// Drain is how the server stops: readiness fails first, requests keep being served for Delay
// (SHUTDOWN_DELAY: load balancers stop routing here meanwhile), then in-flight requests get
// Timeout (SHUTDOWN_TIMEOUT) to finish.
type Drain struct {
	Delay, Timeout time.Duration
	// Started is called when ctx ends, before the delay: readiness starts answering 503.
	Started func()
	// DelayOver, when closed, ends the delay early (tests).
	DelayOver <-chan struct{}
}

// Serve serves h on ln until ctx ends, then drains as d says. Requests keep running when ctx
// ends: the drain is what ends them. There is no server-wide WriteTimeout (media streams may
// outlast any fixed bound): each route gets its own write deadline (see Router); idle keep-alive
// connections give their place (MAX_CONNECTIONS) back after 30 s.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, readTimeout time.Duration, logger zerolog.Logger, d Drain) error {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       max(readTimeout, 30*time.Second),
		IdleTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          ErrorLog(logger),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if d.Started != nil {
		d.Started()
	}
	if d.Delay > 0 {
		logger.Info().Dur("delay", d.Delay).Msg("shutting down: /readyz answers 503; still serving for SHUTDOWN_DELAY")
		select {
		case <-time.After(d.Delay):
		case <-d.DelayOver:
		case err := <-serveErr:
			return fmt.Errorf("serve: %w", err)
		}
	}
	logger.Info().Dur("timeout", d.Timeout).Msg("shutting down: draining requests")
	sctx, cancel := context.WithTimeout(context.Background(), d.Timeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn().Err(err).Msg("shutdown: requests still running at the deadline were cut off")
		_ = hs.Close()
	}
	logger.Info().Msg("stopped")
	return nil
}

// Listen opens the server's listener, holding at most maxConns connections at once (over it a
// new one is answered 503 and closed, never left hanging; 0: no bound).
func Listen(addr string, maxConns int) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (LISTEN_ADDR): %w", addr, err)
	}
	return guard.LimitListener(ln, maxConns), nil
}
