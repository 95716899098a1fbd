package vaultread

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/policy"
)

// fakeLogical answers like vault/api: a missing path is (nil, nil).
type fakeLogical struct {
	mu    sync.Mutex
	data  map[string]map[string]any
	calls []string
}

func (f *fakeLogical) ReadWithContext(_ context.Context, path string) (*vaultapi.Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "read "+path)
	if d, ok := f.data[path]; ok {
		return &vaultapi.Secret{Data: d}, nil
	}
	return nil, nil
}

func (f *fakeLogical) ListWithContext(_ context.Context, path string) (*vaultapi.Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "list "+path)
	var keys []any
	for p := range f.data {
		if rest, ok := strings.CutPrefix(p, path+"/"); ok && !strings.Contains(rest, "/") {
			keys = append(keys, rest)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return &vaultapi.Secret{Data: map[string]any{"keys": keys}}, nil
}

func TestRead(t *testing.T) {
	cfg := config.Default()
	ids := desired.NewIDs(cfg)
	f := &fakeLogical{data: map[string]map[string]any{
		"sys/policies/acl/p1":         {"policy": `path "secret/data/a/*" { capabilities = ["read"] }`},
		"auth/kubernetes/role/r1":     {"token_ttl": json.Number("900"), "token_policies": []any{"p1"}, "bound_service_account_names": []any{"eso"}},
		"database/config/catalog":     {"plugin_name": "postgresql-database-plugin", "allowed_roles": []any{"bookstore-*"}, "connection_details": map[string]any{"username": "vault"}},
		"secret/metadata/a/present":   {"current_version": json.Number("1"), "versions": map[string]any{"1": map[string]any{"deletion_time": "", "destroyed": false}}},
		"sys/policies/acl/not-wanted": {"policy": ""},
	}}
	want := object.NewSet(ids.Policy("p1"), ids.Policy("p-missing"), ids.AuthRole("r1"), ids.DatabaseRole("d-missing"),
		ids.DatabaseConnection("catalog"), ids.DatabaseConnection("gone"), ids.KVSecret("a/present"), ids.KVSecret("a/absent"))
	st := live.New()
	if err := (Reader{Logical: f, Config: cfg, Workers: 3}).Read(context.Background(), want, st); err != nil {
		t.Fatal(err)
	}
	var got []string
	for id := range st.Objects {
		got = append(got, id.String())
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"vault/KubernetesAuthRole/auth/kubernetes/r1", "vault/Policy/sys/p1"}, got); diff != "" {
		t.Errorf("objects found (-want +got):\n%s", diff)
	}
	role := st.Objects[ids.AuthRole("r1")].Spec.(*desired.AuthRoleSpec)
	if role.TokenTTL.String() != "15m" || role.TokenPolicies[0] != "p1" {
		t.Errorf("role parsed as %+v", role)
	}
	if c, ok := st.Connections[ids.DatabaseConnection("catalog")]; !ok || c.AllowedRoles[0] != "bookstore-*" {
		t.Errorf("connection = %+v, %v", c, ok)
	}
	if _, ok := st.Connections[ids.DatabaseConnection("gone")]; ok {
		t.Error("a connection Vault answered (nil, nil) for must be absent, not empty")
	}
	if !st.Present.Has(ids.KVSecret("a/present")) || st.Present.Has(ids.KVSecret("a/absent")) || !st.Looked.Has(ids.KVSecret("a/absent")) {
		t.Errorf("KV presence wrong: present=%v looked=%v", st.Present.Sorted(), st.Looked.Sorted())
	}
	// One LIST per kind; READs only for listed names (no read of p-missing,
	// d-missing or not-wanted).
	for _, c := range f.calls {
		if strings.Contains(c, "p-missing") || strings.Contains(c, "d-missing") || strings.Contains(c, "not-wanted") {
			t.Errorf("unneeded request %q", c)
		}
	}
	if n := len(f.calls); n != 3+2+2+2 { // 3 lists, 2 listed reads, 2 connections, 2 KV metadata
		t.Errorf("%d requests, want 9: %v", n, f.calls)
	}
}

