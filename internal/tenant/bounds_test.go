package tenant

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
)

// boundsDoc lists every tenant field with its bound; this test holds the
// two together.
const boundsDoc = "../../docs/tenant-fields.md"

// TestEveryTenantFieldIsBounded tries, for every field a tenant file can
// set (docs/tenant-fields.md), a value past its bound and expects the error
// naming that field; the fields that land nowhere are accepted as they are
// (desired's TestTenantMetadataLandsNowhere proves they land nowhere).
// It fails when the Tenant type gains a field the doc or this table lacks.
func TestEveryTenantFieldIsBounded(t *testing.T) {
	cfg := config.Default()
	sec := func(s string) string { return "spec:\n  secrets:\n    - {name: s, path: p, keys: [k]" + s + "}\n" }
	db := func(s string) string {
		return "spec:\n  databases:\n    - {name: d, connection: catalog, privilege: readonly" + s + "}\n"
	}
	tests := map[string]struct {
		file, body string
		msg        string // "" for a field that lands nowhere
	}{
		"metadata.name":                    {file: "root.yaml", body: strings.Replace(header, "acme", "kube-system", 1), msg: `does not match the file name`},
		"metadata.labels":                  {body: strings.Replace(header, "name: acme", "name: acme\n  labels: {x: '\"} path \"*\" {'}", 1)},
		"metadata.annotations":             {body: strings.Replace(header, "name: acme", "name: acme\n  annotations: {note: hello}", 1)},
		"spec.namespace":                   {body: header + "spec:\n  namespace: argocd\n", msg: `allows no namespace overrides`},
		"spec.serviceAccount":              {body: header + "spec:\n  serviceAccount: default\n", msg: `is every pod's`},
		"spec.auth.ttl":                    {body: header + "spec:\n  auth: {ttl: 2h}\n", msg: `exceeds the platform's maximum 1h`},
		"spec.auth.maxTTL":                 {body: header + "spec:\n  auth: {maxTTL: 23h}\n", msg: `exceeds the platform's maximum 1h`},
		"spec.secrets[].name":              {body: header + "spec:\n  secrets:\n    - {name: S_1, path: p, keys: [k]}\n", msg: `not a DNS-1123 subdomain`},
		"spec.secrets[].path":              {body: header + "spec:\n  secrets:\n    - {name: s, path: ../x, keys: [k]}\n", msg: `has a ".." segment`},
		"spec.secrets[].keys[]":            {body: header + "spec:\n  secrets:\n    - {name: s, path: p, keys: ['a b']}\n", msg: `not a valid secret key`},
		"spec.secrets[].target":            {body: header + sec(", target: 'x/y'"), msg: `target Secret name`},
		"spec.secrets[].refreshInterval":   {body: header + sec(", refreshInterval: 1s"), msg: `shorter than the platform's minimum 1m`},
		"spec.databases[].name":            {body: header + "spec:\n  databases:\n    - {name: D, connection: catalog, privilege: readonly}\n", msg: `not a DNS-1123 label`},
		"spec.databases[].connection":      {body: header + "spec:\n  databases:\n    - {name: d, connection: billing, privilege: readonly}\n", msg: `unknown connection`},
		"spec.databases[].privilege":       {body: header + "spec:\n  databases:\n    - {name: d, connection: catalog, privilege: superuser}\n", msg: `unknown privilege level`},
		"spec.databases[].defaultTTL":      {body: header + db(", defaultTTL: 30s"), msg: `shorter than the platform's minimum 1m`},
		"spec.databases[].maxTTL":          {body: header + db(", maxTTL: 48h"), msg: `exceeds the connection's maximum 24h`},
		"spec.databases[].target":          {body: header + db(", target: 'x/y'"), msg: `target Secret name`},
		"spec.databases[].refreshInterval": {body: header + db(", refreshInterval: 2h"), msg: `exceeds the platform's maximum 1h`},
	}
	if diff := cmp.Diff(fieldsOf(reflect.TypeFor[Tenant](), ""), sortedKeys(tests)); diff != "" {
		t.Errorf("tenant fields (-Tenant type +this table):\n%s", diff)
	}
	if diff := cmp.Diff(docFields(t), sortedKeys(tests)); diff != "" {
		t.Errorf("tenant fields (-%s +this table):\n%s", boundsDoc, diff)
	}
	for field, tc := range tests {
		t.Run(field, func(t *testing.T) {
			file := tc.file
			if file == "" {
				file = "acme.yaml"
			}
			set := Parse([]File{{Path: file, Data: []byte(tc.body)}}, cfg)
			if tc.msg == "" {
				if err := set.Err(); err != nil {
					t.Fatalf("an inert field refused: %v", err)
				}
				return
			}
			err := set.Err()
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %q", err, tc.msg)
			}
			if base := strings.TrimSuffix(strings.ReplaceAll(field, "[]", "[0]"), "[0]"); !strings.Contains(err.Error(), base) && field != "metadata.name" {
				t.Errorf("err = %v, want it to name %s", err, base)
			}
		})
	}
}

// fieldsOf lists the JSON paths of the leaves a file can set in typ (a
// list element is "[]"; a map or a duration is a leaf).
func fieldsOf(typ reflect.Type, prefix string) []string {
	var out []string
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || name == "apiVersion" || name == "kind" {
			continue
		}
		path := prefix + name
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			path += "[]"
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.NumField() > 0 && ft.PkgPath() == typ.PkgPath() {
			out = append(out, fieldsOf(ft, path+".")...)
			continue
		}
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

func docFields(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(boundsDoc)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-zA-Z.\\[\\]]+)` \\|").FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
