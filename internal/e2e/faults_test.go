package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// faultProxy sits between syncd and Vault on loopback. Each write request
// (PUT, POST, DELETE) to a path meets, attempt by attempt: a reset
// connection, a 503 (as a sealed or overloaded Vault answers), a stall past
// the client's timeout after which it is forwarded anyway (the write lands
// while the client has given up), and then Vault. Reads pass through.
type faultProxy struct {
	*httptest.Server
	mu                        sync.Mutex
	attempts                  map[string]int
	resets, unavailable, slow atomic.Int64
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	must(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	p := &faultProxy{attempts: map[string]int{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == "LIST" {
			rp.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		p.attempts[r.Method+" "+r.URL.Path]++
		n := p.attempts[r.Method+" "+r.URL.Path]
		p.mu.Unlock()
		switch n {
		case 1:
			p.resets.Add(1)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0) // RST, not FIN
				conn.Close()
			}
		case 2:
			p.unavailable.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":["Vault is sealed"]}`))
		case 3:
			p.slow.Add(1)
			time.Sleep(1500 * time.Millisecond) // the client gives up after 1s
			rp.ServeHTTP(w, r.WithContext(context.WithoutCancel(r.Context())))
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

// TestApplyThroughFaults applies through the fault proxy: every change ends
// applied after retries, or failed cleanly; a re-apply straight to Vault
// converges, and the inventory then matches the live systems exactly.
func TestApplyThroughFaults(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepoWith(t, "e2e-fault", fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\n", bed.VaultAddr), map[string]string{
		"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n" +
			"  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n",
		"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n",
	})
	for _, tn := range []string{"shop", "blog"} {
		namespace(t, "e2e-fault-"+tn, "eso", tn)
	}
	proxy := newFaultProxy(t, bed.VaultAddr)
	cmd := exec.Command(syncdBinary(t), "apply", "--dir", r.dir, "--auto-approve", "-o", "json", "--kubeconfig", kubeconfig(t, ""))
	cmd.Env = append(os.Environ(), "VAULT_ADDR="+proxy.URL, "VAULT_TOKEN="+bed.VaultToken, "VAULT_CLIENT_TIMEOUT=1s")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run()
	var res apply.Result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("apply through faults: %v\n%s\n%s", err, out.String(), errb.String())
	}
	if proxy.resets.Load() == 0 || proxy.unavailable.Load() == 0 || proxy.slow.Load() == 0 {
		t.Fatalf("faults injected: %d resets, %d 503s, %d stalls", proxy.resets.Load(), proxy.unavailable.Load(), proxy.slow.Load())
	}
	retried := 0
	for _, c := range res.Changes {
		if c.Attempts > 1 {
			retried++
		}
		if c.Status != apply.Applied && c.Error == "" && c.Upstream == nil {
			t.Errorf("%s %s without a cause", c.ID, c.Status)
		}
		if c.Status != apply.Applied {
			t.Logf("%s %s: %s", c.ID.Short(), c.Status, c.Error)
		}
	}
	t.Logf("through the proxy: %+v; %d changes retried; injected %d resets, %d 503s, %d stalls",
		res.Summary, retried, proxy.resets.Load(), proxy.unavailable.Load(), proxy.slow.Load())
	// Every Vault write met a reset, a 503 and a stall, and was retried
	// through them; the inventory's own writes too (or nothing would apply).
	if !res.OK() {
		t.Errorf("through the faults: %+v, errors %v", res.Summary, res.Errors)
	}
	for _, c := range res.Changes {
		if c.ID.System == object.Vault && c.Attempts != 4 {
			t.Errorf("%s: %d attempts, want 4 (reset, 503, stall, through)", c.ID, c.Attempts)
		}
	}
	// Straight to Vault, a re-apply converges.
	code, text, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve")
	if code != 0 {
		t.Fatalf("re-apply: exit %d\n%s\n%s", code, text, errOut)
	}
	checkInvariants(t, r, nil)
}
