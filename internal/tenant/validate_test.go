package tenant

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
)

// wantErr is one expected error: its position, field and a message fragment.
type wantErr struct {
	pos   string // file:line:column
	field string
	msg   string
}

func errorsOf(t *testing.T, set *Set) []wantErr {
	t.Helper()
	var got []wantErr
	for _, e := range set.Errors {
		got = append(got, wantErr{pos: e.Pos.String(), field: e.Field, msg: e.Msg})
	}
	return got
}

// matchErrs compares errors by position and field exactly, message by substring.
func matchErrs(t *testing.T, want, got []wantErr) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(want), cmp.Diff(want, got, cmp.AllowUnexported(wantErr{})))
	}
	for i := range want {
		if want[i].pos != got[i].pos || want[i].field != got[i].field || !strings.Contains(got[i].msg, want[i].msg) {
			t.Errorf("error %d:\n want %s %s: ...%s...\n  got %s %s: %s", i, want[i].pos, want[i].field, want[i].msg, got[i].pos, got[i].field, got[i].msg)
		}
	}
}

const header = "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: acme\n"

func TestValidationErrors(t *testing.T) {
	tests := map[string]struct {
		file, body string
		want       []wantErr
	}{
		"valid minimal": {file: "acme.yaml", body: header},
		"unknown field": {file: "acme.yaml", body: header + "spec:\n  namespaec: x\n",
			want: []wantErr{{"acme.yaml:6:3", "spec.namespaec", `unknown field "namespaec"`}}},
		"unknown field with case hint": {file: "acme.yaml", body: header + "spec:\n  serviceaccount: x\n",
			want: []wantErr{{"acme.yaml:6:3", "spec.serviceaccount", `did you mean "serviceAccount"`}}},
		"wrong type list": {file: "acme.yaml", body: header + "spec:\n  secrets: true\n",
			want: []wantErr{{"acme.yaml:6:12", "spec.secrets", "expected a list, got a boolean"}}},
		"wrong type string": {file: "acme.yaml", body: header + "spec:\n  namespace: 42\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", "expected a string, got an integer (quote it)"}}},
		"duplicate key": {file: "acme.yaml", body: header + "spec:\n  namespace: a\n  namespace: b\n",
			want: []wantErr{{"acme.yaml:7:3", "spec.namespace", `duplicate field "namespace" (first at line 6)`}}},
		"file name mismatch": {file: "other.yaml", body: header,
			want: []wantErr{{"other.yaml:4:9", "metadata.name", `does not match the file name "other.yaml"`}}},
		"name not a DNS label": {file: "Acme_1.yaml", body: strings.Replace(header, "name: acme", "name: Acme_1", 1),
			want: []wantErr{{"Acme_1.yaml:4:9", "metadata.name", "not a DNS-1123 label"}}},
		"wrong kind": {file: "acme.yaml", body: strings.Replace(header, "kind: Tenant", "kind: Team", 1),
			want: []wantErr{{"acme.yaml:2:7", "kind", `must be "Tenant"`}}},
		"ttl does not parse": {file: "acme.yaml", body: header + "spec:\n  auth:\n    ttl: soon\n",
			want: []wantErr{{"acme.yaml:7:10", "spec.auth.ttl", `invalid duration "soon"`}}},
		"max ttl below default": {file: "acme.yaml", body: header + "spec:\n  auth:\n    ttl: 50m\n    maxTTL: 40m\n",
			want: []wantErr{{"acme.yaml:8:13", "spec.auth.maxTTL", "maxTTL 40m is shorter than ttl 50m"}}},
		"auth max ttl beyond the platform's": {file: "acme.yaml", body: header + "spec:\n  auth:\n    maxTTL: 2d\n",
			want: []wantErr{{"acme.yaml:7:13", "spec.auth.maxTTL", "48h exceeds the platform's maximum 1h (syncd.yaml limits.maxAuthTTL)"}}},
		"unknown connection": {file: "acme.yaml", body: header + "spec:\n  databases:\n    - name: main\n      connection: billing\n      privilege: readonly\n",
			want: []wantErr{{"acme.yaml:8:19", "spec.databases[0].connection", `unknown connection "billing" (the platform config knows: catalog)`}}},
		"unknown privilege": {file: "acme.yaml", body: header + "spec:\n  databases:\n    - name: main\n      connection: catalog\n      privilege: superuser\n",
			want: []wantErr{{"acme.yaml:9:18", "spec.databases[0].privilege", `unknown privilege level "superuser" for connection "catalog" (known: readonly, readwrite)`}}},
		"db max ttl below default": {file: "acme.yaml", body: header + "spec:\n  databases:\n    - name: main\n      connection: catalog\n      privilege: readonly\n      defaultTTL: 2h\n      maxTTL: 30m\n",
			want: []wantErr{{"acme.yaml:11:15", "spec.databases[0].maxTTL", "maxTTL 30m is shorter than defaultTTL 2h"}}},
		"db max ttl beyond connection": {file: "acme.yaml", body: header + "spec:\n  databases:\n    - name: main\n      connection: catalog\n      privilege: readonly\n      maxTTL: 48h\n",
			want: []wantErr{{"acme.yaml:10:15", "spec.databases[0].maxTTL", "exceeds the connection's maximum 24h"}}},
		"path traversal": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - name: s\n      path: ../other/db\n      keys: [k]\n",
			want: []wantErr{{"acme.yaml:8:13", "spec.secrets[0].path", `has a ".." segment`}}},
		"path glob": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - name: s\n      path: 'x/*'\n      keys: [k]\n",
			want: []wantErr{{"acme.yaml:8:13", "spec.secrets[0].path", "characters outside"}}},
		"path hcl injection": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - name: s\n      path: 'x\" {}\\npath \"*'\n      keys: [k]\n",
			want: []wantErr{{"acme.yaml:8:13", "spec.secrets[0].path", "characters outside"}}},
		"no keys": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - name: s\n      path: p\n",
			want: []wantErr{{"acme.yaml:7:7", "spec.secrets[0].keys", "at least one key"}}},
		"duplicate secret name": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - {name: s, path: a, keys: [k]}\n    - {name: s, path: b, keys: [k], target: t}\n",
			want: []wantErr{{"acme.yaml:8:14", "spec.secrets[1].name", `ExternalSecret name "s" is already used by spec.secrets[0].name`}}},
		"duplicate target": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - {name: a, path: a, keys: [k], target: t}\n    - {name: b, path: b, keys: [k], target: t}\n",
			want: []wantErr{{"acme.yaml:8:45", "spec.secrets[1].target", `target Secret "t" is already written by spec.secrets[0].target`}}},
		"reserved namespace": {file: "acme.yaml", body: header + "spec:\n  namespace: kube-system\n",
			want: []wantErr{{"acme.yaml:6:14", "spec.namespace", `"kube-system" is reserved by Kubernetes`}}},
		"anchor and alias": {file: "acme.yaml", body: header + "spec:\n  secrets:\n    - &a {name: s, path: a, keys: [k]}\n    - *a\n",
			want: []wantErr{{"acme.yaml:7:7", "spec.secrets[0]", "anchors and aliases are not allowed"}, {"acme.yaml:8:7", "spec.secrets[1]", "anchors and aliases are not allowed"}}},
		"two documents": {file: "acme.yaml", body: header + "---\n" + header,
			want: []wantErr{{"acme.yaml:5", "", "more than one YAML document"}}},
		"syntax error": {file: "acme.yaml", body: header + "spec: [\n",
			want: []wantErr{{"acme.yaml:5", "", "invalid YAML"}}},
		"empty file": {file: "acme.yaml", body: "\n",
			want: []wantErr{{"acme.yaml", "", "file is empty"}}},
		"shape and semantic errors together": {file: "acme.yaml", body: header + "spec:\n  bogus: 1\n  secrets:\n    - {name: s, path: ../x, keys: [k], refreshInterval: never}\n",
			want: []wantErr{
				{"acme.yaml:6:3", "spec.bogus", "unknown field"},
				{"acme.yaml:8:23", "spec.secrets[0].path", `has a ".." segment`},
				{"acme.yaml:8:57", "spec.secrets[0].refreshInterval", "invalid duration"},
			}},
		"a mapping where a TTL belongs still lets later checks run": {file: "acme.yaml", body: header + "spec:\n  auth:\n    ttl: {h: 1}\n  namespace: Bad\n",
			want: []wantErr{
				{"acme.yaml:7:10", "spec.auth.ttl", "expected a scalar value, got a mapping"},
				{"acme.yaml:8:14", "spec.namespace", "not a DNS-1123 label"},
			}},
		"a bad value is reported once": {file: "acme.yaml", body: header + "spec:\n  secrets: {name: s}\n",
			want: []wantErr{{"acme.yaml:6:12", "spec.secrets", "expected a list, got a mapping"}}},
		"several errors at once": {file: "acme.yaml", body: header + "spec:\n  bogus: 1\n  auth:\n    ttl: never\n",
			want: []wantErr{{"acme.yaml:6:3", "spec.bogus", "unknown field"}, {"acme.yaml:8:10", "spec.auth.ttl", "invalid duration"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			set := Parse([]File{{Path: tc.file, Data: []byte(tc.body)}}, config.Default())
			matchErrs(t, tc.want, errorsOf(t, set))
			stem := strings.TrimSuffix(tc.file, ".yaml")
			if len(tc.want) > 0 && set.Invalid[stem] == nil {
				t.Errorf("Invalid = %v, want the failed file recorded as an invalid (unknown) tenant %q", set.Invalid, stem)
			}
		})
	}
}

