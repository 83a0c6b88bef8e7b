package config

import (
	"strconv"
	"time"
)

// Subscriptions bound the GraphQL subscriptions (DESIGN.md §10): how much of each account's
// event log is kept for resuming, how many subscriptions one caller and one WebSocket
// connection may hold open on a replica, and how long one may stay open.
type Subscriptions struct {
	// EventLogMaxLen caps each account's event log (Redis stream, or in process): the events a
	// subscription can resume after from the log before Gladly's Events API is asked.
	EventLogMaxLen int
	PerCaller      int
	PerConnection  int
	// IdleTimeout ends a subscription that received no event for this long (0: never).
	IdleTimeout time.Duration
	// MaxLifetime ends every subscription after this long (0: never): clients resubscribe after
	// their last cursor, which spreads them over replicas again after a deploy.
	MaxLifetime time.Duration
}

func defaultSubscriptions() Subscriptions {
	return Subscriptions{EventLogMaxLen: 10000, PerCaller: 100, PerConnection: 25, IdleTimeout: 0, MaxLifetime: 24 * time.Hour}
}

// Subscription settings come after the others in -help.
func init() {
	settings = append(settings,
		setting{env: "EVENT_LOG_MAXLEN", def: "10000", usage: "events kept per account for subscriptions to resume after a cursor (older ones come from Gladly's Events API)", set: func(c *Config, v string) error {
			n, err := parseInt(v, 1, 10_000_000)
			c.Subscriptions.EventLogMaxLen = n
			return err
		}},
		setting{env: "SUBSCRIPTIONS_PER_CALLER", def: "100", usage: "most subscriptions one caller may hold open on a replica (0: no cap)", set: func(c *Config, v string) error {
			n, err := parseInt(v, 0, 1_000_000)
			c.Subscriptions.PerCaller = n
			return err
		}},
		setting{env: "SUBSCRIPTIONS_PER_CONNECTION", def: "25", usage: "most subscriptions one WebSocket connection may carry (0: no cap)", set: func(c *Config, v string) error {
			n, err := parseInt(v, 0, 1_000_000)
			c.Subscriptions.PerConnection = n
			return err
		}},
		setting{env: "SUBSCRIPTION_IDLE_TIMEOUT", def: "0", usage: "ends a subscription that received no event for this long (0: never)", set: func(c *Config, v string) error {
			d, err := parseDuration(v, 0, 7*24*time.Hour)
			c.Subscriptions.IdleTimeout = d
			return err
		}},
		setting{env: "SUBSCRIPTION_MAX_LIFETIME", def: "24h", usage: "ends every subscription after this long; clients resubscribe after their last cursor (0: never)", set: func(c *Config, v string) error {
			d, err := parseDuration(v, 0, 7*24*time.Hour)
			c.Subscriptions.MaxLifetime = d
			return err
		}},
	)
}

func (s Subscriptions) fields() [][2]string {
	return [][2]string{
		{"EVENT_LOG_MAXLEN", strconv.Itoa(s.EventLogMaxLen)},
		{"SUBSCRIPTIONS_PER_CALLER", strconv.Itoa(s.PerCaller)},
		{"SUBSCRIPTIONS_PER_CONNECTION", strconv.Itoa(s.PerConnection)},
		{"SUBSCRIPTION_IDLE_TIMEOUT", s.IdleTimeout.String()},
		{"SUBSCRIPTION_MAX_LIFETIME", s.MaxLifetime.String()},
	}
}
