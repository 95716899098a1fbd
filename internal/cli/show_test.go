package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

// show renders a saved plan offline, in every format, and refuses a file
// that is not one.
func TestShow(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "plan.json")
	p := &diff.Plan{Version: diff.SchemaVersion, Applyable: true, Changes: []diff.Change{
		{ID: object.ID{System: object.Vault, Kind: "policy", Name: "shop-read"}, Tenant: "shop", Action: diff.Create},
	}}
	p.Summary.Create = 1
	if err := savePlan(saved, p); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.json")
	if err := os.WriteFile(other, []byte(`{"version": "syncd.io/plan/v0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		args []string
		code int
		want string
	}{
		"text":                {args: []string{"show", saved}, want: "shop-read"},
		"json":                {args: []string{"show", saved, "-o", "json"}, want: `"applyable": true`},
		"markdown, bounded":   {args: []string{"show", saved, "-o", "markdown", "--max-bytes", "65000"}, want: "shop-read"},
		"another version":     {args: []string{"show", other}, code: 1, want: `plan version "syncd.io/plan/v0"`},
		"no such file":        {args: []string{"show", filepath.Join(dir, "nope.json")}, code: 1, want: "nope.json"},
		"an unknown format":   {args: []string{"show", saved, "-o", "yaml"}, code: 1, want: "-o must be one of"},
		"no file, no default": {args: []string{"show"}, code: 1, want: "accepts 1 arg"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			noCredentials(t) // show reads no live system
			var stdout, stderr bytes.Buffer
			code := Main(tc.args, &stdout, &stderr)
			if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s\n%s", code, tc.code, tc.want, stdout.String(), stderr.String())
			}
		})
	}
}
