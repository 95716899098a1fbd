package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/golden"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// samplePlan exercises every section of the outputs: creates, an update, a
// conflict with a skipped dependent, a warning, off-boarding, a held tenant
// and a tenant waiting out its grace period.
func samplePlan(t *testing.T, unchanged bool) *diff.Plan {
	t.Helper()
	cfg := config.Default()
	file := func(name, spec string) tenant.File {
		return tenant.File{Path: name + ".yaml", Data: []byte("apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata: {name: " + name + "}\nspec:\n" + spec)}
	}
	set := tenant.Parse([]tenant.File{
		file("shop", "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n"),
		file("blog", "  auth: {ttl: 10m}\n  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n"),
	}, cfg)
	if err := set.Err(); err != nil {
		t.Fatal(err)
	}
	st, err := desired.Build(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	ids := desired.NewIDs(cfg)
	l := live.New()
	l.Inventory = &inventory.Inventory{Version: 7, Tenants: map[string]*inventory.Tenant{}}
	// blog is live and owned, with drift on its auth role.
	for _, tn := range st.Tenants {
		if tn.Name != "blog" {
			continue
		}
		objects := desired.ObjectIDs(st.ByTenant()[tn.Name])
		l.Inventory.Tenants["blog"] = &inventory.Tenant{Objects: objects}
		for _, id := range objects {
			if id.Kind == object.ExternalSecret && id.Name == "smtp" {
				continue // deleted out of band: recreated, and its KV value is checked (it has none)
			}
			o, _ := st.Get(id)
			spec := o.Spec
			if r, ok := spec.(*desired.AuthRoleSpec); ok {
				drifted := *r
				drifted.TokenTTL = ttl.FromSeconds(3600)
				drifted.TokenPolicies = []string{"bookstore-platform-app-blog", "default"}
				spec = &drifted
			}
			l.Objects[id] = live.Object{ID: id, Spec: spec, Raw: []byte(id.String())}
		}
	}
	// shop's policy exists, unowned: a conflict.
	pid := ids.Policy("bookstore-platform-app-shop")
	l.Objects[pid] = live.Object{ID: pid, Spec: &desired.PolicySpec{Name: pid.Name}, Raw: []byte("p")}
	// old-team was removed from Git: off-board it.
	oldRole, oldPolicy := ids.AuthRole("bookstore-platform-old-team"), ids.Policy("bookstore-platform-app-old-team")
	oldDB := ids.DatabaseRole("bookstore-platform-old-team-catalog")
	l.Inventory.Tenants["old-team"] = &inventory.Tenant{Objects: []object.ID{oldRole, oldPolicy, oldDB}}
	l.Objects[oldRole] = live.Object{ID: oldRole, Spec: &desired.AuthRoleSpec{Name: oldRole.Name, TokenPolicies: []string{oldPolicy.Name}}, Raw: []byte("r")}
	l.Objects[oldPolicy] = live.Object{ID: oldPolicy, Spec: &desired.PolicySpec{Name: oldPolicy.Name}, Raw: []byte("p")}
	l.Objects[oldDB] = live.Object{ID: oldDB, Spec: &desired.DatabaseRoleSpec{Name: oldDB.Name, DBName: "catalog"}, Raw: []byte("d")}
	// broken's file fails to parse: held. gone waits out its grace period.
	l.Inventory.Tenants["broken"] = &inventory.Tenant{}
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	l.Inventory.Tenants["gone"] = &inventory.Tenant{DeprecatedAt: &at, DeprecatedPolicy: "bookstore-platform-app-gone-deprecated"}
	for _, e := range st.External {
		l.Looked.Add(e.ID)
		if e.ID.Kind != object.KVSecret {
			l.Present.Add(e.ID)
		}
		if e.ID.Kind == object.Namespace {
			l.NamespaceTenants[e.ID.Name] = e.Tenant
		}
	}
	l.Connections[ids.DatabaseConnection("catalog")] = live.Connection{AllowedRoles: []string{"*"}}
	cfg.Guard.MaxDeletePercent = 50
	p := diff.Compute(diff.Input{
		Config: cfg, Desired: st, Live: l, Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		Unknown: map[string]error{"broken": errString("broken.yaml:2:1: bad")},
		Options: diff.Options{Unchanged: unchanged},
	})
	p.Requests = diff.Requests{Vault: 12, Kubernetes: 9}
	return p
}

type errString string

func (e errString) Error() string { return string(e) }

func TestPlanOutputGolden(t *testing.T) {
	p := samplePlan(t, true)
	quiet := samplePlan(t, false) // the no-ops without warnings counted only
	for format, file := range map[string]string{"text": "plan.txt", "json": "plan.json", "markdown": "plan.md"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Plan(&b, p, format, false); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, file, b.String())
			if format != "json" { // the text and Markdown plans never list the no-ops
				var q bytes.Buffer
				if err := Plan(&q, quiet, format, false); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(b.String(), q.String()); diff != "" {
					t.Errorf("without the quiet no-ops (-with +without):\n%s", diff)
				}
			}
		})
	}
	t.Run("colour only when asked", func(t *testing.T) {
		var plain, colored bytes.Buffer
		_ = Plan(&plain, p, "text", false)
		_ = Plan(&colored, p, "text", true)
		if strings.Contains(plain.String(), "\x1b[") || !strings.Contains(colored.String(), "\x1b[32m") {
			t.Error("escape codes must appear only with colour on")
		}
	})
}

