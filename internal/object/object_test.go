package object

import (
	"encoding/json"
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

// An identity decodes from the plan's and the inventory's JSON, escapes
// and unknown systems and kinds included.
func TestIDDecodes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     ID
	}{
		{name: "known", in: `{"system":"vault","kind":"Policy","scope":"sys","name":"p"}`,
			want: ID{System: Vault, Kind: Policy, Scope: "sys", Name: "p"}},
		{name: "kubernetes kind", in: `{"system":"kubernetes","kind":"ExternalSecret.external-secrets.io","scope":"ns","name":"e"}`,
			want: ID{System: Kubernetes, Kind: ExternalSecret, Scope: "ns", Name: "e"}},
		{name: "escaped known", in: `{"system":"vaul\u0074","kind":"Polic\u0079","name":"p"}`,
			want: ID{System: Vault, Kind: Policy, Name: "p"}},
		{name: "unknown", in: `{"system":"other","kind":"Thing","name":"x"}`,
			want: ID{System: "other", Kind: "Thing", Name: "x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got ID
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("decoded %+v, want %+v", got, tc.want)
			}
		})
	}
	var bad ID
	if err := json.Unmarshal([]byte(`{"kind":3}`), &bad); err == nil {
		t.Error("a number decoded as a kind")
	}
}
