// Package redistest gives tests a Redis: the one REDIS_URL names when it is set, else a private
// redis-server started on a free loopback port and killed when the test ends. Every test gets a
// key prefix of its own so that tests sharing a server never see each other's keys.
package redistest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a Redis a test may use.
type Server struct {
	// URL is a redis:// URL for it (REDIS_URL's value when that is set).
	URL string
	// Prefix starts every key the test writes ("redistest:<random>:"); keys under it are deleted
	// when the test ends.
	Prefix string

	opts *redis.Options
}

// New returns a Redis for the test, failing it with a clear message when neither REDIS_URL nor
// a redis-server binary is available.
func New(tb testing.TB) *Server {
	tb.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		var err error
		url, err = startServer(tb)
		if err != nil {
			tb.Fatalf("redistest: no Redis for this test: REDIS_URL is not set and starting redis-server failed: %v "+
				"(install redis-server, e.g. apt-get install redis-server, or set REDIS_URL)", err)
		}
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("redistest: REDIS_URL: %v", err)
	}
	s := &Server{URL: url, Prefix: "redistest:" + randomHex(6) + ":", opts: opts}
	if err := ping(tb.Context(), opts, 5*time.Second); err != nil {
		tb.Fatalf("redistest: Redis at %s does not answer PING: %v", opts.Addr, err)
	}
	tb.Cleanup(s.deleteKeys)
	return s
}

// Client returns a client for the server, closed when the test ends.
func (s *Server) Client(tb testing.TB) *redis.Client {
	c := redis.NewClient(s.opts)
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// Key returns the test's key for the given parts, under Prefix.
func (s *Server) Key(parts ...string) string { return s.Prefix + strings.Join(parts, ":") }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.opts.Addr }

func (s *Server) deleteKeys() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c := redis.NewClient(s.opts)
	defer c.Close()
	iter := c.Scan(ctx, 0, s.Prefix+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if len(keys) > 0 {
		c.Del(ctx, keys...)
	}
}

// ClosedURL returns a redis:// URL on a loopback port where nothing listens: a Redis that is down.
func ClosedURL(tb testing.TB) string {
	tb.Helper()
	port, err := freePort()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	return "redis://127.0.0.1:" + strconv.Itoa(port)
}

var lookOnce = sync.OnceValues(func() (string, error) { return exec.LookPath("redis-server") })

func startServer(tb testing.TB) (string, error) {
	p, err := startPrivate(tb)
	if err != nil {
		return "", err
	}
	return p.url(), nil
}

// proc is a running redis-server.
type proc struct {
	bin, dir string
	port     int
	cmd      *exec.Cmd
	exited   chan error
}

func (p *proc) url() string { return "redis://127.0.0.1:" + strconv.Itoa(p.port) }

func startPrivate(tb testing.TB) (*proc, error) {
	p, err := launchFree(tb.Context(), tb.TempDir())
	if err != nil {
		return nil, err
	}
	tb.Cleanup(p.kill)
	return p, nil
}

// Launch starts a redis-server on a free loopback port, keeping nothing on disk beyond dir, for
// programs that are not tests (the bench); stop kills it.
func Launch(ctx context.Context, dir string) (url string, stop func(), err error) {
	p, err := launchFree(ctx, dir)
	if err != nil {
		return "", nil, err
	}
	return p.url(), p.kill, nil
}

// launchFree starts redis-server on a free loopback port.
func launchFree(ctx context.Context, dir string) (*proc, error) {
	bin, err := lookOnce()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // the free port can be taken between choosing it and redis-server binding it
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p := &proc{bin: bin, dir: dir, port: port}
		if lastErr = p.launch(ctx); lastErr == nil {
			return p, nil
		}
	}
	return nil, lastErr
}

// launch starts redis-server on p's port and waits until it answers.
func (p *proc) launch(ctx context.Context) error {
	var out bytes.Buffer
	cmd := exec.Command(p.bin, "--port", strconv.Itoa(p.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", p.dir, "--daemonize", "no")
	lw := &lockedWriter{w: &out} // one writer: exec then copies both streams through one pipe
	cmd.Stdout, cmd.Stderr = lw, lw
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	opts, _ := redis.ParseURL(p.url())
	if err := waitReady(ctx, opts, exited); err != nil {
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("%w; redis-server said: %s", err, strings.TrimSpace(out.String()))
	}
	p.cmd, p.exited = cmd, exited
	return nil
}

func (p *proc) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.cmd = nil
}

// Private is a redis-server of the test's own (never REDIS_URL's), which the test may kill and
// start again on the same port: for tests of Redis failing under load.
type Private struct {
	*Server
	p *proc
}

// Start starts a private redis-server for the test, failing it with a clear message when no
// redis-server binary is available.
func Start(tb testing.TB) *Private {
	tb.Helper()
	p, err := startPrivate(tb)
	if err != nil {
		tb.Fatalf("redistest: this test needs a redis-server of its own to stop and start, and starting one failed: %v "+
			"(install redis-server, e.g. apt-get install redis-server)", err)
	}
	opts, _ := redis.ParseURL(p.url())
	return &Private{Server: &Server{URL: p.url(), Prefix: "redistest:" + randomHex(6) + ":", opts: opts}, p: p}
}

// Kill stops the server abruptly (its data is gone: it keeps nothing on disk).
func (s *Private) Kill(tb testing.TB) {
	tb.Helper()
	s.p.kill()
}

// Restart starts the server again on the same port.
func (s *Private) Restart(tb testing.TB) {
	tb.Helper()
	if err := s.p.launch(tb.Context()); err != nil {
		tb.Fatalf("redistest: restart: %v", err)
	}
}

func waitReady(ctx context.Context, opts *redis.Options, exited <-chan error) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("redis-server exited early: %v", err)
		default:
		}
		err := ping(ctx, opts, 500*time.Millisecond)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING within 10s: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func ping(ctx context.Context, opts *redis.Options, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	o := *opts
	o.MaxRetries = -1
	c := redis.NewClient(&o)
	defer c.Close()
	return c.Ping(ctx).Err()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("pick a free port: not a TCP address")
	}
	return addr.Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
