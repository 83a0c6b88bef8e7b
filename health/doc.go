// Package health answers /healthz (the process serves HTTP) and /readyz (the instance can serve:
// its accounts store answers; Redis and Gladly are reported as "degraded" without failing it;
// 503 while draining). It must not spend the organization's rate limit on
// every probe (a success is reused for a while) nor show credentials or URLs in its answers.
package health
