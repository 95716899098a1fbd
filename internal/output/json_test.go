package output

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// manyTenants is a state of n tenants shaped like the shipped ones: more
// than one batch of every list.
func manyTenants(t testing.TB, n int) *desired.State {
	files := make([]tenant.File, n)
	for i := range files {
		name := fmt.Sprintf("t-%04d", i)
		files[i] = tenant.File{Path: name + ".yaml", Data: fmt.Appendf(nil, "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: %s\nspec:\n  secrets:\n    - name: s\n      path: a/b\n      keys: [k]\n  databases:\n    - name: db\n      connection: catalog\n      privilege: readonly\n", name)}
	}
	cfg := config.Default()
	set := tenant.Parse(files, cfg)
	st, err := desired.Build(cfg, set)
	if err != nil || set.Err() != nil {
		t.Fatal(err, set.Err())
	}
	return st
}

// stateJSON writes what json.Encoder writes, byte for byte.
func TestStateJSONIsEncodersJSON(t *testing.T) {
	repo, err := reconcile.Load("../..", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*desired.State{
		"the shipped tenants": repo.State,
		"600 tenants":         manyTenants(t, 600),
		"nil lists":           {},
		"HTML escaped":        {Tenants: []desired.Tenant{{Name: "<a&b>", Namespace: "\u2028"}}},
		"empty lists":         {Tenants: []desired.Tenant{}, Objects: []desired.Object{}, External: []desired.External{}},
	} {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := JSON(&want, stateOut(s)); err != nil {
				t.Fatal(err)
			}
			if err := stateJSON(&got, s); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), got.String()); diff != "" {
				t.Errorf("(-json.Encoder +stateJSON):\n%s", diff)
			}
		})
	}
}

// stateOut is s as render writes it: each tenant with its objects.
func stateOut(s *desired.State) any {
	var tenants []*tenantOut
	if s.Tenants != nil {
		out := tenantsOut(s)
		tenants = []*tenantOut{}
		for i := range s.Tenants {
			tenants = append(tenants, out(&s.Tenants[i]))
		}
	}
	return struct {
		Tenants  []*tenantOut       `json:"tenants"`
		Objects  []desired.Object   `json:"objects"`
		External []desired.External `json:"external"`
	}{tenants, s.Objects, s.External}
}
