package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func repoWith(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "tenants"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const okTenant = "apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: acme\n"

func TestValidate(t *testing.T) {
	tests := map[string]struct {
		files    map[string]string
		noDir    bool
		code     int
		stdout   string
		stderr   []string
		noStderr string
	}{
		"shipped-like valid repo": {
			files: map[string]string{"tenants/acme.yaml": okTenant},
			code:  0, stdout: "valid: 1 tenant(s), 2 object(s), isolation proven\n",
		},
		"every error of every file is reported": {
			files: map[string]string{
				"tenants/acme.yaml": okTenant + "spec:\n  bogus: 1\n",
				"tenants/beta.yaml": strings.Replace(okTenant, "acme", "gamma", 1),
			},
			code: 1,
			stderr: []string{
				"tenants/acme.yaml:6:3: spec.bogus: unknown field",
				`tenants/beta.yaml:4:9: metadata.name: "gamma" does not match the file name "beta.yaml"`,
				"invalid: 2 error(s) in 2 tenant file(s)",
			},
		},
		"missing tenants directory": {
			noDir: true, code: 1, stderr: []string{"tenants directory not found"},
		},
		"bad platform config": {
			files: map[string]string{"syncd.yaml": "apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\nauth:\n  ttl: 1x\n"},
			code:  1, stderr: []string{"syncd.yaml:4:8: auth.ttl: invalid duration"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := repoWith(t, tc.files)
			if tc.noDir {
				os.RemoveAll(filepath.Join(dir, "tenants"))
			}
			code, out, stderr := run(t, "validate", "--dir", dir)
			if code != tc.code {
				t.Errorf("exit = %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if tc.stdout != "" && out != tc.stdout {
				t.Errorf("stdout = %q, want %q", out, tc.stdout)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

func TestRenderRefusesInvalidTenants(t *testing.T) {
	dir := repoWith(t, map[string]string{"tenants/acme.yaml": okTenant + "spec:\n  namespace: Bad\n"})
	code, out, stderr := run(t, "render", "--dir", dir)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q: want 1 and nothing rendered", code, out)
	}
	if !strings.Contains(stderr, "acme.yaml:6:14: spec.namespace") {
		t.Errorf("stderr = %s", stderr)
	}
}

func TestTerraformStyleOutFlag(t *testing.T) {
	got := terraformStyle([]string{"plan", "-out", "p.json", "-out=q.json", "-o", "json", "--out", "r"})
	want := []string{"plan", "--out", "p.json", "--out=q.json", "-o", "json", "--out", "r"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("terraformStyle = %v, want %v", got, want)
	}
}
