package daemon

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxPayload caps a webhook's body.
const maxPayload = 1 << 20

// Handler serves /healthz, /readyz, /metrics, /status and the push
// webhooks /webhook/github (X-Hub-Signature-256, HMAC-SHA256 of the body)
// and /webhook/gitlab (X-Gitlab-Token), both verified in constant time
// against secret; a webhook with a bad or missing signature gets 401 and
// triggers nothing. With an empty secret the webhooks are off (404).
func (d *Daemon) Handler(secret string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		st := d.snapshot()
		switch {
		case st.Standby:
			_, _ = io.WriteString(w, "ok: standing by\n")
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
	mux.HandleFunc("POST /webhook/{forge}", func(w http.ResponseWriter, r *http.Request) {
		if secret == "" {
			http.NotFound(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
		if err != nil {
			http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
			return
		}
		if !verified(r, secret, body) {
			d.cfg.Log.Warn("webhook refused: bad or missing signature", "forge", r.PathValue("forge"), "remote", r.RemoteAddr)
			http.Error(w, "bad or missing signature", http.StatusUnauthorized)
			return
		}
		d.Trigger(false)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "reconcile triggered\n")
	})
	return mux
}

func verified(r *http.Request, secret string, body []byte) bool {
	switch r.PathValue("forge") {
	case "github":
		sig, ok := strings.CutPrefix(r.Header.Get("X-Hub-Signature-256"), "sha256=")
		got, err := hex.DecodeString(sig)
		if !ok || err != nil {
			return false
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		return hmac.Equal(got, mac.Sum(nil))
	case "gitlab":
		return subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Gitlab-Token")), []byte(secret)) == 1
	}
	return false
}
