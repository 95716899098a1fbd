package desired_test

import (
	"fmt"
	"testing"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// BenchmarkValidate10k is `syncd validate` without the disk: 10,000 tenant
// files shaped like acme-books (two KV secrets, one database) parsed,
// claimed in one index across tenants, built and proven isolated. Every
// cross-tenant check must stay linear.
func BenchmarkValidate10k(b *testing.B) {
	const n = 10000
	files := make([]tenant.File, n)
	for i := range files {
		name := fmt.Sprintf("tenant-%05d", i)
		files[i] = tenant.File{Path: "tenants/" + name + ".yaml", Data: fmt.Appendf(nil, `apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata:
  name: %s
spec:
  secrets:
    - {name: stripe, path: payments/stripe, keys: [api_key, webhook_secret]}
    - {name: smtp, path: mail/smtp, keys: [username, password], target: smtp-credentials, refreshInterval: 15m}
  databases:
    - {name: catalog, connection: catalog, privilege: readonly}
`, name)}
	}
	cfg := config.Default()
	b.ReportAllocs()
	for b.Loop() {
		set := tenant.Parse(files, cfg)
		st, err := desired.Build(cfg, set)
		if err != nil || set.Err() != nil {
			b.Fatal(err, set.Err())
		}
		if err := desired.CheckIsolation(cfg, st); err != nil {
			b.Fatal(err)
		}
		if len(st.Tenants) != n {
			b.Fatalf("%d tenants", len(st.Tenants))
		}
	}
}
