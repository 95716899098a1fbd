package tenant

import (
	"strings"
	"testing"

	"github.com/syncd-dev/syncd/internal/config"
)

// Reserved names are checked on what a tenant ends up with, written or
// derived from a template.
func TestReservedNames(t *testing.T) {
	cfgWith := func(yaml string) *config.Config {
		t.Helper()
		c, err := config.Parse("syncd.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\n"+yaml))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	named := func(name, spec string) string {
		return strings.Replace(header, "acme", name, 1) + spec
	}
	tests := map[string]struct {
		cfg        *config.Config
		file, body string
		want       []wantErr
	}{
		"written namespace kube-system": {cfg: config.Default(), file: "acme.yaml", body: header + "spec:\n  namespace: kube-system\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `"kube-system" is reserved by Kubernetes`}}},
		"any kube- namespace": {cfg: config.Default(), file: "acme.yaml", body: header + "spec:\n  namespace: kube-flannel\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `"kube-flannel" is reserved by Kubernetes`}}},
		"derived namespace kube-system from a {tenant} template": {cfg: cfgWith("names:\n  namespace: '{tenant}'\n"),
			file: "kube-system.yaml", body: named("kube-system", ""),
			want: []wantErr{{"kube-system.yaml:4:9", "metadata.name", `"kube-system" is reserved by Kubernetes`}}},
		"the namespace Vault runs in": {cfg: config.Default(), file: "acme.yaml", body: header + "spec:\n  namespace: vault\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `"vault" is a platform namespace`}}},
		"a configured platform namespace, derived": {cfg: cfgWith("names:\n  namespace: '{tenant}'\nkubernetes:\n  platformNamespaces: [platform]\n"),
			file: "platform.yaml", body: named("platform", ""),
			want: []wantErr{{"platform.yaml:4:9", "metadata.name", `"platform" is a platform namespace`}}},
		"a derived namespace outside the tenant namespace pattern": {cfg: cfgWith("kubernetes:\n  tenantNamespacePattern: 'bookstore-platform-[a-z]+(-[a-z]+)*'\n"),
			file: "acme-2.yaml", body: named("acme-2", ""),
			want: []wantErr{{"acme-2.yaml:4:9", "metadata.name", `derived namespace "bookstore-platform-acme-2" does not match kubernetes.tenantNamespacePattern`}}},
		"inside the tenant namespace pattern": {cfg: cfgWith("kubernetes:\n  tenantNamespacePattern: 'bookstore-platform-[a-z0-9-]+'\n"),
			file: "acme.yaml", body: header},
		"another team's namespace, with no overrides allowed (the default)": {cfg: config.Default(),
			file: "acme.yaml", body: header + "spec:\n  namespace: argocd\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `namespace "argocd" is not the tenant's own "bookstore-platform-acme": syncd.yaml allows no namespace overrides`}}},
		"the tenant's own namespace written out": {cfg: config.Default(),
			file: "acme.yaml", body: header + "spec:\n  namespace: bookstore-platform-acme\n"},
		"an override the platform allows": {cfg: cfgWith("kubernetes:\n  namespaceOverridePattern: 'team-[a-z]+'\n"),
			file: "acme.yaml", body: header + "spec:\n  namespace: team-acme\n"},
		"an override outside the allowed pattern": {cfg: cfgWith("kubernetes:\n  namespaceOverridePattern: 'team-[a-z]+'\n"),
			file: "acme.yaml", body: header + "spec:\n  namespace: monitoring\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `namespace "monitoring" does not match kubernetes.namespaceOverridePattern "team-[a-z]+"`}}},
		"a reserved namespace even where overrides are allowed": {cfg: cfgWith("kubernetes:\n  namespaceOverridePattern: '.*'\n"),
			file: "acme.yaml", body: header + "spec:\n  namespace: kube-public\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `"kube-public" is reserved by Kubernetes`}}},
		"the default service account": {cfg: cfgWith("kubernetes:\n  serviceAccountPattern: '.*'\n"),
			file: "acme.yaml", body: header + "spec:\n  serviceAccount: default\n",
			want: []wantErr{{"acme.yaml:6:19", "spec.serviceAccount", `service account "default" is every pod's`}}},
		"a service account outside the pattern (default: the template's name)": {cfg: config.Default(),
			file: "acme.yaml", body: header + "spec:\n  serviceAccount: argocd-server\n",
			want: []wantErr{{"acme.yaml:6:19", "spec.serviceAccount", `service account "argocd-server" does not match kubernetes.serviceAccountPattern "bookstore-platform-eso"`}}},
		"a service account the pattern allows": {cfg: cfgWith("kubernetes:\n  serviceAccountPattern: '[a-z-]+-eso'\n"),
			file: "acme.yaml", body: header + "spec:\n  serviceAccount: acme-eso\n"},
		"policy template producing Vault's default policy": {cfg: cfgWith("names:\n  policy: '{tenant}'\n"),
			file: "default.yaml", body: named("default", ""),
			want: []wantErr{{"default.yaml:4:9", "metadata.name", `"default" is one of Vault's built-in policies`}}},
		"policy template producing root": {cfg: cfgWith("names:\n  policy: '{tenant}'\n"),
			file: "root.yaml", body: named("root", ""),
			want: []wantErr{{"root.yaml:4:9", "metadata.name", `"root" is one of Vault's built-in policies`}}},
		"a tenant whose policy would end in -deprecated": {cfg: config.Default(),
			file: "blog-deprecated.yaml", body: named("blog-deprecated", ""),
			want: []wantErr{{"blog-deprecated.yaml:4:9", "metadata.name", `ends in "-deprecated", which is reserved for off-boarding`}}},
		"a KV prefix holding syncd's inventory": {cfg: cfgWith("names:\n  kvPrefix: '{tenant}'\n"),
			file: "syncd.yaml", body: named("syncd", ""),
			want: []wantErr{{"syncd.yaml:4:9", "metadata.name", `KV prefix "syncd" overlaps syncd's inventory at secret/syncd/inventory`}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			set := Parse([]File{{Path: tc.file, Data: []byte(tc.body)}}, tc.cfg)
			matchErrs(t, tc.want, errorsOf(t, set))
		})
	}
}

// Dynamic credentials live min(lease TTL, login-token TTL), because ESO
// logs in for every generation and a lease dies with its token. The refresh
// must come at most half-way through that life.
func TestCredentialLifetime(t *testing.T) {
	db := func(extra string) string {
		return header + "spec:\n" + extra + "  databases:\n    - {name: c, connection: catalog, privilege: readonly" + "%s}\n"
	}
	tests := map[string]struct {
		body         string
		wantRefresh  string
		wantLifetime string
		err          string
	}{
		// catalog's lease TTL is 1h, the auth token TTL 15m.
		"default: half the token TTL, which is the shorter": {body: db(""), wantRefresh: "7m30s", wantLifetime: "15m"},
		"a short lease TTL rules":                           {body: db(""), wantRefresh: "5m", wantLifetime: "10m"},
		"a longer token TTL: the lease TTL rules":           {body: db("  auth: {ttl: 2h, maxTTL: 2h}\n"), wantRefresh: "30m", wantLifetime: "1h"},
		"an explicit refresh within half the life":          {body: db(""), wantRefresh: "5m", wantLifetime: "15m"},
		"the seed's half-the-lease default is refused":      {body: db(""), err: "refreshInterval 30m would leave dead credentials in the Secret: they live 15m"},
	}
	extras := map[string]string{
		"a short lease TTL rules":                      ", defaultTTL: 10m",
		"an explicit refresh within half the life":     ", refreshInterval: 5m",
		"the seed's half-the-lease default is refused": ", refreshInterval: 30m",
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := strings.Replace(tc.body, "%s", extras[name], 1)
			cfg, err := config.Parse("syncd.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\nlimits: {maxAuthTTL: 2h}\n"))
			if err != nil {
				t.Fatal(err)
			}
			set := Parse([]File{{Path: "acme.yaml", Data: []byte(body)}}, cfg)
			if tc.err != "" {
				if err := set.Err(); err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "spec.databases[0].refreshInterval") {
					t.Fatalf("err = %v, want spec.databases[0].refreshInterval: ...%s...", err, tc.err)
				}
				return
			}
			if err := set.Err(); err != nil {
				t.Fatal(err)
			}
			tn := set.Tenants[0]
			c := tn.Credentials(tn.Spec.Databases[0], cfg)
			if c.Refresh.String() != tc.wantRefresh || c.Lifetime.String() != tc.wantLifetime {
				t.Errorf("refresh %s, lifetime %s; want %s, %s", c.Refresh, c.Lifetime, tc.wantRefresh, tc.wantLifetime)
			}
		})
	}
}
