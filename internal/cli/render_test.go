package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncd-dev/syncd/internal/golden"
)

// run runs syncd in-process and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
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
				golden.Check(t, "prod/"+tenant+ext, out)
			})
		}
	}
	t.Run("dev config changes mounts and names only", func(t *testing.T) {
		code, out, stderr := run(t, "render", "--dir", repo, "--config", filepath.Join(repo, "examples", "dev", "syncd.yaml"), "--tenant", "acme-books")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		golden.Check(t, "dev/acme-books.yaml", out)
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
