package desired_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
)

var file = desired.TenantFile

// Every identity a tenant derives is claimed once across all tenants, valid
// or held; a second claim is an error on both files, with positions, and
// both tenants are held instead of planned. The same holds whatever the
// claims index's hash: every identity on one hash, or on two.
func TestDerivedIdentitiesAreUniqueAcrossTenants(t *testing.T) {
	tests := map[string]struct {
		files []tenant.File
		// errors as "file:line:col field: fragment"
		want []string
		// tenants that stay valid
		valid []string
	}{
		"a database role derived by two tenants (a/b-c and a-b/c)": {
			files: []tenant.File{
				file("a", "spec:\n  databases:\n    - {name: b-c, connection: catalog, privilege: readonly}\n"),
				file("a-b", "spec:\n  databases:\n    - {name: c, connection: catalog, privilege: readwrite}\n"),
				file("z", ""),
			},
			want: []string{
				`a-b.yaml:7:14 spec.databases[0].name: derives DatabaseRole bookstore-platform-a-b-c, which tenant "a" derives too (a.yaml:7:14 spec.databases[0].name)`,
				`a.yaml:7:14 spec.databases[0].name: derives DatabaseRole bookstore-platform-a-b-c, which tenant "a-b" derives too (a-b.yaml:7:14 spec.databases[0].name)`,
			},
			valid: []string{"z"},
		},
		"the colliding tenant's file is broken: it is held and still claims": {
			files: []tenant.File{
				file("a", "spec:\n  databases:\n    - {name: b-c, connection: catalog, privilege: readonly}\n"),
				file("a-b", "spec:\n  bogus: 1\n  databases:\n    - {name: c, connection: catalog, privilege: readwrite}\n"),
			},
			want: []string{
				`a-b.yaml:6:3 spec.bogus: unknown field`,
				`a-b.yaml:8:14 spec.databases[0].name: derives DatabaseRole bookstore-platform-a-b-c, which tenant "a" derives too (a.yaml:7:14 spec.databases[0].name)`,
				`a.yaml:7:14 spec.databases[0].name: derives DatabaseRole bookstore-platform-a-b-c, which tenant "a-b" derives too (a-b.yaml:8:14 spec.databases[0].name)`,
			},
		},
		"two tenants write one namespace": {
			files: []tenant.File{
				file("acme", "spec:\n  namespace: shop\n"),
				file("beta", "spec:\n  namespace: shop\n"),
			},
			want: []string{
				`acme.yaml:6:14 spec.namespace: derives Namespace shop, which tenant "beta" derives too (beta.yaml:6:14 spec.namespace)`,
				`beta.yaml:6:14 spec.namespace: derives Namespace shop, which tenant "acme" derives too (acme.yaml:6:14 spec.namespace)`,
			},
		},
		"a written namespace equal to another tenant's derived one": {
			files: []tenant.File{
				file("acme", ""),
				file("evil", "spec:\n  namespace: bookstore-platform-acme\n  secrets:\n    - {name: stripe, path: x, keys: [k]}\n"),
			},
			want: []string{
				`acme.yaml:4:9 metadata.name: derives Namespace bookstore-platform-acme, which tenant "evil" derives too (evil.yaml:6:14 spec.namespace)`,
				`evil.yaml:6:14 spec.namespace: derives Namespace bookstore-platform-acme, which tenant "acme" derives too (acme.yaml:4:9 metadata.name)`,
			},
		},
		"an invalid file still conflicts with the tenant it imitates": {
			files: []tenant.File{
				file("acme", ""),
				file("evil", "spec:\n  namespace: bookstore-platform-acme\n  bogus: 1\n"),
			},
			want: []string{
				`acme.yaml:4:9 metadata.name: derives Namespace bookstore-platform-acme, which tenant "evil" derives too (evil.yaml:6:14 spec.namespace)`,
				`evil.yaml:6:14 spec.namespace: derives Namespace bookstore-platform-acme, which tenant "acme" derives too (acme.yaml:4:9 metadata.name)`,
				`evil.yaml:7:3 spec.bogus: unknown field`,
			},
		},
		"a tenant named like another's deprecated policy (blog, blog-deprecated)": {
			files: []tenant.File{
				file("blog", ""),
				file("blog-deprecated", ""),
			},
			want: []string{
				`blog-deprecated.yaml:4:9 metadata.name: derived policy: policy name "bookstore-platform-app-blog-deprecated" ends in "-deprecated"`,
				`blog-deprecated.yaml:4:9 metadata.name: derives Policy bookstore-platform-app-blog-deprecated, which tenant "blog" derives too (blog.yaml:4:9 metadata.name)`,
				`blog.yaml:4:9 metadata.name: derives Policy bookstore-platform-app-blog-deprecated, which tenant "blog-deprecated" derives too (blog-deprecated.yaml:4:9 metadata.name)`,
			},
		},
		"distinct tenants derive distinct identities": {
			files: []tenant.File{
				file("a", "spec:\n  databases:\n    - {name: b-c, connection: catalog, privilege: readonly}\n"),
				file("a-c", "spec:\n  databases:\n    - {name: b, connection: catalog, privilege: readonly}\n"),
			},
			valid: []string{"a", "a-c"},
		},
	}
	hashes := map[string]func(object.ID) uint64{
		"":                  nil, // the index's own
		" (every hash one)": func(object.ID) uint64 { return 7 },
		" (two hashes)":     func(id object.ID) uint64 { return uint64(len(id.Name) % 2) },
	}
	for name, tc := range tests {
		for hashName, hash := range hashes {
			t.Run(name+hashName, func(t *testing.T) {
				if hash != nil {
					defer desired.SetClaimHash(hash)()
				}
				checkClaims(t, name, tc.files, tc.want, tc.valid)
			})
		}
	}
}

