package e2e_test

import (
	"net"
	"strings"
	"testing"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestFirstErrorsAreOneLine: the errors a new user meets first — a token
// Vault refuses, an unreachable Vault, no kubeconfig, a wrong context — are
// one line each: what was tried, what was refused, what to set; exit 1.
func TestFirstErrorsAreOneLine(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-err", map[string]string{"solo": ""})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	closed := "http://" + ln.Addr().String()
	ln.Close()
	tests := map[string]struct {
		env        map[string]string
		kubeconfig string
		args       []string
		want       []string
	}{
		"a token Vault refuses": {
			env:  map[string]string{"VAULT_TOKEN": "hvs.not-a-token"},
			want: []string{"Vault at " + bed.VaultAddr + " answered 403", "permission denied", "set VAULT_TOKEN"},
		},
		"Vault unreachable": {
			env:  map[string]string{"VAULT_ADDR": closed, "VAULT_TOKEN": "x"},
			want: []string{"cannot reach " + closed, "connection refused", "VAULT_ADDR"},
		},
		"no kubeconfig": {
			kubeconfig: "/nonexistent/kubeconfig",
			want:       []string{"tried /nonexistent/kubeconfig (the in-cluster service account is not tried when a kubeconfig or context is named)", "set --kubeconfig or KUBECONFIG"},
		},
		"a context that does not exist": {
			args: []string{"--context", "prod-typo"},
			want: []string{`(context "prod-typo")`, "set --kubeconfig or KUBECONFIG"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv("VAULT_ADDR", bed.VaultAddr)
			t.Setenv("VAULT_TOKEN", bed.VaultToken)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			kc := tc.kubeconfig
			if kc == "" {
				kc = kubeconfig(t, "")
			}
			var out, errb strings.Builder
			code := runCLI(append([]string{"plan", "--dir", r.dir, "--kubeconfig", kc}, tc.args...), &out, &errb)
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			last := lines[len(lines)-1]
			if code != 1 || !strings.HasPrefix(last, "error: ") {
				t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(last, w) {
					t.Errorf("error line lacks %q:\n%s", w, last)
				}
			}
		})
	}
}
