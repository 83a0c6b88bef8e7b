// Package demo starts the in-process fake Gladly (gladly/gladlytest) that gladgraph serves when
// no Gladly is configured, and writes the log lines that announce it. It owns nothing else: the
// faults it injects are parsed by package config, and it never runs against a real Gladly.
package demo