// checkClaims builds files and checks the errors against want (prefixes of
// "file:line:col field: message") and the tenants left valid.
func checkClaims(t *testing.T, name string, files []tenant.File, want, valid []string) {
	t.Helper()
	// Any namespace override is allowed here: the claims, not the
	// override pattern, must catch two tenants in one namespace.
	cfg, err := config.Parse("syncd.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\nkubernetes:\n  namespaceOverridePattern: '.*'\n"))
	if err != nil {
		t.Fatal(err)
	}
	set := tenant.Parse(files, cfg)
	st, err := desired.Build(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range set.Errors {
		got = append(got, fmt.Sprintf("%s %s: %s", e.Pos, e.Field, e.Msg))
	}
	if len(got) != len(want) {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
	var names []string
	for _, tn := range st.Tenants {
		names = append(names, tn.Name)
	}
	if diff := cmp.Diff(valid, names); diff != "" {
		t.Errorf("valid tenants (-want +got):\n%s", diff)
	}
	for _, tn := range set.Tenants {
		if tn.Metadata.Name != "z" && len(want) > 0 && !strings.HasPrefix(name, "distinct") {
			t.Errorf("tenant %s is in conflict but still valid", tn.Metadata.Name)
		}
	}
	for _, o := range st.Objects {
		if set.Invalid[o.Tenant] != nil {
			t.Errorf("held tenant %s has desired object %s", o.Tenant, o.ID)
		}
	}
}

// With auth.audience set, the auth role requires it and every ESO object
// requests tokens for it; the offline proof refuses a state where they differ.
func TestAudienceOnBothSides(t *testing.T) {
	cfg, err := config.Parse("syncd.yaml", []byte("apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\nauth:\n  audience: vault\n"))
	if err != nil {
		t.Fatal(err)
	}
	set := tenant.Parse([]tenant.File{file("shop", "spec:\n  secrets:\n    - {name: s, path: p, keys: [k]}\n  databases:\n    - {name: c, connection: catalog, privilege: readonly}\n")}, cfg)
	st, err := desired.Build(cfg, set)
	if err != nil || set.Err() != nil {
		t.Fatal(err, set.Err())
	}
	logins := 0
	for _, o := range st.Objects {
		switch s := o.Spec.(type) {
		case *desired.AuthRoleSpec:
			if s.Audience != "vault" {
				t.Errorf("auth role audience %q, want vault", s.Audience)
			}
		case *desired.ManifestSpec:
			if login, ok, err := s.Login(); err != nil {
				t.Fatal(err)
			} else if ok {
				logins++
				if diff := cmp.Diff([]string{"vault"}, login.Audiences); diff != "" {
					t.Errorf("%s audiences (-want +got):\n%s", o.ID, diff)
				}
			}
		}
	}
	if logins != 2 { // the SecretStore and the generator
		t.Fatalf("%d ESO objects log in, want 2", logins)
	}
	if err := desired.CheckIsolation(cfg, st); err != nil {
		t.Fatal(err)
	}
	// The same state checked against a config requiring another audience.
	other := *cfg
	other.Auth.Audience = "other"
	if err := desired.CheckIsolation(&other, st); err == nil || !strings.Contains(err.Error(), `requires "other": every login would be refused`) {
		t.Errorf("CheckIsolation = %v, want the audience mismatch", err)
	}
}

// A tenant file's metadata.labels and metadata.annotations are kept in the
// file only: nothing syncd writes carries them (docs/tenant-fields.md).
func TestTenantMetadataLandsNowhere(t *testing.T) {
	const mark = "tenant-chosen-label-value"
	cfg := config.Default()
	body := "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: shop\n  labels: {team: " + mark + "}\n  annotations: {note: " + mark + "}\n" +
		"spec:\n  secrets:\n    - {name: s, path: p, keys: [k]}\n  databases:\n    - {name: c, connection: catalog, privilege: readonly}\n"
	set := tenant.Parse([]tenant.File{{Path: "shop.yaml", Data: []byte(body)}}, cfg)
	st, err := desired.Build(cfg, set)
	if err != nil || set.Err() != nil {
		t.Fatal(err, set.Err())
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Objects) == 0 || strings.Contains(string(b), mark) {
		t.Errorf("the desired state (%d objects) carries a tenant file's metadata:\n%s", len(st.Objects), b)
	}
}
