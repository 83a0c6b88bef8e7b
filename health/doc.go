// Package health answers /healthz (the process serves HTTP) and /readyz (Redis, when configured,
// and Gladly answer; 503 while draining). It must not spend the organization's rate limit on
// every probe (a success is reused for a while) nor show credentials or URLs in its answers.
package health
