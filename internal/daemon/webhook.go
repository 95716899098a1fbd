package daemon

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"golang.org/x/time/rate"
)

// maxPayload caps a webhook's body.
const maxPayload = 1 << 20

// WebhookLimits bound what the webhook listener spends on its callers.
type WebhookLimits struct {
	// InFlight is how many deliveries are read and verified at once; more
	// are refused (503) rather than queued.
	InFlight int
	// Rate and Burst limit deliveries accepted for verification (429
	// beyond): a trigger coalesces anyway, so a flood buys nothing.
	Rate  rate.Limit
	Burst int
}

// DefaultWebhookLimits suit a forge's push deliveries.
var DefaultWebhookLimits = WebhookLimits{InFlight: 4, Rate: 10, Burst: 20}

// WebhookHandler serves the push webhooks /webhook/github
// (X-Hub-Signature-256, HMAC-SHA256 of the body) and /webhook/gitlab
// (X-Gitlab-Token), both verified in constant time against secret; a
// delivery without a well-formed signature header is refused before its
// body is read, one with a bad signature gets 401, and neither triggers.
func (d *Daemon) WebhookHandler(secret string, lim WebhookLimits) http.Handler {
	slots := make(chan struct{}, max(lim.InFlight, 1))
	limiter := rate.NewLimiter(lim.Rate, max(lim.Burst, 1))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhook/{forge}", func(w http.ResponseWriter, r *http.Request) {
		forge := r.PathValue("forge")
		sig, ok := signature(r, forge)
		if !ok {
			http.Error(w, "bad or missing signature", http.StatusUnauthorized)
			return
		}
		if !limiter.Allow() {
			http.Error(w, "too many deliveries", http.StatusTooManyRequests)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if !verified(forge, sig, secret, r) {
			d.cfg.Log.Warn("webhook refused: bad signature", "forge", forge, "remote", r.RemoteAddr)
			http.Error(w, "bad or missing signature", http.StatusUnauthorized)
			return
		}
		d.Trigger(false)
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "reconcile triggered\n")
	})
	return mux
}

// signature returns the delivery's signature header, decoded, if it is
// well formed for the forge.
func signature(r *http.Request, forge string) ([]byte, bool) {
	switch forge {
	case "github":
		hexSig, ok := strings.CutPrefix(r.Header.Get("X-Hub-Signature-256"), "sha256=")
		sig, err := hex.DecodeString(hexSig)
		return sig, ok && err == nil && len(sig) == sha256.Size
	case "gitlab":
		tok := r.Header.Get("X-Gitlab-Token")
		return []byte(tok), tok != ""
	}
	return nil, false
}

// verified checks the signature: GitLab's token alone, GitHub's against
// the body (read bounded).
func verified(forge string, sig []byte, secret string, r *http.Request) bool {
	if forge == "gitlab" {
		return subtle.ConstantTimeCompare(sig, []byte(secret)) == 1
	}
	mac := hmac.New(sha256.New, []byte(secret))
	if _, err := io.Copy(mac, http.MaxBytesReader(nil, r.Body, maxPayload)); err != nil {
		return false
	}
	return hmac.Equal(sig, mac.Sum(nil))
}
