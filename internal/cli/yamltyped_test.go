package cli

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/reconcile"
)

// checkTyped holds one element's direct YAML to what jsonToYAML writes of
// its JSON; declined says whether direct must decline it (the JSON path
// then writes it).
func checkTyped[T any](t *testing.T, what string, v *T, direct func(*transcoder, *bytes.Buffer, *T) error, marshal func(*T) ([]byte, error), declined bool) {
	t.Helper()
	raw, err := marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var want, got bytes.Buffer
	if err := yamlItem(&want, raw); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	got.WriteString("- ")
	err = direct(new(transcoder), &got, v)
	switch {
	case declined && errors.Is(err, errTranscode):
		return
	case declined:
		t.Errorf("%s: direct wrote it (err %v); it should decline", what, err)
	case err != nil:
		t.Errorf("%s: direct declined: %v", what, err)
	default:
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s (-JSON path +direct):\n%s", what, diff)
		}
	}
}

func TestTypedYAMLIsTheJSONPath(t *testing.T) {
	repo, err := reconcile.Load("../..", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*desired.State{
		"the shipped tenants": repo.State,
		"600 tenants":         manyTenants(t, 600),
	} {
		t.Run(name, func(t *testing.T) {
			for i := range s.Objects {
				checkTyped(t, s.Objects[i].ID.String(), &s.Objects[i], objectYAML, objectJSON, false)
			}
			out := tenantsOut(s)
			for i := range s.Tenants {
				checkTyped(t, s.Tenants[i].Name, out(&s.Tenants[i]), tenantYAML, marshal, false)
			}
			for i := range s.External {
				checkTyped(t, s.External[i].ID.String(), &s.External[i], externalYAML, marshal, false)
			}
		})
	}

	id := object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: "p"}
	manifest, err := desired.NewManifest(map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "data": map[string]any{"k": "true", "b": ": x"}})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := desired.NewManifest(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]struct {
		o        desired.Object
		declined bool
	}{
		"policy, multi-line HCL":   {o: desired.Object{ID: id, Tenant: "a", Spec: &desired.PolicySpec{Name: "p", HCL: "path \"x\" {\n  capabilities = [\"read\"]\n}\n"}}},
		"policy, parse error":      {o: desired.Object{ID: id, Tenant: "a", Spec: &desired.PolicySpec{Name: "p", HCL: "bad {  \n", ParseError: "line 1: what"}}},
		"policy, empty":            {o: desired.Object{ID: id, Spec: &desired.PolicySpec{}}},
		"words YAML would retype":  {o: desired.Object{ID: object.ID{System: "true", Kind: "1e3", Name: "null", Scope: "- x"}, Tenant: "#a", Spec: &desired.PolicySpec{Name: "on", HCL: "0x1F"}}},
		"refs, empty scope":        {o: desired.Object{ID: id, Tenant: "a", Refs: []object.ID{{System: object.Kubernetes, Kind: object.Namespace, Name: "ns"}, id}, Spec: &desired.PolicySpec{Name: "p"}}},
		"refs empty, not nil":      {o: desired.Object{ID: id, Tenant: "a", Refs: []object.ID{}, Spec: &desired.PolicySpec{Name: "p"}}},
		"manifest":                 {o: desired.Object{ID: id, Tenant: "a", Spec: manifest}},
		"manifest, empty":          {o: desired.Object{ID: id, Tenant: "a", Spec: empty}},
		"auth role":                {o: desired.Object{ID: id, Tenant: "a", Spec: &desired.AuthRoleSpec{Name: "r", TokenPolicies: []string{"p"}, Unknown: map[string]string{"z": "1", "a": "\u2028"}}}},
		"database role":            {o: desired.Object{ID: id, Tenant: "a", Spec: &desired.DatabaseRoleSpec{Name: "r", CreationStatements: []string{"CREATE ROLE \"{{name}}\";\nGRANT x;"}}}},
		"HTML characters":          {o: desired.Object{ID: object.ID{Name: "<a&b>"}, Tenant: "\u2028", Spec: &desired.PolicySpec{HCL: "<>&"}}},
		"not UTF-8 in the ID":      {o: desired.Object{ID: object.ID{Name: "a\xffb"}, Spec: &desired.PolicySpec{}}, declined: true},
		"not UTF-8 in the HCL":     {o: desired.Object{ID: id, Spec: &desired.PolicySpec{HCL: "\xfe"}}, declined: true},
		"no spec":                  {o: desired.Object{ID: id, Tenant: "a"}, declined: true},
		"nil manifest":             {o: desired.Object{ID: id, Spec: (*desired.ManifestSpec)(nil)}, declined: true},
		"nil policy":               {o: desired.Object{ID: id, Spec: (*desired.PolicySpec)(nil)}, declined: true},
		"long key in the manifest": {o: desired.Object{ID: id, Spec: mustManifest(t, map[string]any{fmt.Sprint(bytes.Repeat([]byte("k"), 1100)): 1})}},
	}
	for name, tc := range objects {
		t.Run("object/"+name, func(t *testing.T) {
			checkTyped(t, name, &tc.o, objectYAML, objectJSON, tc.declined)
		})
	}
	tenants := map[string]struct {
		t        tenantOut
		declined bool
	}{
		"objects nil":   {t: tenantOut{Name: "a", Namespace: "ns"}},
		"objects empty": {t: tenantOut{Name: "a", Objects: []object.ID{}}},
		"objects":       {t: tenantOut{Name: "a", KVPrefix: "tenants/a", ServiceAccount: "sa", Objects: []object.ID{id, id}}},
		"multi-line":    {t: tenantOut{Name: "a\nb\n"}},
		"not UTF-8":     {t: tenantOut{Namespace: "\xc0"}, declined: true},
	}
	for name, tc := range tenants {
		t.Run("tenant/"+name, func(t *testing.T) {
			checkTyped(t, name, &tc.t, tenantYAML, marshal, tc.declined)
		})
	}
	externals := map[string]struct {
		e        desired.External
		declined bool
	}{
		"no tenant": {e: desired.External{ID: id}},
		"tenant":    {e: desired.External{ID: id, Tenant: "yes"}},
		"not UTF-8": {e: desired.External{ID: id, Tenant: "\xff"}, declined: true},
	}
	for name, tc := range externals {
		t.Run("external/"+name, func(t *testing.T) {
			checkTyped(t, name, &tc.e, externalYAML, marshal, tc.declined)
		})
	}
}

func mustManifest(t *testing.T, obj map[string]any) *desired.ManifestSpec {
	t.Helper()
	m, err := desired.NewManifest(obj)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// What direct declines, the JSON path writes: the whole output is still
// the JSON path's.
func TestWriteYAMLFallsBackPerElement(t *testing.T) {
	s := &desired.State{
		Tenants: []desired.Tenant{{Name: "ok"}, {Name: "bad\xff"}},
		Objects: []desired.Object{{ID: object.ID{Name: "no spec"}}, {ID: object.ID{Name: "p"}, Spec: &desired.PolicySpec{Name: "p"}}},
	}
	var got bytes.Buffer
	if err := writeYAML(&got, s); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString("external: null\nobjects:\n")
	for i := range s.Objects {
		raw, _ := objectJSON(&s.Objects[i])
		if err := yamlItem(&want, raw); err != nil {
			t.Fatal(err)
		}
	}
	want.WriteString("tenants:\n")
	out := tenantsOut(s)
	for i := range s.Tenants {
		raw, _ := marshal(out(&s.Tenants[i]))
		if err := yamlItem(&want, raw); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("(-JSON path +writeYAML):\n%s", diff)
	}
}
