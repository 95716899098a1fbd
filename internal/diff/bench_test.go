package diff

import (
	"fmt"
	"testing"
)

// BenchmarkCompute plans 500 tenants (KV + database each) whose live state
// matches except for one drifted field per tenant: the daemon's steady state.
func BenchmarkCompute(b *testing.B) {
	var files []string
	for i := range 500 {
		files = append(files, fmt.Sprintf(`apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata: {name: t%03d}
spec:
  secrets:
    - {name: s, path: app/config, keys: [a, b]}
  databases:
    - {name: catalog, connection: catalog, privilege: readonly}
`, i))
	}
	t := &testing.T{}
	cfg, st := fixture(t, files...)
	l := converged(cfg, st)
	for _, o := range st.Objects {
		if o.ID.Kind == "KubernetesAuthRole" {
			delete(l.Objects, o.ID) // one create per tenant
		}
	}
	in := Input{Config: cfg, Desired: st, Live: l, Now: now}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p := Compute(in)
		if p.Summary.Create != 500 {
			b.Fatalf("creates = %d", p.Summary.Create)
		}
	}
}
