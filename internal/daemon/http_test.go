package daemon

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/source"
)

type failingSource struct{}

func (failingSource) Fetch(context.Context) (source.Snapshot, error) {
	return source.Snapshot{}, errors.New("unreachable")
}

func probe(t *testing.T, d *Daemon, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	d.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// Liveness fails only when the loop is wedged (no cycle and no request for
// StaleAfter); readiness also waits for the first cycle, and a failed
// reconcile keeps both: the cause is in the log, /status and the metrics.
func TestProbes(t *testing.T) {
	var logs bytes.Buffer
	var requests atomic.Int64
	d := New(Config{Source: failingSource{}, Poll: time.Hour, StaleAfter: time.Minute, Progress: requests.Load,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	start := d.health.beat
	type verdict struct{ NotLive, NotReady string }
	check := func(step string, at time.Time, want verdict) {
		t.Helper()
		var got verdict
		got.NotLive, got.NotReady = d.probe(at)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", step, diff)
		}
	}
	check("at start", start, verdict{NotReady: "the first reconcile has not finished yet"})
	if code, body := probe(t, d, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "first reconcile") {
		t.Errorf("/readyz at start: %d %q", code, body)
	}
	if code, _ := probe(t, d, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz at start: %d", code)
	}
	d.Once(context.Background(), true) // the fetch fails; the cycle finishes
	now := d.health.beat
	check("after a failed reconcile", now, verdict{})
	if code, _ := probe(t, d, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after a failed reconcile: %d", code)
	}
	wedged := "the loop is wedged: no cycle and no request for 1m1s"
	check("no cycle, no request", now.Add(61*time.Second), verdict{NotLive: wedged, NotReady: wedged})
	requests.Add(1)
	check("a request made", now.Add(62*time.Second), verdict{})
	check("quiet again", now.Add(123*time.Second), verdict{NotLive: wedged, NotReady: wedged})
	d.setError(func(s *Status) { s.Standby = true })
	check("standing by", now.Add(124*time.Second), verdict{})
	for _, want := range []string{"level=ERROR msg=\"not live: " + wedged, "level=INFO msg=\"ready again\""} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log has no %q:\n%s", want, logs.String())
		}
	}
}

// readCounter records whether a body was read.
type readCounter struct{ n int }

func (r *readCounter) Read(p []byte) (int, error) { r.n++; return 0, io.EOF }

func TestWebhooks(t *testing.T) {
	secret := "hook-secret"
	body := []byte(`{"ref":"refs/heads/main"}`)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	good := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	tests := map[string]struct {
		forge, header, value string
		code                 int
		bodyRead, triggered  bool
	}{
		"github, good signature": {forge: "github", header: "X-Hub-Signature-256", value: good, code: http.StatusAccepted, bodyRead: true, triggered: true},
		"github, wrong secret":   {forge: "github", header: "X-Hub-Signature-256", value: "sha256=" + strings.Repeat("ab", 32), code: http.StatusUnauthorized, bodyRead: true},
		"github, no signature":   {forge: "github", code: http.StatusUnauthorized},
		"github, malformed":      {forge: "github", header: "X-Hub-Signature-256", value: "sha256=zz", code: http.StatusUnauthorized},
		"github, short":          {forge: "github", header: "X-Hub-Signature-256", value: "sha256=abcd", code: http.StatusUnauthorized},
		"gitlab, good token":     {forge: "gitlab", header: "X-Gitlab-Token", value: secret, code: http.StatusAccepted, triggered: true},
		"gitlab, wrong token":    {forge: "gitlab", header: "X-Gitlab-Token", value: "nope", code: http.StatusUnauthorized},
		"an unknown forge":       {forge: "gitea", header: "X-Gitea-Signature", value: "x", code: http.StatusUnauthorized},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			h := d.WebhookHandler(secret, DefaultWebhookLimits)
			rc := &readCounter{}
			var r io.Reader = rc
			if tc.bodyRead {
				r = io.MultiReader(rc, bytes.NewReader(body))
			}
			req := httptest.NewRequest(http.MethodPost, "/webhook/"+tc.forge, r)
			if tc.header != "" {
				req.Header.Set(tc.header, tc.value)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code {
				t.Errorf("code %d, want %d", rec.Code, tc.code)
			}
			if read := rc.n > 0; read != tc.bodyRead {
				t.Errorf("body read: %v, want %v", read, tc.bodyRead)
			}
			select {
			case <-d.trigger:
				if !tc.triggered {
					t.Error("triggered a reconcile")
				}
			default:
				if tc.triggered {
					t.Error("no reconcile triggered")
				}
			}
		})
	}
}

