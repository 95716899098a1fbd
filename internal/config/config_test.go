package config

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{"tenant": "acme", "db": "catalog", "schema": "public"}
	tests := map[string]struct {
		in, want, err string
	}{
		"name template":                       {in: "bookstore-platform-{tenant}-{db}", want: "bookstore-platform-acme-catalog"},
		"vault placeholders kept":             {in: `CREATE ROLE "{{name}}" PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`, want: `CREATE ROLE "{{name}}" PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`},
		"double brace around ours is vault's": {in: "{{tenant}}", want: "{{tenant}}"},
		"mixed":                               {in: `GRANT USAGE ON SCHEMA "{schema}" TO "{{name}}";`, want: `GRANT USAGE ON SCHEMA "public" TO "{{name}}";`},
		"unknown placeholder":                 {in: "x-{team}", err: "unknown placeholder {team}"},
		"lone braces pass":                    {in: "a { b } c", want: "a { b } c"},
		"unclosed vault":                      {in: "{{name", err: "unclosed"},
		"placeholders only":                   {in: "{tenant}{db}", want: "acmecatalog"},
		"brace at the end":                    {in: "x-{", want: "x-{"},
		"empty braces":                        {in: "{}-{tenant}", want: "{}-acme"},
		"unclosed ours":                       {in: "{tenant", want: "{tenant"},
		"brace before a placeholder":          {in: "{{tenant}", err: "unclosed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Expand(tc.in, vars)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Expand(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestDefaultsReproduceSeed(t *testing.T) {
	c := Default()
	got := map[string]string{
		"policy":          c.PolicyName("acme-books"),
		"authRole":        c.AuthRoleName("acme-books"),
		"namespace":       c.Namespace("acme-books"),
		"serviceAccount":  c.ServiceAccount("acme-books"),
		"kvPrefix":        c.KVPrefix("acme-books"),
		"databaseRole":    c.DatabaseRoleName("acme-books", "catalog"),
		"auth ttl":        c.Auth.TTL.String(),
		"auth maxTTL":     c.Auth.MaxTTL.String(),
		"grace":           c.Offboarding.GracePeriod.String(),
		"eso apiVersion":  c.ESO.APIVersion,
		"eso refresh":     c.ESO.RefreshInterval.String(),
		"kv mount":        c.Vault.Mounts.KV,
		"database mount":  c.Vault.Mounts.Database,
		"kubernetes auth": c.Vault.Mounts.KubernetesAuth,
	}
	want := map[string]string{
		"policy":          "bookstore-platform-app-acme-books",
		"authRole":        "bookstore-platform-acme-books",
		"namespace":       "bookstore-platform-acme-books",
		"serviceAccount":  "bookstore-platform-eso",
		"kvPrefix":        "bookstore-platform/acme-books",
		"databaseRole":    "bookstore-platform-acme-books-catalog",
		"auth ttl":        "15m",
		"auth maxTTL":     "1h",
		"grace":           "24h",
		"eso apiVersion":  "external-secrets.io/v1",
		"eso refresh":     "1h",
		"kv mount":        "secret",
		"database mount":  "database",
		"kubernetes auth": "kubernetes",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	// The defaults must pass their own validation.
	if _, err := Parse("syncd.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\n")); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestShippedConfigs(t *testing.T) {
	for _, path := range []string{"../../examples/prod/syncd.yaml", "../../examples/dev/syncd.yaml"} {
		t.Run(path, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(path, data)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(path, "dev") && c.Vault.Mounts.KV == Default().Vault.Mounts.KV {
				t.Errorf("dev shares the prod Vault and must use its own KV mount, got %q", c.Vault.Mounts.KV)
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	const head = "apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\n"
	tests := map[string]struct {
		body       string
		pos, field string
		msg        string
	}{
		"template without tenant": {body: head + "names:\n  policy: shared-policy\n",
			pos: "c.yaml:4:11", field: "names.policy", msg: "must contain {tenant}"},
		"namespace template without tenant": {body: head + "names:\n  namespace: tenants\n",
			pos: "c.yaml:4:14", field: "names.namespace", msg: "must contain {tenant}"},
		"unknown placeholder": {body: head + "names:\n  authRole: '{tenant}-{team}'\n",
			pos: "c.yaml:4:13", field: "names.authRole", msg: "unknown placeholder {team}"},
		"mount with glob": {body: head + "vault:\n  mounts:\n    kv: 'secret/*'\n",
			pos: "c.yaml:5:9", field: "vault.mounts.kv", msg: "invalid mount path"},
		"grace not above max ttl": {body: head + "auth:\n  maxTTL: 2h\noffboarding:\n  gracePeriod: 1h\n",
			pos: "c.yaml:6:16", field: "offboarding.gracePeriod", msg: "must exceed the auth maxTTL 2h"},
		"statement without vault name": {body: head + "databases:\n  db:\n    privileges:\n      ro:\n        creationStatements: ['SELECT 1;']\n",
			pos: "c.yaml:7:29", field: "databases.db.privileges.ro.creationStatements", msg: "no statement uses Vault's {{name}}"},
		"unsupported eso version": {body: head + "eso:\n  apiVersion: external-secrets.io/v2\n",
			pos: "c.yaml:4:15", field: "eso.apiVersion", msg: "unsupported"},
		"unknown field": {body: head + "vault:\n  adress: x\n",
			pos: "c.yaml:4:3", field: "vault.adress", msg: "unknown field"},
		"plain HTTP Vault": {body: head + "vault:\n  address: http://vault.vault.svc:8200\n",
			pos: "c.yaml:4:12", field: "vault.address", msg: "plain HTTP: every tenant's service-account token would cross it in clear text"},
		"Vault address with credentials": {body: head + "vault:\n  address: https://u:p@vault:8200\n",
			pos: "c.yaml:4:12", field: "vault.address", msg: "must not carry user information"},
		"not a URL": {body: head + "vault:\n  address: vault:8200\n",
			pos: "c.yaml:4:12", field: "vault.address", msg: "must be an https:// URL"},
		"audience list": {body: head + "auth:\n  audience: 'vault,other'\n",
			pos: "c.yaml:4:13", field: "auth.audience", msg: "not a plain audience"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tc.body))
			if err == nil {
				t.Fatal("want an error")
			}
			want := tc.pos + ": " + tc.field + ": "
			if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %q, want prefix %q containing %q", err, want, tc.msg)
			}
		})
	}
}

func TestTransportDefaults(t *testing.T) {
	c := Default()
	if c.Vault.Address != "https://vault.vault.svc:8200" || c.Auth.Audience != "vault" {
		t.Errorf("defaults: address %q, audience %q; want https and \"vault\"", c.Vault.Address, c.Auth.Audience)
	}
	c, err := Parse("c.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\nvault:\n  address: http://127.0.0.1:8200\n  allowInsecureHTTP: true\n"))
	if err != nil || c.Vault.Address != "http://127.0.0.1:8200" {
		t.Errorf("allowInsecureHTTP: %v", err)
	}
}

// Statements written as YAML block scalars end in a newline; Vault trims
// every statement and drops empty ones, so syncd normalises them at load or
// the plan never converges.
func TestStatementsNormalisedAsVaultStoresThem(t *testing.T) {
	body := `apiVersion: syncd.io/v1alpha1
kind: PlatformConfig
databases:
  db:
    vars: {database: db}
    privileges:
      ro:
        creationStatements:
          - |
            CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}';
          - "   "
          - |
            GRANT CONNECT ON DATABASE "{database}"
              TO "{{name}}";
`
	c, err := Parse("c.yaml", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Statements("db", c.Databases["db"].Privileges["ro"].CreationStatements, "t", "d", "r")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}';`,
		"GRANT CONNECT ON DATABASE \"db\"\n  TO \"{{name}}\";", // one statement, inner newline kept
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}