// A KV secret has a value only if its current version exists and is neither
// destroyed nor deleted; a deletion time in the future has not happened yet.
func TestHasValue(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	meta := func(current string, v map[string]any) map[string]any {
		return map[string]any{"current_version": json.Number(current), "versions": map[string]any{"2": v}}
	}
	tests := map[string]struct {
		meta map[string]any
		want bool
	}{
		"live":                           {meta("2", map[string]any{"deletion_time": "", "destroyed": false}), true},
		"soft-deleted (vault kv delete)": {meta("2", map[string]any{"deletion_time": "2026-11-30T11:00:00.5Z", "destroyed": false}), false},
		"destroyed":                      {meta("2", map[string]any{"deletion_time": "", "destroyed": true}), false},
		"delete_version_after, not yet":  {meta("2", map[string]any{"deletion_time": "2026-12-01T11:00:00Z", "destroyed": false}), true},
		"no versions (metadata only)":    {map[string]any{"current_version": json.Number("0"), "versions": map[string]any{}}, false},
		"current version not listed":     {meta("3", map[string]any{"deletion_time": ""}), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := hasValue(tc.meta, now); got != tc.want {
				t.Errorf("hasValue = %v, want %v", got, tc.want)
			}
		})
	}
}

// Two roles read with equal statements hold them once, however the
// response decoded them.
func TestStatementsShareStorage(t *testing.T) {
	role := func(name string) *desired.DatabaseRoleSpec {
		// decoded afresh each time, as two responses are
		d := map[string]any{}
		if err := json.Unmarshal([]byte(`{"db_name":"catalog","creation_statements":["CREATE ROLE \"{{name}}\";","GRANT x TO \"{{name}}\";"],"revocation_statements":["DROP ROLE \"{{name}}\";"],"renew_statements":"ALTER ROLE \"{{name}}\";"}`), &d); err != nil {
			t.Fatal(err)
		}
		spec, _, err := parse(object.ID{System: object.Vault, Kind: object.DatabaseRole, Scope: "database", Name: name}, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		return spec.(*desired.DatabaseRoleSpec)
	}
	a, b := role("a"), role("b")
	for _, pair := range [][2][]string{{a.CreationStatements, b.CreationStatements}, {a.RevocationStatements, b.RevocationStatements}, {a.RenewStatements, b.RenewStatements}} {
		if len(pair[0]) == 0 || !slices.Equal(pair[0], pair[1]) {
			t.Fatalf("statements %q and %q", pair[0], pair[1])
		}
		for i := range pair[0] {
			if unsafe.StringData(pair[0][i]) != unsafe.StringData(pair[1][i]) {
				t.Errorf("%q is held twice", pair[0][i])
			}
		}
	}
}

// A policy read with the desired text is the desired spec; any other text
// (a byte more, another policy's name) is parsed; the fingerprint is of the
// text read either way.
func TestPolicyWithTheDesiredTextIsTheDesiredSpec(t *testing.T) {
	text := "path \"kv/data/acme/*\" {\n  capabilities = [\"read\"]\n}\n"
	p, err := policy.Parse([]byte(text), "acme")
	if err != nil {
		t.Fatal(err)
	}
	known := &desired.PolicySpec{Name: "acme", HCL: text, Policy: p}
	id := func(name string) object.ID {
		return object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: name}
	}
	for _, tc := range []struct {
		name, read string
		id         object.ID
		known      *desired.PolicySpec
		isKnown    bool
	}{
		{name: "same text", read: text, id: id("acme"), known: known, isKnown: true},
		{name: "text differs", read: text + " ", id: id("acme"), known: known},
		{name: "other policy", read: text, id: id("other"), known: known},
		{name: "none known", read: text, id: id("acme")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, raw, err := parse(tc.id, map[string]any{"policy": tc.read}, tc.known)
			if err != nil {
				t.Fatal(err)
			}
			ps := spec.(*desired.PolicySpec)
			if (ps == known) != tc.isKnown {
				t.Fatalf("desired spec returned = %v, want %v", ps == known, tc.isKnown)
			}
			if ps.HCL != tc.read || ps.Name != tc.id.Name || len(ps.Policy.Rules) != 1 {
				t.Errorf("spec %+v does not hold what was read", ps)
			}
			if want := live.Digest([]byte("policy\x00"), []byte(tc.read)); !bytes.Equal(raw, want) {
				t.Errorf("fingerprint %x, want the text's %x", raw, want)
			}
		})
	}
}