// A flood of well-formed deliveries is rate-limited before any body is
// read, and deliveries beyond InFlight are refused rather than queued.
func TestWebhookFloodIsBounded(t *testing.T) {
	d := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	h := d.WebhookHandler("s", WebhookLimits{InFlight: 1, Rate: 0.001, Burst: 3})
	codes := map[int]int{}
	for range 10 {
		req := httptest.NewRequest(http.MethodPost, "/webhook/gitlab", nil)
		req.Header.Set("X-Gitlab-Token", "s")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		codes[rec.Code]++
	}
	if diff := cmp.Diff(map[int]int{http.StatusAccepted: 3, http.StatusTooManyRequests: 7}, codes); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	block := make(chan struct{})
	h = d.WebhookHandler("s", WebhookLimits{InFlight: 1, Rate: 1000, Burst: 1000})
	slow := httptest.NewRequest(http.MethodPost, "/webhook/github", io.MultiReader(blockingReader(block)))
	slow.Header.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("ab", 32))
	done := make(chan struct{})
	go func() { h.ServeHTTP(httptest.NewRecorder(), slow); close(done) }()
	for {
		req := httptest.NewRequest(http.MethodPost, "/webhook/gitlab", nil)
		req.Header.Set("X-Gitlab-Token", "s")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusServiceUnavailable {
			break // the one slot is held by the slow delivery
		}
		time.Sleep(time.Millisecond)
	}
	close(block)
	<-done
}

type blockingReader chan struct{}

func (b blockingReader) Read([]byte) (int, error) { <-b; return 0, io.EOF }

// A client that sends its headers a byte at a time is cut off by the
// server's limits; so is one that holds a connection idle.
func TestServerCutsOffSlowClients(t *testing.T) {
	lim := ServerLimits{ReadHeader: 100 * time.Millisecond, Read: 200 * time.Millisecond, Write: time.Second, Idle: 100 * time.Millisecond, MaxConns: 4, MaxHeaderBytes: 1 << 10}
	ln, err := Listen("127.0.0.1:0", lim)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(http.NotFoundHandler(), lim)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	closed := make(chan error, 1)
	go func() {
		for _, b := range []byte("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ") {
			if _, err := c.Write([]byte{b}); err != nil {
				closed <- err
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		_, err := io.ReadAll(c) // the server closes the connection
		closed <- err
	}()
	select {
	case <-closed:
	case <-time.After(time.Minute): // a hang, far past every limit
		t.Fatal("a slow client kept its connection")
	}
}

// A tenant gone from the files, with no error and nothing left to do,
// leaves /status and the syncd_tenant_error series; one still failing, or
// still being off-boarded, stays.
func TestRemovedTenantsArePruned(t *testing.T) {
	d := New(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	present := map[string]bool{"kept": true}
	for _, name := range []string{"kept", "gone", "failing", "offboarding"} {
		d.status.Tenants[name] = &TenantStatus{}
		d.cfg.Metrics.TenantErrors.WithLabelValues(name).Set(1)
	}
	out := Outcome{Plan: &diff.Plan{Changes: []diff.Change{{Tenant: "offboarding", Action: diff.Delete}}}}
	d.recordTenants(out, map[string]string{"failing": "boom"}, nil, "r1", time.Now(), func(n string) bool { return present[n] })
	var got []string
	for name := range d.status.Tenants {
		got = append(got, name)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{"failing", "kept", "offboarding"}, got); diff != "" {
		t.Errorf("/status tenants (-want +got):\n%s", diff)
	}
	if n := testutil.CollectAndCount(d.cfg.Metrics.TenantErrors); n != 3 {
		t.Errorf("syncd_tenant_error has %d series, want 3", n)
	}
}
