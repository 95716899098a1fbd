package daemon

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves /healthz, /readyz, /metrics and /status: what operators
// and Prometheus read, on its own listener (the webhooks have theirs).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		st := d.snapshot()
		switch {
		case st.Standby:
			_, _ = io.WriteString(w, "ok: standing by\n")
		case time.Since(latest(st.LastCycle, d.started)) > d.cfg.StaleAfter:
			http.Error(w, fmt.Sprintf("no reconcile cycle finished for %s: the loop is stuck", time.Since(latest(st.LastCycle, d.started)).Round(time.Second)), http.StatusServiceUnavailable)
		case st.LastSuccess.IsZero():
			http.Error(w, "no reconcile has succeeded yet", http.StatusServiceUnavailable)
		default:
			_, _ = io.WriteString(w, "ok\n")
		}
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.cfg.Metrics.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(d.snapshot())
	})
	return mux
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
