//go:build tools

// Package tools pins promtool (github.com/prometheus/prometheus/cmd/promtool):
// the alert rules' unit tests run it (`promtool test rules`).
package tools

import _ "github.com/prometheus/prometheus/cmd/promtool"