func TestCrossFileErrors(t *testing.T) {
	tests := map[string]struct {
		files []File
		want  []wantErr
	}{
		"two files claim one tenant": {
			files: []File{{"acme.yaml", []byte(header)}, {"acme.yml", []byte(header)}},
			want: []wantErr{
				{"acme.yaml:4:9", "metadata.name", `tenant "acme" is also defined in acme.yml:4:9`},
				{"acme.yml:4:9", "metadata.name", `tenant "acme" is also defined in acme.yaml:4:9`},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			set := Parse(tc.files, config.Default())
			matchErrs(t, tc.want, errorsOf(t, set))
			if len(set.Tenants) != 0 {
				t.Errorf("conflicting tenants must not be valid, got %v", set.Names())
			}
		})
	}
}

// A failing file holds every tenant it could belong to: the one its file name
// says and the one its content names. Renaming a file must never off-board
// the tenant it holds.
func TestFailingFileHoldsEveryNameItCouldBelongTo(t *testing.T) {
	tests := map[string]struct {
		file, body string
		held       []string
	}{
		"git mv blog.yaml blog-site.yaml": {file: "blog-site.yaml", body: strings.Replace(header, "acme", "blog", 1),
			held: []string{"blog", "blog-site"}},
		"content names another tenant and has errors": {file: "x.yaml", body: strings.Replace(header, "acme", "shop", 1) + "spec:\n  bogus: 1\n",
			held: []string{"shop", "x"}},
		"content unreadable: only the file name is known": {file: "blog.yaml", body: "metadata: [\n",
			held: []string{"blog"}},
		"a valid file beside an unreadable one of the same stem": {file: "blog.yml", body: "metadata: [\n",
			held: []string{"blog"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			files := []File{{Path: tc.file, Data: []byte(tc.body)}}
			if tc.file == "blog.yml" {
				files = append(files, File{Path: "blog.yaml", Data: []byte(strings.Replace(header, "acme", "blog", 1))})
			}
			set := Parse(files, config.Default())
			if diff := cmp.Diff(tc.held, slices.Sorted(maps.Keys(set.Invalid))); diff != "" {
				t.Errorf("held (-want +got):\n%s", diff)
			}
			if len(set.Tenants) != 0 {
				t.Errorf("tenants = %v, want none", set.Names())
			}
		})
	}
}

