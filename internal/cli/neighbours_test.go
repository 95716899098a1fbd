package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/live"
)

// noCredentials leaves syncd no Vault token and no cluster: a command that
// reaches for either fails saying so.
func noCredentials(t *testing.T) {
	t.Helper()
	t.Setenv("VAULT_TOKEN", "")
	t.Setenv("VAULT_ADDR", "https://127.0.0.1:1")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
}

// Local inputs (files, flags, tenant names) are checked before any
// credential or cluster is touched, and a misspelled name gets the nearest.
func TestLocalInputsFirst(t *testing.T) {
	repo := repoWith(t, map[string]string{"tenants/acme.yaml": okTenant + "spec:\n  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	broken := repoWith(t, map[string]string{"tenants/acme.yaml": okTenant + "spec:\n  bogus: 1\n"})
	tests := map[string]struct {
		args     []string
		code     int
		stdout   string
		stderr   string
		noStderr string
	}{
		"apply of a missing plan file": {args: []string{"apply", "--dir", repo, "/nope.json"}, code: 1, stderr: "/nope.json", noStderr: "token"},
		"rotate --dry-run needs no credentials": {args: []string{"rotate", "--dir", repo, "acme", "--secret", "s", "--dry-run"}, code: 0,
			stdout: "would annotate ExternalSecret", noStderr: "token"},
		"rotate of a misspelled tenant": {args: []string{"rotate", "--dir", repo, "acmee", "--secret", "s", "--dry-run"}, code: 1,
			stderr: `no tenant "acmee" in tenants/ (did you mean "acme"?)`},
		"run with an unknown auth method": {args: []string{"run", "--dir", repo, "--vault-auth", "kubernetis"}, code: 1,
			stderr: `--vault-auth must be token, kubernetes or jwt, got "kubernetis" (did you mean "kubernetes"?)`, noStderr: "kubeconfig"},
		"run takes no --tenant": {args: []string{"run", "--dir", repo, "--tenant", "acme"}, code: 1, stderr: "unknown flag: --tenant"},
		"render of an unknown tenant": {args: []string{"render", "--dir", repo, "--tenant", "acm"}, code: 1,
			stderr: `no tenant "acm" in tenants/ (did you mean "acme"?)`},
		"render -o vault-policy with an invalid tenant file": {args: []string{"render", "--dir", broken, "-o", "vault-policy"}, code: 0,
			stdout: "path \"sys/policies/acl/", noStderr: "bogus"},
		"no token after vault login": {args: []string{"plan", "--dir", repo}, code: 1, stderr: "run `vault login`, or set VAULT_TOKEN"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			noCredentials(t)
			var stdout, stderr bytes.Buffer
			code := Main(tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr.String())
			}
			if tc.noStderr != "" && strings.Contains(stderr.String(), tc.noStderr) {
				t.Errorf("stderr mentions %q:\n%s", tc.noStderr, stderr.String())
			}
		})
	}
}

// --tenant takes repeats and commas alike in every command that has it.
func TestTenantFlagTakesCommasAndRepeats(t *testing.T) {
	for _, name := range []string{"plan", "apply", "render"} {
		t.Run(name, func(t *testing.T) {
			root, _ := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
			cmd, _, err := root.Find([]string{name})
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.ParseFlags([]string{"--tenant", "a,b", "--tenant", "c"}); err != nil {
				t.Fatal(err)
			}
			got, err := cmd.Flags().GetStringSlice("tenant")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
				t.Errorf("--tenant (-want +got):\n%s", diff)
			}
		})
	}
}

// Without VAULT_TOKEN, the token `vault login` stored in ~/.vault-token
// is used, as the vault CLI does.
func TestVaultTokenFileAsTheVaultCLIReadsIt(t *testing.T) {
	noCredentials(t)
	home := os.Getenv("HOME")
	if err := os.WriteFile(filepath.Join(home, ".vault-token"), []byte("hvs.from-login\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := &options{}
	c, err := o.vaultClient(&live.Counter{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Token() != "hvs.from-login" {
		t.Errorf("token %q, want the one in ~/.vault-token", c.Token())
	}
	t.Setenv("VAULT_TOKEN", "hvs.from-env")
	if c, err = o.vaultClient(&live.Counter{}); err != nil || c.Token() != "hvs.from-env" {
		t.Errorf("VAULT_TOKEN set: token %q (%v), want it to win", c.Token(), err)
	}
}

// Every command's --help shows examples.
func TestEveryCommandHasExamples(t *testing.T) {
	root, _ := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("syncd %s --help has no examples", c.Name())
		}
	}
}