func TestLineDiff(t *testing.T) {
	got := strings.Join(lineDiff("a\nb\nc\n", "a\nc\nd\n"), "|")
	if want := "  a|- b|  c|+ d"; got != want {
		t.Errorf("lineDiff = %q, want %q", got, want)
	}
}

func TestSavedPlanRoundTrips(t *testing.T) {
	p := samplePlan(t, true)
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back diff.Plan
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&back)
	if diff := cmp.Diff(string(data), string(again)); diff != "" {
		t.Errorf("plan changed through JSON (-first +second):\n%s", diff)
	}
	var creates int
	for _, c := range back.Changes {
		if c.Action == diff.Create && c.After != nil {
			creates++
		}
	}
	if creates != p.Summary.Create {
		t.Errorf("decoded %d creates with After, want %d", creates, p.Summary.Create)
	}
}

// Tenant values reach the Markdown plan inside error messages and names; a
// PR's file must not be able to inject links, images, HTML or structure into
// the comment the plan is posted as.
func TestMarkdownEscapesUntrustedText(t *testing.T) {
	hostile := []string{
		"[click here](https://evil.example/x)",
		"![pixel](https://evil.example/p.png)",
		"<img src=x onerror=alert(1)>",
		"<details open>",
		"&lt;script&gt;",
		"`code` span | table cell",
		"line one\n# a heading\n- a list item",
		"see www.evil.example",
		"**bold** _em_ ~~strike~~",
	}
	p := &diff.Plan{}
	for i, h := range hostile {
		p.Errors = append(p.Errors, diff.Problem{Tenant: "t", Message: "tenants/t.yaml:1:1: spec.secrets[0].path: " + h})
		id := object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "ns", Name: fmt.Sprintf("n%d`|<b>%s", i, h)}
		p.Changes = append(p.Changes, diff.Change{ID: id, Tenant: "t`</code><img>", Action: diff.Create, Note: h})
	}
	var b strings.Builder
	if err := Markdown(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"](", "<img", "<details open", "<script", "<b>", "\n# a heading", "\n- a list item",
		"https://", "www.evil", "**bold**", "~~strike~~", "`code`", "</code><img>"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown contains %q:\n%s", bad, out)
		}
	}
	// Still readable: the words are there.
	for _, word := range []string{"click here", "onerror=alert", "a heading", "table cell"} {
		if !strings.Contains(out, word) {
			t.Errorf("Markdown lost %q", word)
		}
	}
	// Every line that starts a block is one the writer made.
	for _, line := range strings.Split(out, "\n") {
		if line == "" || strings.HasPrefix(line, "- :x: ") || strings.HasPrefix(line, "|") || strings.HasPrefix(line, "#") ||
			strings.HasPrefix(line, "<details><summary>") || strings.HasPrefix(line, "</details>") || strings.HasPrefix(line, "**") ||
			strings.HasPrefix(line, "<sub>") || strings.HasPrefix(line, "```") {
			continue
		}
		// notes are paragraphs of escaped text
		if strings.ContainsAny(line, "<>") {
			t.Errorf("unexpected raw HTML in line %q", line)
		}
	}
}

// A plan of 1,000 tenants does not fit one PR comment: --max-bytes keeps
// the summary, every error and warning and as many tenants as fit, and says
// how many were left out.
func TestMarkdownFitsOneComment(t *testing.T) {
	p := &diff.Plan{Summary: diff.Summary{Create: 7000}}
	p.Errors = []diff.Problem{{Tenant: "t0001", Message: "first error"}, {Tenant: "t0999", Message: "last error"}}
	p.Warnings = []diff.Problem{{Tenant: "t0500", Message: "a warning"}}
	for i := range 1000 {
		tenant := fmt.Sprintf("t%04d", i)
		for k := range 7 {
			id := object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "ns-" + tenant, Name: fmt.Sprintf("es-%d", k)}
			p.Changes = append(p.Changes, diff.Change{ID: id, Tenant: tenant, Action: diff.Create, Wave: k,
				Fields: []diff.Field{{Path: "spec.refreshInterval", After: "1h"}, {Path: "spec.target.name", After: "s"}}})
		}
	}
	var full, fit strings.Builder
	if err := Markdown(&full, p); err != nil {
		t.Fatal(err)
	}
	if err := MarkdownBounded(&fit, p, 65000); err != nil {
		t.Fatal(err)
	}
	out := fit.String()
	if full.Len() <= 65000 || len(out) > 65000 {
		t.Fatalf("full %d bytes, bounded %d; want the full plan over and the bounded one within 65000", full.Len(), len(out))
	}
	for _, want := range []string{"7000 to create", "first error", "last error", "a warning", "#### Tenant <code>t0000</code>", "tenants' details left out to fit one comment", "<sub>"} {
		if !strings.Contains(out, want) {
			t.Errorf("bounded plan lacks %q", want)
		}
	}
	var shown, left, total int
	shown = strings.Count(out, "#### Tenant ")
	if _, err := fmt.Sscanf(out[strings.Index(out, "\n_")+2:], "%d of %d tenants", &left, &total); err != nil || shown+left != 1000 || total != 1000 {
		t.Errorf("%d tenants shown, %d of %d said left out; want them to add up to 1000 (%v)", shown, left, total, err)
	}
}