func TestLoadDir(t *testing.T) {
	t.Run("missing directory is an error, not an empty set", func(t *testing.T) {
		_, err := LoadDir(filepath.Join(t.TempDir(), "tenants"), config.Default())
		if err == nil || !strings.Contains(err.Error(), "tenants directory not found") {
			t.Fatalf("err = %v, want ErrNoTenantsDir", err)
		}
	})
	t.Run("symlinks and subdirectories are errors; other files are ignored", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "acme.yaml", header)
		write(t, dir, "README.md", "not a tenant")
		write(t, dir, ".hidden.yaml", "ignored")
		if err := os.Symlink("/etc/passwd", filepath.Join(dir, "evil.yaml")); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "nested"), 0o755); err != nil {
			t.Fatal(err)
		}
		set, err := LoadDir(dir, config.Default())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"acme"}, set.Names()); diff != "" {
			t.Errorf("valid tenants (-want +got):\n%s", diff)
		}
		var msgs []string
		for _, e := range set.Errors {
			msgs = append(msgs, filepath.Base(e.Pos.File)+": "+e.Msg)
		}
		want := []string{
			"evil.yaml: symlinks are not allowed in the tenants directory",
			"nested: subdirectories are not allowed in the tenants directory",
		}
		if diff := cmp.Diff(want, msgs); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
		if _, ok := set.Invalid["evil"]; !ok {
			t.Errorf("a refused file must make its tenant unknown, Invalid = %v", set.Invalid)
		}
	})
	t.Run("oversized file is refused", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "acme.yaml", header+"# "+strings.Repeat("x", 300<<10)+"\n")
		set, err := LoadDir(dir, config.Default())
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Errors) != 1 || !strings.Contains(set.Errors[0].Msg, "larger than the limit") {
			t.Errorf("errors = %v", set.Errors)
		}
	})
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
