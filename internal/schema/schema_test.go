package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/tenant"
)

var update = flag.Bool("update", false, "rewrite schemas/*.json")

const root = "../.."

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// schemas/ holds exactly what the Go types give.
func TestSchemasAreCurrent(t *testing.T) {
	for name, s := range Files() {
		path := filepath.Join(root, "schemas", name)
		got := encode(t, s)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./internal/schema -update writes it)", err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s is stale (-file +types); go test ./internal/schema -update:\n%s", path, diff)
		}
	}
}

// compiled compiles the schema of file (a schemas/ name).
func compiled(t *testing.T, file string) *sjs.Schema {
	t.Helper()
	c := sjs.NewCompiler()
	var doc any
	if err := json.Unmarshal(encode(t, Files()[file]), &doc); err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(Base+file, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(Base + file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

func validYAML(s *sjs.Schema, body []byte) error {
	j, err := yaml.YAMLToJSON(body)
	if err != nil {
		return err
	}
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}

// Every shipped tenant file and platform config validates against its
// schema, and names it for editors (a yaml-language-server modeline).
func TestShippedFilesValidate(t *testing.T) {
	tenants, _ := filepath.Glob(filepath.Join(root, "tenants", "*.yaml"))
	configs, _ := filepath.Glob(filepath.Join(root, "examples", "*", "syncd.yaml"))
	configs = append(configs, filepath.Join(root, "syncd.yaml"))
	for _, set := range []struct {
		schema string
		files  []string
	}{{"tenant.schema.json", tenants}, {"config.schema.json", configs}} {
		s := compiled(t, set.schema)
		if len(set.files) < 2 {
			t.Fatalf("%s: only %v", set.schema, set.files)
		}
		for _, f := range set.files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := validYAML(s, b); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			if !strings.Contains(string(b), "# yaml-language-server: $schema=") || !strings.Contains(string(b), set.schema) {
				t.Errorf("%s has no yaml-language-server modeline naming %s", f, set.schema)
			}
		}
	}
}

// For every bound the tenant schema states, a value inside it passes both
// the schema and validate, and a value past it fails both.
func TestTenantSchemaBoundsAreValidates(t *testing.T) {
	s := compiled(t, "tenant.schema.json")
	cfg := config.Default()
	head := "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: acme\n"
	sec := func(f string) string {
		return head + "spec:\n  secrets:\n    - {name: s, path: p, keys: [k]" + f + "}\n"
	}
	secWith := func(name, path, keys string) string {
		return head + fmt.Sprintf("spec:\n  secrets:\n    - {name: %s, path: %s, keys: %s}\n", name, path, keys)
	}
	db := func(f string) string {
		return head + "spec:\n  databases:\n    - {name: d, connection: catalog, privilege: readonly" + f + "}\n"
	}
	tests := map[string]struct {
		body string
		ok   bool
	}{
		"a minimal tenant":                  {body: head, ok: true},
		"another apiVersion":                {body: strings.Replace(head, "v1alpha1", "v2", 1)},
		"an unknown field":                  {body: head + "spec:\n  bogus: 1\n"},
		"name: upper case":                  {body: strings.Replace(head, "acme", "Acme", 1)},
		"name: 64 characters":               {body: strings.Replace(head, "acme", strings.Repeat("a", 64), 1)},
		"secret: a subdomain name":          {body: secWith("a.b", "p", "[k]"), ok: true},
		"secret: an underscore in the name": {body: secWith("a_b", "p", "[k]")},
		"secret: a nested path":             {body: secWith("s", "a/b.c/d_e", "[k]"), ok: true},
		"secret: a .. segment":              {body: secWith("s", "a/../b", "[k]")},
		"secret: a leading slash":           {body: secWith("s", "/a", "[k]")},
		"secret: a glob":                    {body: secWith("s", "a/*", "[k]")},
		"secret: a path of 513 characters":  {body: secWith("s", strings.Repeat("a", 513), "[k]")},
		"secret: no keys":                   {body: secWith("s", "p", "[]")},
		"secret: a repeated key":            {body: secWith("s", "p", "[k, k]")},
		"secret: a key with a space":        {body: secWith("s", "p", "['a b']")},
		"secret: a dotted key":              {body: secWith("s", "p", "[tls.crt]"), ok: true},
		"secret: no path":                   {body: head + "spec:\n  secrets:\n    - {name: s, keys: [k]}\n"},
		"secret: a target with a slash":     {body: sec(", target: 'x/y'")},
		"secret: a refresh in seconds":      {body: sec(", refreshInterval: 90"), ok: true},
		"secret: a refresh of 30m0s":        {body: sec(", refreshInterval: 30m0s"), ok: true},
		"secret: a refresh in words":        {body: sec(", refreshInterval: hourly")},
		"database: upper case name":         {body: strings.Replace(db(""), "name: d", "name: D", 1)},
		"database: a lease of 2h":           {body: db(", defaultTTL: 2h"), ok: true},
		"database: no privilege":            {body: head + "spec:\n  databases:\n    - {name: d, connection: catalog}\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			schemaErr := validYAML(s, []byte(tc.body))
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			set, err := tenant.LoadDir(dir, cfg)
			if err != nil {
				t.Fatal(err)
			}
			validateErr := set.Err()
			if (schemaErr == nil) != tc.ok || (validateErr == nil) != tc.ok {
				t.Errorf("want ok=%v; the schema says %v, validate says %v", tc.ok, schemaErr, validateErr)
			}
		})
	}
}
