package e2e_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestPendingIsNotOwnership: a SecretStore someone else creates between
// syncd's plan and its create is not merged into (the create fails, the
// ExternalSecret that needs it is skipped); then, recorded only as pending,
// it is not updated by the next plan nor taken by apply, until --adopt
// takes it over, leaving exactly syncd's fields.
func TestPendingIsNotOwnership(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	const prefix = "e2e-appear"
	r := newRepoWith(t, prefix, fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\n", bed.VaultAddr),
		map[string]string{"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n"})
	ns := prefix + "-blog"
	namespace(t, ns, "eso", "blog")
	repo, err := reconcile.Load(r.dir, "", log)
	must(t, err)
	planned, err := reconcile.Plan(ctx, repo, bedClients(t), reconcile.PlanOptions{Applying: true}, log)
	must(t, err)
	store := obj(t, repo.State, object.SecretStore, "vault-blog")
	plan, applier := planned.Plan, planned.Applier()

	// Someone else creates the store after the plan, with a field syncd
	// never writes.
	gvr := kuberead.GVRs(r.cfg)[object.SecretStore]
	theirs := &unstructured.Unstructured{Object: store.Spec.(*desired.ManifestSpec).Object()}
	must(t, unstructured.SetNestedField(theirs.Object, "intruder-token", "spec", "provider", "vault", "auth", "tokenSecretRef", "name"))
	must(t, unstructured.SetNestedField(theirs.Object, "token", "spec", "provider", "vault", "auth", "tokenSecretRef", "key"))
	_, err = bed.Dynamic.Resource(gvr).Namespace(ns).Create(ctx, theirs, metav1.CreateOptions{FieldManager: "intruder"})
	must(t, err)

	res := applier.Apply(ctx, plan, reconcile.ApplyOptions{})
	status := map[object.Kind]apply.Status{}
	for _, c := range res.Changes {
		if c.ID.System == object.Kubernetes {
			status[c.ID.Kind] = c.Status
			if c.ID.Kind == object.SecretStore && !strings.Contains(c.Error, "appeared since the plan and is not syncd's") {
				t.Errorf("the store's create: %q, want a refusal", c.Error)
			}
		}
	}
	if status[object.SecretStore] != apply.Failed || status[object.ExternalSecret] != apply.Skipped {
		t.Errorf("statuses %v: want the store's create failed and the ExternalSecret skipped", status)
	}
	managers := func() []string {
		u, err := bed.Dynamic.Resource(gvr).Namespace(ns).Get(ctx, "vault-blog", metav1.GetOptions{})
		must(t, err)
		var out []string
		for _, e := range u.GetManagedFields() {
			if e.Subresource != "" {
				continue // ESO's status
			}
			out = append(out, e.Manager+"/"+string(e.Operation))
		}
		slices.Sort(out)
		_, hasToken, _ := unstructured.NestedMap(u.Object, "spec", "provider", "vault", "auth", "tokenSecretRef")
		if hasToken {
			out = append(out, "tokenSecretRef")
		}
		return out
	}
	if got := managers(); !slices.Equal(got, []string{"intruder/Update", "tokenSecretRef"}) {
		t.Errorf("after the refused create the store is %v, want the intruder's alone", got)
	}

	// Recorded as pending, it is still not syncd's.
	code, p := planJSON(t, r)
	refused := false
	for _, e := range p.Errors {
		refused = refused || e.ID.Kind == object.SecretStore && strings.Contains(e.Message, "no field of the live object is syncd's: someone else created it; plan with --adopt")
	}
	if code != 1 || !refused {
		t.Errorf("plan after the refused create: exit %d, errors %+v; want the pending store refused", code, p.Errors)
	}
	if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve"); code == 0 {
		t.Errorf("apply without --adopt: exit 0\n%s\n%s", out, errOut)
	}
	if got := managers(); !slices.Equal(got, []string{"intruder/Update", "tokenSecretRef"}) {
		t.Errorf("after apply without --adopt the store is %v, want the intruder's alone", got)
	}

	// --adopt takes it over: syncd's fields only.
	if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "apply", "--dir", r.dir, "--auto-approve", "--adopt"); code != 0 {
		t.Fatalf("apply --adopt: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := managers(); !slices.Equal(got, []string{"syncd/Apply"}) {
		t.Errorf("after --adopt the store is %v, want syncd's alone", got)
	}
	if code, p := planJSON(t, r); code != 0 || p.Summary != (diff.Summary{NoOp: p.Summary.NoOp}) {
		t.Errorf("plan after --adopt: exit %d, summary %+v; want no changes", code, p.Summary)
	}
}
