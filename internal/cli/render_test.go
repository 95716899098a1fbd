package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// run runs syncd in-process and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestRenderGolden(t *testing.T) {
	repo := filepath.Join("..", "..")
	entries, err := os.ReadDir(filepath.Join(repo, "tenants"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		tenant := strings.TrimSuffix(e.Name(), ".yaml")
		for format, ext := range map[string]string{"yaml": ".yaml", "hcl": ".hcl", "manifests": ".manifests.yaml"} {
			t.Run(tenant+"/"+format, func(t *testing.T) {
				code, out, stderr := run(t, "render", "--dir", repo, "--tenant", tenant, "-o", format)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				golden(t, "prod/"+tenant+ext, out)
			})
		}
	}
	t.Run("dev config changes mounts and names only", func(t *testing.T) {
		code, out, stderr := run(t, "render", "--dir", repo, "--config", filepath.Join(repo, "examples", "dev", "syncd.yaml"), "--tenant", "acme-books")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		golden(t, "dev/acme-books.yaml", out)
	})
}

func TestRenderJSONIsTheSameState(t *testing.T) {
	code, out, stderr := run(t, "render", "--dir", filepath.Join("..", ".."), "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"kind": "Policy"`, `"kind": "KubernetesAuthRole"`, `"kind": "DatabaseRole"`, `"kind": "VaultDynamicSecret.generators.external-secrets.io"`} {
		if !strings.Contains(out, want) {
			t.Errorf("json output lacks %s", want)
		}
	}
}
