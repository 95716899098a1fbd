package daemon

import (
	"testing"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/policy"
)

// Every field of a tenant's objects moves its hash; nothing else does.
func TestHashObjectsCoversEveryField(t *testing.T) {
	base := func() []*desired.Object {
		return []*desired.Object{
			{ID: object.ID{System: object.Vault, Kind: object.Policy, Name: "p"}, Tenant: "a",
				Spec: desired.NewPolicySpec("p", policy.Policy{Rules: []policy.Rule{{Path: "secret/data/a/x", Capabilities: []string{"read"}}}}, "c")},
			{ID: object.ID{System: object.Kubernetes, Kind: object.Namespace, Name: "ns"}, Tenant: "a",
				Refs: []object.ID{{System: object.Vault, Kind: object.Policy, Name: "p"}},
				Spec: desired.MustManifest(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "ns"}})},
		}
	}
	want := hashObjects(base())
	if got := hashObjects(base()); got != want {
		t.Fatalf("equal objects hash differently: %s, %s", want, got)
	}
	for name, change := range map[string]func(o []*desired.Object){
		"an ID's name":       func(o []*desired.Object) { o[0].ID.Name = "q" },
		"an ID's scope":      func(o []*desired.Object) { o[1].ID.Scope = "x" },
		"the tenant":         func(o []*desired.Object) { o[0].Tenant = "b" },
		"a reference":        func(o []*desired.Object) { o[1].Refs[0].Name = "q" },
		"one more reference": func(o []*desired.Object) { o[1].Refs = append(o[1].Refs, o[1].Refs[0]) },
		"the policy":         func(o []*desired.Object) { o[0].Spec = desired.NewPolicySpec("p", policy.Policy{}, "c") },
		"the manifest": func(o []*desired.Object) {
			o[1].Spec = desired.MustManifest(map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "nt"}})
		},
		"the order":           func(o []*desired.Object) { o[0], o[1] = o[1], o[0] },
		"one object less":     func(o []*desired.Object) { o[1].ID = o[0].ID; o[1].Spec = o[0].Spec; o[1].Refs = nil },
		"a field moved along": func(o []*desired.Object) { o[0].ID.Name, o[0].ID.Scope = "", "p" },
	} {
		t.Run(name, func(t *testing.T) {
			o := base()
			change(o)
			if got := hashObjects(o); got == want {
				t.Errorf("hash unchanged after changing %s", name)
			}
		})
	}
}
