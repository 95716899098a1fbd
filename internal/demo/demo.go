// Package demo is the story `make demo` tells on the test bed: the shipped
// tenants wired from nothing, proven isolated, broken out of band, healed,
// and one tenant off-boarded — each step the real syncd command and its real
// output. The end-to-end tests run it too.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// Run tells the story on bed with the syncd binary at bin, writing to w.
func Run(ctx context.Context, bed *testbed.Bed, bin, repoRoot string, w io.Writer) error {
	d := &story{bed: bed, bin: bin, w: w, dir: filepath.Join(bed.Dir, "demo")}
	if err := d.prepare(repoRoot); err != nil {
		return err
	}
	steps := []func(context.Context) error{d.validate, d.apply, d.secrets, d.verifyOK, d.widen, d.heal, d.offboard}
	for _, s := range steps {
		if err := s(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nThe end: every step above was a real command against a real Vault, Postgres, API server and ESO controller.\n")
	return nil
}

type story struct {
	bed *testbed.Bed
	bin string
	dir string
	w   io.Writer
}

// prepare copies the shipped tenants and config, pointed at the bed: ESO
// reaches the bed's Vault, syncd creates the tenant namespaces.
func (d *story) prepare(root string) error {
	if err := os.MkdirAll(filepath.Join(d.dir, "tenants"), 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(root, "tenants"))
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(root, "tenants", e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d.dir, "tenants", e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	cfg, err := os.ReadFile(filepath.Join(root, "examples", "prod", "syncd.yaml"))
	if err != nil {
		return err
	}
	cfg = bytes.Replace(cfg, []byte("address: https://vault.vault.svc:8200"), []byte("address: "+d.bed.VaultAddr+"\n  allowInsecureHTTP: true # the loopback bed"), 1)
	cfg = bytes.Replace(cfg, []byte("\nkubernetes:\n"), []byte("\nkubernetes:\n  manageNamespaces: true\n"), 1)
	if err := os.WriteFile(filepath.Join(d.dir, "syncd.yaml"), cfg, 0o644); err != nil {
		return err
	}
	// The values ESO will copy: an application team writes these.
	for path, data := range map[string]map[string]any{
		"bookstore-platform/acme-books/payments/stripe":              {"api_key": "sk_demo", "webhook_secret": "whsec_demo"},
		"bookstore-platform/acme-books/mail/smtp":                    {"username": "mailer", "password": "demo-pass"},
		"bookstore-platform/inkwell-reviews/integrations/moderation": {"token": "mod_demo"},
		"bookstore-platform/inkwell-reviews/storage/s3":              {"access_key_id": "AKIADEMO", "secret_access_key": "demo", "bucket": "inkwell-uploads"},
		"bookstore-platform/warehouse-ops/shipping/carrier":          {"api_key": "carrier_demo"},
	} {
		if _, err := d.bed.Vault.Logical().Write("secret/data/"+path, map[string]any{"data": data}); err != nil {
			return err
		}
	}
	return nil
}

func (d *story) title(s string) { fmt.Fprintf(d.w, "\n=== %s\n", s) }

// run runs syncd with args, printing the command and (abridged to keep
// lines, 0: all) its output; it returns the output and the exit status.
func (d *story) run(keep int, args ...string) (string, int) {
	fmt.Fprintf(d.w, "$ syncd %s\n", strings.Join(args, " "))
	full := append(args, "--dir", d.dir)
	if args[0] != "validate" {
		full = append(full, "--kubeconfig", d.bed.Kubeconfig)
	}
	cmd := exec.Command(d.bin, full...)
	cmd.Env = append(os.Environ(), "VAULT_ADDR="+d.bed.VaultAddr, "VAULT_TOKEN="+d.bed.VaultToken, testbed.AllowInsecureHTTP+"=true", "NO_COLOR=1", "SYNCD_LOG_LEVEL=warn")
	out, _ := cmd.CombinedOutput()
	text := string(out)
	shown := text
	if i := strings.Index(shown, "syncd apply:"); args[0] == "apply" && i > 0 {
		shown = "  (the plan, as shown by syncd plan)\n" + shown[i:] // apply prints its plan first
	}
	lines := strings.Split(strings.TrimRight(shown, "\n"), "\n")
	if keep > 0 && len(lines) > keep {
		lines = append(lines[:keep], fmt.Sprintf("  ... (%d more lines)", len(lines)-keep))
	}
	fmt.Fprintln(d.w, strings.Join(lines, "\n"))
	return text, cmd.ProcessState.ExitCode()
}

func expect(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf("demo: "+format, args...)
}

func (d *story) validate(context.Context) error {
	d.title("1. Check the tenant files, offline")
	out, code := d.run(0, "validate")
	if err := expect(code == 0, "validate exited %d", code); err != nil {
		return err
	}
	d.title("2. What would change (read-only)")
	out, code = d.run(12, "plan")
	return expect(code == 0 && strings.Contains(out, "to create"), "plan exited %d", code)
}

func (d *story) apply(context.Context) error {
	d.title("3. Apply: Vault policies and roles, namespaces, ESO objects, in dependency order")
	out, code := d.run(12, "apply", "--auto-approve", "-o", "text")
	return expect(code == 0 && strings.Contains(out, "0 failed, 0 skipped"), "apply exited %d", code)
}

func (d *story) secrets(ctx context.Context) error {
	d.title("4. The ESO controller fills each tenant's Kubernetes Secrets from Vault")
	want := map[string][]string{
		"bookstore-platform-acme-books":      {"stripe", "smtp-credentials", "catalog-db-credentials"},
		"bookstore-platform-inkwell-reviews": {"moderation-api-token", "s3-uploads"},
		"warehouse":                          {"carrier-api", "catalog-db-credentials", "orders-db"},
	}
	deadline := time.Now().Add(90 * time.Second)
	for ns, names := range want {
		for _, name := range names {
			for {
				s, err := d.bed.Kube.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
				if err == nil && len(s.Data) > 0 {
					fmt.Fprintf(d.w, "  Secret %s/%s: keys %v (values not shown)\n", ns, name, slices.Sorted(maps.Keys(s.Data)))
					break
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("demo: Secret %s/%s did not appear: %s", ns, name, esStatus(ctx, d.bed, ns, name))
				}
				time.Sleep(250 * time.Millisecond)
			}
		}
	}
	return nil
}

func (d *story) verifyOK(context.Context) error {
	d.title("5. Prove isolation live: each tenant logs in as its ESO does and Vault says what it may do")
	out, code := d.run(1, "verify")
	return expect(code == 0 && strings.Contains(out, "0 violations, 0 missing grants"), "verify exited %d", code)
}

func (d *story) widen(context.Context) error {
	d.title("6. Someone widens inkwell-reviews' policy by hand to read acme-books' Stripe key")
	fmt.Fprintln(d.w, `$ vault policy write bookstore-platform-app-inkwell-reviews - <<< '... path "secret/data/bookstore-platform/acme-books/payments/stripe" { capabilities = ["read"] }'`)
	p, err := d.bed.Vault.Sys().GetPolicy("bookstore-platform-app-inkwell-reviews")
	if err != nil {
		return err
	}
	p += "\npath \"secret/data/bookstore-platform/acme-books/payments/stripe\" { capabilities = [\"read\"] }\n"
	if err := d.bed.Vault.Sys().PutPolicy("bookstore-platform-app-inkwell-reviews", p); err != nil {
		return err
	}
	out, code := d.run(0, "verify", "inkwell-reviews")
	if err := expect(code == 1 && strings.Contains(out, "secret/data/bookstore-platform/acme-books/payments/stripe [read]"), "verify exited %d", code); err != nil {
		return err
	}
	out, code = d.run(0, "plan", "--tenant", "inkwell-reviews", "--detailed-exitcode")
	return expect(code == 2 && strings.Contains(out, "update Policy bookstore-platform-app-inkwell-reviews"), "plan exited %d", code)
}

func (d *story) heal(context.Context) error {
	d.title("7. Apply heals the drift; verify passes again")
	if _, code := d.run(6, "apply", "--auto-approve"); code != 0 {
		return fmt.Errorf("demo: apply exited %d", code)
	}
	out, code := d.run(1, "verify", "inkwell-reviews")
	return expect(code == 0 && strings.Contains(out, "0 violations"), "verify exited %d", code)
}

func (d *story) offboard(ctx context.Context) error {
	d.title("8. Off-board warehouse-ops: its credentials stop working")
	s, err := d.bed.Kube.CoreV1().Secrets("warehouse").Get(ctx, "orders-db", metav1.GetOptions{})
	if err != nil {
		return err
	}
	user, pass := string(s.Data["username"]), string(s.Data["password"])
	fmt.Fprintf(d.w, "  before: %s logs in to Postgres: %s\n", user, loginResult(ctx, d.bed, "orders", user, pass))
	fmt.Fprintln(d.w, "$ git rm tenants/warehouse-ops.yaml")
	if err := os.Remove(filepath.Join(d.dir, "tenants", "warehouse-ops.yaml")); err != nil {
		return err
	}
	out, code := d.run(0, "apply", "--auto-approve")
	if err := expect(code == 0 && strings.Contains(out, "deprecate-policy"), "apply exited %d", code); err != nil {
		return err
	}
	after := loginResult(ctx, d.bed, "orders", user, pass)
	fmt.Fprintf(d.w, "  after: %s logs in to Postgres: %s\n", user, after)
	return expect(after != "yes", "off-boarded credentials still log in")
}

func loginResult(ctx context.Context, bed *testbed.Bed, db, user, pass string) string {
	u, err := url.Parse(bed.PostgresURL(db))
	if err != nil {
		return err.Error()
	}
	u.User = url.UserPassword(user, pass)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			return "no (" + pgErr.Message + ")" // the server's refusal; the password is not in it
		}
		return "no (" + err.Error() + ")"
	}
	conn.Close(ctx)
	return "yes"
}

// esStatus says what the ExternalSecret that should fill ns/name reports.
func esStatus(ctx context.Context, bed *testbed.Bed, ns, name string) string {
	gvr := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}
	list, err := bed.Dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, es := range list.Items {
		conds, _, _ := unstructured.NestedSlice(es.Object, "status", "conditions")
		out = append(out, fmt.Sprintf("ExternalSecret %s: %v", es.GetName(), conds))
	}
	return strings.Join(out, "; ")
}
