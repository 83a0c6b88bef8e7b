package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

// The Node peer (bench/peer): the same queries answered by Apollo Server 5 + @apollo/subgraph +
// RESTDataSource (HTTP cache in Redis) + per-request DataLoader, started as a child process
// against the same fake Gladly and Redis. Its two modes are cold (a fresh cache scope per
// operation, as gladgraph's cold) and warm (the scope filled by an earlier operation).
const (
	peerCold = "peer-cold"
	peerWarm = "peer-warm"
)

// peerProc is the running peer.
type peerProc struct {
	url string
	pid int
	cmd *exec.Cmd
}

// peerDir is bench/peer next to this file (go run ./bench compiles from the source tree).
func peerDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "peer")
}

// errNoNode skips the peer modes where Node is not installed.
var errNoNode = errors.New("node and npm are not on PATH (install Node 20 or newer to compare with the Node peer)")

// startPeer installs the peer's pinned packages when they are missing (npm ci) and starts it.
func startPeer(ctx context.Context, cfg config, fake *gladlytest.Server, rdb *redis.Client, ns string) (*peerProc, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errNoNode
	}
	dir := peerDir()
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			return nil, errNoNode
		}
		cfg.logf("bench: installing the peer's packages (npm ci in %s) …", dir)
		c := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		c.Dir, c.Stdout, c.Stderr = dir, cfg.progress, cfg.progress
		if err := c.Run(); err != nil {
			return nil, fmt.Errorf("npm ci in %s: %w", dir, err)
		}
	}
	o := rdb.Options()
	ru := url.URL{Scheme: "redis", Host: o.Addr, Path: "/" + strconv.Itoa(o.DB)}
	if o.Password != "" {
		ru.User = url.UserPassword(o.Username, o.Password)
	}
	c := exec.Command(node, "server.js")
	c.Dir = dir
	c.Env = append(os.Environ(),
		"GLADLY_URL="+fake.URL, "GLADLY_USERNAME="+fake.Username, "GLADLY_API_TOKEN="+fake.Token,
		"REDIS_URL="+ru.String(), "REDIS_PREFIX="+ns+"peer", "CACHE_TTL_SECONDS=3600", "NODE_ENV=production",
		"GLADLY_RATE_LIMIT="+strconv.Itoa(max(cfg.rate, 0)))
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c.Stderr = cfg.progress
	if err := c.Start(); err != nil {
		return nil, err
	}
	p := &peerProc{pid: c.Process.Pid, cmd: c}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				ready <- u
			}
		}
		close(ready)
	}()
	select {
	case u, ok := <-ready:
		if !ok {
			_ = c.Wait()
			return nil, fmt.Errorf("the peer exited before serving (its errors are above)")
		}
		p.url = u
	case <-time.After(60 * time.Second):
		p.stop()
		return nil, fmt.Errorf("the peer did not serve within 60 s")
	}
	return p, nil
}

func (p *peerProc) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
}

// cpu is the peer's CPU time so far (user + system, from /proc/<pid>/stat; clock ticks of 10 ms).
func (p *peerProc) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at its closing parenthesis.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func (p *peerProc) resetPeak() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.pid), []byte("5"), 0)
}

func (p *peerProc) peak() uint64 { return procPeakRSS(fmt.Sprintf("/proc/%d/status", p.pid)) }

// answer is the data of one request's answer (errors fail it).
func answer(ctx context.Context, t target, req request, scope string) (json.RawMessage, error) {
	var data json.RawMessage
	r := req
	r.check = func(d json.RawMessage) error {
		data = d
		if req.check != nil {
			return req.check(d)
		}
		return nil
	}
	err := t.do(ctx, r, scope)
	return data, err
}

// sameAnswers compares gladgraph's and the peer's answers to the query's first request, as JSON
// values; "" when they are equal, else the first difference.
func sameAnswers(ctx context.Context, q querySpec, gg, peer target, ggScope, peerScope string) (string, error) {
	req := q.op(0)[0]
	a, err := answer(ctx, gg, req, ggScope)
	if err != nil {
		return "", err
	}
	b, err := answer(ctx, peer, req, peerScope)
	if err != nil {
		return "", err
	}
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		return "", err
	}
	return firstDifference("data", va, vb), nil
}

// firstDifference names the first path where a and b differ, "" when they are equal.
func firstDifference(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: gladgraph %s, peer %s", path, short(a), short(b))
		}
		for k := range x {
			if d := firstDifference(path+"."+k, x[k], y[k]); d != "" {
				return d
			}
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				return fmt.Sprintf("%s.%s: only the peer answers it", path, k)
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return fmt.Sprintf("%s: gladgraph %s, peer %s", path, short(a), short(b))
		}
		for i := range x {
			if d := firstDifference(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("%s: gladgraph %s, peer %s", path, short(a), short(b))
	}
	return ""
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:77]) + "…"
	}
	return string(b)
}
