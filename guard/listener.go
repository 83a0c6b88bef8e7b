package guard

import (
	"io"
	"net"
	"sync"
	"time"
)

// LimitListener keeps at most max connections open (MAX_CONNECTIONS). A connection over the
// limit is accepted, answered "503 Service Unavailable" with Retry-After and closed — the client
// learns at once, where a listener that stops accepting leaves it hanging in the backlog, and
// the process never runs out of descriptors. max ≤ 0 returns l unchanged. Pair it with the
// server's IdleTimeout so idle keep-alive connections give their places back.
func LimitListener(l net.Listener, max int) net.Listener {
	if max <= 0 {
		return l
	}
	return &limitListener{Listener: l, sem: make(chan struct{}, max)}
}

type limitListener struct {
	net.Listener
	sem chan struct{}
}

// refusal is written to a connection over the limit (plain HTTP/1.1; behind TLS termination).
const refusal = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 25\r\n\r\ntoo many open connections"

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.sem <- struct{}{}:
			return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
		default:
			go refuse(c)
		}
	}
}

// refuse answers and closes gracefully: it stops writing, then drains what the client sent
// for a moment, so that closing with unread data (a TCP reset) cannot destroy the answer before
// the client reads it.
func refuse(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte(refusal)); err != nil {
		return
	}
	if tc, ok := c.(interface{ CloseWrite() error }); ok {
		_ = tc.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// Open reports how many connections the listener holds (tests, metrics).
func Open(l net.Listener) int {
	if ll, ok := l.(*limitListener); ok {
		return len(ll.sem)
	}
	return -1
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
