package object

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSetOps(t *testing.T) {
	p := ID{System: Vault, Kind: Policy, Scope: "sys", Name: "p"}
	r := ID{System: Vault, Kind: AuthRole, Scope: "auth/kubernetes", Name: "r"}
	e := ID{System: Kubernetes, Kind: ExternalSecret, Scope: "ns", Name: "e"}
	a, b := NewSet(p, r), NewSet(r, e)
	if diff := cmp.Diff([]ID{e, r, p}, a.Union(b).Sorted()); diff != "" {
		t.Errorf("Union (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ID{p}, a.Diff(b).Sorted()); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if !a.Has(p) || a.Has(e) {
		t.Errorf("Has wrong")
	}
}

func TestString(t *testing.T) {
	tests := map[string]struct {
		id          ID
		long, short string
	}{
		"vault policy": {ID{Vault, Policy, "sys", "p"}, "vault/Policy/sys/p", "Policy p"},
		"k8s namespaced": {ID{Kubernetes, ExternalSecret, "ns", "e"},
			"kubernetes/ExternalSecret.external-secrets.io/ns/e", "ExternalSecret ns/e"},
		"no scope": {ID{Kubernetes, Namespace, "", "ns"}, "kubernetes/Namespace/ns", "Namespace ns"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.id.String(); got != tc.long {
				t.Errorf("String() = %q, want %q", got, tc.long)
			}
			if got := tc.id.Short(); got != tc.short {
				t.Errorf("Short() = %q, want %q", got, tc.short)
			}
		})
	}
}
