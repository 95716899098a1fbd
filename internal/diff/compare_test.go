package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/ttl"
)

func mustPolicy(t *testing.T, src string) *desired.PolicySpec {
	t.Helper()
	p, err := policy.Parse([]byte(src), "p.hcl")
	if err != nil {
		t.Fatal(err)
	}
	return &desired.PolicySpec{Name: "p", Policy: p, HCL: src}
}

func TestCompare(t *testing.T) {
	role := func(mod func(r *desired.AuthRoleSpec)) *desired.AuthRoleSpec {
		r := &desired.AuthRoleSpec{Name: "r", BoundServiceAccountNames: []string{"eso"}, BoundServiceAccountNamespaces: []string{"ns"},
			TokenPolicies: []string{"a", "b"}, TokenTTL: ttl.FromSeconds(900), TokenMaxTTL: ttl.FromSeconds(3600)}
		if mod != nil {
			mod(r)
		}
		return r
	}
	manifest := func(refresh string, extra map[string]any) *desired.ManifestSpec {
		spec := map[string]any{"refreshInterval": refresh, "target": map[string]any{"name": "t"}}
		for k, v := range extra {
			spec[k] = v
		}
		return desired.MustManifest(map[string]any{"metadata": map[string]any{"name": "x", "labels": map[string]any{"a": "1"}}, "spec": spec})
	}
	tests := map[string]struct {
		want, live desired.Spec
		fields     []Field
	}{
		"HCL formatting, comments, order and duplicate capabilities do not count": {
			want:   mustPolicy(t, `path "a" { capabilities = ["read"] }`+"\n"+`path "b" { capabilities = ["list", "read"] }`),
			live:   mustPolicy(t, "# hand edited\npath \"b\" {\n  capabilities = [\"read\", \"list\", \"read\"]\n}\npath \"a\" {\n    capabilities = [\"READ\"]\n}\n"),
			fields: nil,
		},
		"a live policy syncd cannot parse shows its text replaced": {
			want:   mustPolicy(t, `path "a" { capabilities = ["read"] }`),
			live:   &desired.PolicySpec{Name: "p", HCL: "path \"a\" { capabilities = [var.x] }", ParseError: "not a literal"},
			fields: []Field{{Path: "policy", Before: "path \"a\" { capabilities = [var.x] }", After: "path \"a\" {\n  capabilities = [\"read\"]\n}\n"}},
		},
		"a changed capability counts": {
			want: mustPolicy(t, `path "a" { capabilities = ["read"] }`),
			live: mustPolicy(t, `path "a" { capabilities = ["read", "update"] }`),
			fields: []Field{{Path: "policy",
				Before: "path \"a\" {\n  capabilities = [\"read\", \"update\"]\n}\n",
				After:  "path \"a\" {\n  capabilities = [\"read\"]\n}\n"}},
		},
		"TTLs in other units and lists Vault treats as sets do not count": {
			want: role(nil),
			live: role(func(r *desired.AuthRoleSpec) {
				r.TokenPolicies = []string{"b", "a", "a"}
				r.TokenTTL = ttl.Duration(15 * 60 * 1e9)
			}),
			fields: nil,
		},
		"a longer max TTL and an extra namespace count": {
			want: role(nil),
			live: role(func(r *desired.AuthRoleSpec) {
				r.TokenMaxTTL = ttl.FromSeconds(86400)
				r.BoundServiceAccountNamespaces = []string{"ns", "default"}
			}),
			fields: []Field{
				{Path: "bound_service_account_namespaces", Before: "default, ns", After: "ns"},
				{Path: "token_max_ttl", Before: "24h", After: "1h"},
			},
		},
		"statement order counts for database roles": {
			want:   &desired.DatabaseRoleSpec{CreationStatements: []string{"A", "B"}, DefaultTTL: ttl.FromSeconds(3600)},
			live:   &desired.DatabaseRoleSpec{CreationStatements: []string{"B", "A"}, DefaultTTL: ttl.FromSeconds(3600)},
			fields: []Field{{Path: "creation_statements", Before: "B\nA", After: "A\nB"}},
		},
		"statements keep their boundaries: one statement with a newline is not two": {
			want:   &desired.DatabaseRoleSpec{CreationStatements: []string{"A", "B"}, DefaultTTL: ttl.FromSeconds(3600)},
			live:   &desired.DatabaseRoleSpec{CreationStatements: []string{"A\nB"}, DefaultTTL: ttl.FromSeconds(3600)},
			fields: []Field{{Path: "creation_statements", Before: "A\nB", After: "A\nB"}},
		},
		"status, server metadata and foreign labels on a manifest do not count; duration units neither": {
			want: manifest("1h", map[string]any{"target": map[string]any{"name": "t", "deletionPolicy": "Retain"}}),
			live: desired.MustManifest(map[string]any{
				"metadata": map[string]any{"name": "x", "labels": map[string]any{"a": "1", "other": "2"}, "uid": "u", "resourceVersion": "9"},
				"spec":     map[string]any{"refreshInterval": "60m", "target": map[string]any{"name": "t", "deletionPolicy": "Retain"}},
				"status":   map[string]any{"conditions": []any{}},
			}),
			fields: nil,
		},
		"a key set out of band under spec counts (an extra auth method on a store)": {
			want: desired.MustManifest(map[string]any{"spec": map[string]any{"provider": map[string]any{"vault": map[string]any{
				"auth": map[string]any{"kubernetes": map[string]any{"role": "r"}}}}}}),
			live: desired.MustManifest(map[string]any{"spec": map[string]any{"provider": map[string]any{"vault": map[string]any{
				"auth": map[string]any{"kubernetes": map[string]any{"role": "r"}, "tokenSecretRef": map[string]any{"name": "root-token", "key": "token"}}}}}}),
			fields: []Field{{Path: "spec.provider.vault.auth.tokenSecretRef", Before: `{"key":"token","name":"root-token"}`}},
		},
		"a field set out of band on a Vault role counts, even one syncd does not model": {
			want: role(func(r *desired.AuthRoleSpec) { r.TokenType, r.AliasNameSource = "default", "serviceaccount_uid" }),
			live: role(func(r *desired.AuthRoleSpec) {
				r.TokenType, r.AliasNameSource = "default", "serviceaccount_uid"
				r.BoundServiceAccountNamespaceSelector = `{"matchLabels":{"team":"x"}}`
				r.TokenPeriod = ttl.FromSeconds(86400)
				r.Unknown = map[string]string{"token_future_field": "true"}
			}),
			fields: []Field{
				{Path: "bound_service_account_namespace_selector", Before: `{"matchLabels":{"team":"x"}}`},
				{Path: "token_future_field", Before: "true"},
				{Path: "token_period", Before: "24h", After: "0s"},
			},
		},
		"a changed manifest field counts, by path": {
			want:   manifest("1h", map[string]any{"data": []any{map[string]any{"secretKey": "k"}}}),
			live:   manifest("1h", map[string]any{"data": []any{map[string]any{"secretKey": "other"}}}),
			fields: []Field{{Path: "spec.data[0].secretKey", Before: "other", After: "k"}},
		},
		"a create lists every desired field": {
			want:   manifest("1h", nil),
			live:   nil,
			fields: []Field{{Path: "metadata.labels.a", After: "1"}, {Path: "spec.refreshInterval", After: "1h"}, {Path: "spec.target.name", After: "t"}},
		},
		"secret-bearing fields are masked": {
			want:   manifest("1h", map[string]any{"password": "new-s3cret"}),
			live:   manifest("1h", map[string]any{"password": "old-s3cret"}),
			fields: []Field{{Path: "spec.password", Before: "(sensitive)", After: "(sensitive)", Sensitive: true}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var live desired.Spec
			if tc.live != nil {
				live = tc.live
			}
			got := Compare(tc.want, live)
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
		})
	}
}
