package daemon

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves /healthz, /readyz (health.go says what each means),
// /metrics and /status: what operators and Prometheus read, on its own
// listener (the webhooks have theirs).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		notLive, _ := d.probe(time.Now())
		answer(w, notLive, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		_, notReady := d.probe(time.Now())
		ok := "ok\n"
		d.mu.Lock() // not snapshot: a probe every few seconds copies no tenant's status
		standby := d.status.Standby
		d.mu.Unlock()
		if standby {
			ok = "ok: standing by\n"
		}
		answer(w, notReady, ok)
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

// answer writes 503 and the problem, or 200 and ok when there is none.
func answer(w http.ResponseWriter, problem, ok string) {
	if problem != "" {
		http.Error(w, problem, http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, ok)
}
