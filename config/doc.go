// Package config owns gladgraph's configuration: every environment variable and its flag, their
// defaults, parsing and validation (Load reports every problem at once as an *Error), how a
// Config is shown without its secrets, REDIS_URL's forms and the demo's injected faults
// (GLADLY_DEMO_FAULTS).
//
// It must not start anything or serve anything: it reads, checks and describes. A new setting is
// one entry in settings (vars.go) and a field of Config.
package config
