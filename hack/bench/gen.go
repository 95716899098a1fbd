package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// The three shapes of the shipped tenants, by i%3: acme-books (two KV
// secrets, one database), inkwell-reviews (two KV secrets, own auth TTLs)
// and warehouse-ops (one secret, two databases, its own namespace and
// service account).
var shapes = []string{`apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata:
  name: NAME
spec:
  secrets:
    - name: stripe
      path: payments/stripe
      keys: [api_key, webhook_secret]
    - name: smtp
      path: mail/smtp
      keys: [username, password]
      target: smtp-credentials
      refreshInterval: 15m
  databases:
    - name: catalog
      connection: catalog
      privilege: readonly
`, `apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata:
  name: NAME
  labels:
    team: community
spec:
  auth:
    ttl: 10m
    maxTTL: 30m
  secrets:
    - name: moderation-api
      path: integrations/moderation
      keys: [token]
      target: moderation-api-token
    - name: s3-uploads
      path: storage/s3
      keys: [access_key_id, secret_access_key, bucket]
`, `apiVersion: syncd.io/v1alpha1
kind: Tenant
metadata:
  name: NAME
spec:
  namespace: wh-NAME
  serviceAccount: warehouse-eso
  secrets:
    - name: carrier-api
      path: shipping/carrier
      keys: [api_key]
  databases:
    - name: catalog
      connection: catalog
      privilege: readonly
      defaultTTL: 30m
      maxTTL: 2h
    - name: orders
      connection: orders
      privilege: readwrite
      defaultTTL: 15m
      maxTTL: 1h
      target: orders-db
      refreshInterval: 5m
`}

// kvValues are the values an application team writes for each shape.
var kvValues = []map[string]map[string]any{
	{"payments/stripe": {"api_key": "sk_bench", "webhook_secret": "whsec_bench"}, "mail/smtp": {"username": "mailer", "password": "bench"}},
	{"integrations/moderation": {"token": "mod_bench"}, "storage/s3": {"access_key_id": "AKIABENCH", "secret_access_key": "bench", "bucket": "uploads"}},
	{"shipping/carrier": {"api_key": "carrier_bench"}},
}

func tenantName(i int) string { return fmt.Sprintf("tenant-%05d", i) }

// tenantFile is tenant i's file; variant changes it the way a team would
// (a refresh interval), for the incremental run.
func tenantFile(i int, variant bool) []byte {
	b := bytes.ReplaceAll([]byte(shapes[i%3]), []byte("NAME"), []byte(tenantName(i)))
	if variant {
		b = bytes.Replace(b, []byte("      keys: [api_key"), []byte("      refreshInterval: 5m\n      keys: [api_key"), 1)
		if !bytes.Contains(b, []byte("refreshInterval: 5m")) {
			b = bytes.Replace(b, []byte("      keys: [token]"), []byte("      keys: [token]\n      refreshInterval: 5m"), 1)
		}
	}
	return b
}

// generate writes n tenant files and the platform config into dir.
func generate(dir string, n int, cfg []byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "tenants"), 0o755); err != nil {
		return err
	}
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, "tenants", tenantName(i)+".yaml"), tenantFile(i, false), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "syncd.yaml"), cfg, 0o644)
}

// benchConfig is the shipped prod config pointed at the bed, with an
// inventory path of the bench's own.
func benchConfig(root, vaultAddr string) ([]byte, error) {
	cfg, err := os.ReadFile(filepath.Join(root, "examples", "prod", "syncd.yaml"))
	if err != nil {
		return nil, err
	}
	cfg = bytes.Replace(cfg, []byte("address: https://vault.vault.svc:8200"), []byte("address: "+vaultAddr+"\n  allowInsecureHTTP: true # the loopback bed"), 1)
	if !bytes.Contains(cfg, []byte("address: "+vaultAddr)) {
		return nil, fmt.Errorf("examples/prod/syncd.yaml: no vault.address line to point at the bed")
	}
	// The third shape lives in a namespace of its own (spec.namespace), as
	// warehouse-ops does: the platform allows those namespaces.
	const pattern = "namespaceOverridePattern: warehouse"
	if !bytes.Contains(cfg, []byte(pattern+"\n")) {
		return nil, fmt.Errorf("examples/prod/syncd.yaml: no %q line to extend for the bench's namespaces", pattern)
	}
	cfg = bytes.Replace(cfg, []byte(pattern+"\n"), []byte(pattern+"|wh-tenant-[0-9]+\n"), 1)
	return cfg, nil
}

// generateMain is `bench generate -n N -dir DIR`: the bench's tenants and
// config, for measuring the offline commands by hand, e.g.
// /usr/bin/time -f "%e s %M KB" syncd validate --dir DIR.
func generateMain(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ExitOnError)
	n := fs.Int("n", 10000, "tenants")
	dir := fs.String("dir", "", "directory to write tenants/ and syncd.yaml into (replaced)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("-dir is required")
	}
	root, err := testbed.RepoRoot()
	if err != nil {
		return err
	}
	cfg, err := benchConfig(root, "http://127.0.0.1:8200")
	if err != nil {
		return err
	}
	return generate(*dir, *n, cfg)
}
