package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func repoWith(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "tenants"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := files["syncd.yaml"]; !ok {
		files["syncd.yaml"] = "apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\n"
	}
	for name, body := range files {
		switch kind, target, _ := strings.Cut(name, ":"); {
		case body == "" && kind != "fifo": // no such file
			continue
		case kind == "link":
			if err := os.Symlink(body, filepath.Join(dir, target)); err != nil {
				t.Fatal(err)
			}
			continue
		case kind == "fifo":
			if err := syscall.Mkfifo(filepath.Join(dir, target), 0o600); err != nil {
				t.Fatal(err)
			}
			continue
		}
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
		"no platform config": {
			files: map[string]string{"tenants/acme.yaml": okTenant, "syncd.yaml": ""},
			code:  1, stderr: []string{"syncd.yaml: open", "no such file or directory: write one"},
		},
		"a symlinked platform config": {
			files: map[string]string{"tenants/acme.yaml": okTenant, "syncd.yaml": "", "link:syncd.yaml": "/dev/zero"},
			code:  1, stderr: []string{"syncd.yaml: a symlink, which is not allowed here"},
		},
		"a FIFO in tenants/": {
			files: map[string]string{"tenants/acme.yaml": okTenant, "fifo:tenants/pipe.yaml": ""},
			code:  1, stderr: []string{"tenants/pipe.yaml: not a regular file"},
		},
		"a symlink to /dev/zero in tenants/": {
			files: map[string]string{"tenants/acme.yaml": okTenant, "link:tenants/zero.yaml": "/dev/zero"},
			code:  1, stderr: []string{"tenants/zero.yaml: symlinks are not allowed in the tenants directory"},
		},
		"a symlinked tenants directory": {
			noDir: true, files: map[string]string{"link:tenants": "/etc"},
			code: 1, stderr: []string{"tenants: a symlink, not a directory"},
		},
		"bad platform config": {
			files: map[string]string{"syncd.yaml": "apiVersion: syncd.io/v1alpha1\nkind: PlatformConfig\nauth:\n  ttl: 1x\n"},
			code:  1, stderr: []string{"syncd.yaml:4:8: auth.ttl: invalid duration"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range tc.files {
				if !strings.HasPrefix(k, "link:tenants") || !tc.noDir {
					files[k] = v
				}
			}
			dir := repoWith(t, files)
			if tc.noDir {
				os.RemoveAll(filepath.Join(dir, "tenants"))
				if target, ok := tc.files["link:tenants"]; ok {
					if err := os.Symlink(target, filepath.Join(dir, "tenants")); err != nil {
						t.Fatal(err)
					}
				}
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

// A path the operator gives may be a symlink, but still only to a regular
// file of bounded size: --config /dev/zero fails at once.
func TestConfigFlagReadsOnlyARegularFile(t *testing.T) {
	dir := repoWith(t, map[string]string{"tenants/acme.yaml": okTenant})
	link := filepath.Join(t.TempDir(), "syncd.yaml")
	if err := os.Symlink(filepath.Join(dir, "syncd.yaml"), link); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/dev/zero": "/dev/zero: a device: not a regular file", link: ""} {
		code, _, stderr := run(t, "validate", "--dir", dir, "--config", path)
		if want == "" && code != 0 || want != "" && (code != 1 || !strings.Contains(stderr, want)) {
			t.Errorf("--config %s: exit %d, stderr %q; want %q", path, code, stderr, want)
		}
	}
}
