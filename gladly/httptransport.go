package gladly

import (
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// DefaultIdleConnsPerHost matches the response cache's fetch concurrency (loaders' default 100):
// a batch of that many Gladly calls finds as many idle connections the next time.
const DefaultIdleConnsPerHost = 100

// NewTransport returns the HTTP transport for Gladly: one host, called by up to
// idleConnsPerHost requests at once (the fetch concurrency). Go's default keeps 2 idle
// connections per host, so a batch of 100 calls closed 98 connections and the next batch opened
// them again (a TLS handshake each against real Gladly: ~95 new connections per cold `entities`
// operation). HTTP/2 is used when Gladly offers it (one connection then carries every call).
// Proxies come from the environment, as with http.DefaultTransport.
func NewTransport(idleConnsPerHost int) *http.Transport {
	idle := max(idleConnsPerHost, 2)
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// ConnCounter is a RoundTripper counting the connections its requests were sent on, new or
// reused: connection reuse as a figure (the bench prints new connections per 100 Gladly calls).
type ConnCounter struct {
	Base        http.RoundTripper // nil: http.DefaultTransport
	New, Reused atomic.Int64
}

// RoundTrip sends req on Base, noting whether its connection was new.
func (c *ConnCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused {
			c.Reused.Add(1)
		} else {
			c.New.Add(1)
		}
	}}
	base := c.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
}

// CloseIdleConnections closes the connections the client keeps idle (on shutdown: each holds
// two goroutines and a socket until Gladly's side times it out).
func (c *Client) CloseIdleConnections() { c.httpClient.CloseIdleConnections() }
