package reconcile

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
	"github.com/syncd-dev/syncd/internal/object"
)

// Clients reach Vault and the cluster; the counters count their requests.
// KubeREST reads (kuberead), Kube writes; kuberead.Clients builds both on
// one transport.
type Clients struct {
	Vault         *vaultapi.Client
	Kube          dynamic.Interface
	KubeREST      rest.Interface
	VaultN, KubeN *live.Counter
}

// PlanOptions change what a plan may do.
type PlanOptions struct {
	Adopt, AllowDeletes bool
	// Tenants limits the plan to these tenants (none: all).
	Tenants []string
	// Timeout bounds reading the live state; ReadTimeout of the tenants
	// planned when zero.
	Timeout time.Duration
	// Unchanged lists every no-op in the plan (diff.Options.Unchanged):
	// for the JSON plan.
	Unchanged bool
	// Applying: the plan is applied next (diff.Options.Applying).
	Applying bool
}

// scopedMax is the most tenants a plan reads one by one (objects directly,
// Kubernetes namespace by namespace) rather than by listing everything.
const scopedMax = 16

// Planned is one plan and what it was computed from, for Apply to go on.
type Planned struct {
	Repo    *Repo
	Plan    *diff.Plan
	Clients Clients
	Store   inventory.Store
	Live    *live.State
}

// compared says which namespaces and service accounts a plan compares:
// the desired ones (kubernetes.manageNamespaces) and the owned ones. Every
// other one is the platform's, and only its presence matters: at 10,000
// tenants, holding each tenant's namespace and service account read was a
// sixth of the live state.
func compared(s *desired.State, inv *inventory.Inventory) func(object.ID) bool {
	owned := object.Set{}
	for _, t := range inv.Tenants {
		for _, id := range slices.Concat(t.Objects, t.Pending) {
			if id.Kind == object.Namespace || id.Kind == object.ServiceAccount {
				owned.Add(id)
			}
		}
	}
	return func(id object.ID) bool {
		_, ok := s.Index(id)
		return ok || owned.Has(id)
	}
}

// ReadTimeout is how long reading the live state of n tenants may take by
// default: 2 minutes, and 25 ms more per tenant (about 7 times what a
// 10,000-tenant plan takes on 2 cores, BENCHMARKS.md), so a large
// repository is never cut off by a bound sized for a small one.
func ReadTimeout(n int) time.Duration {
	return 2*time.Minute + time.Duration(n)*25*time.Millisecond
}

// Plan reads the live state of everything the repository's tenants need
// and plans. It refuses a state that fails the isolation proof.
func Plan(ctx context.Context, repo *Repo, c Clients, opts PlanOptions, log *slog.Logger) (*Planned, error) {
	if repo.Isolation != nil {
		return nil, repo.Isolation // never plan a state that fails the isolation proof
	}
	if opts.Timeout == 0 {
		n := len(repo.State.Tenants)
		if opts.Tenants != nil {
			n = len(opts.Tenants)
		}
		opts.Timeout = ReadTimeout(n)
	}
	rctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	vaultBefore, kubeBefore := c.VaultN.Count(), c.KubeN.Count() // the clients may be long-lived
	p := &Planned{Repo: repo, Clients: c,
		Store: inventory.Store{KV: c.Vault.Logical(), Mount: repo.Cfg.Inventory.Mount, Path: repo.Cfg.Inventory.Path,
			Known: func(id object.ID) (object.ID, bool) { o, ok := repo.State.Get(id); return o.ID, ok }}}
	var only []string
	if len(opts.Tenants) > 0 {
		only = opts.Tenants
	}
	inv, err := p.Store.LoadTenants(rctx, only)
	if err != nil {
		return nil, err
	}
	want := diff.Wanted(repo.Cfg, repo.State, inv, opts.Tenants...)
	want.Without(object.KVSecret) // read below, for the objects the plan writes only
	vault := vaultread.Reader{Logical: c.Vault.Logical(), Config: repo.Cfg, Desired: repo.State}
	kube := kuberead.Reader{REST: c.KubeREST, Config: repo.Cfg, Compared: compared(repo.State, inv), Desired: repo.State}
	if n := len(opts.Tenants); n > 0 && n <= scopedMax {
		// A few tenants (the daemon's incremental runs): read only theirs,
		// so the work stays the same however many tenants there are.
		vault.Direct = true
		kube.Namespaces = kuberead.Namespaces(want, scopedMax)
	}
	p.Live, err = live.ReadAll(rctx, want, vault, kube)
	if err != nil {
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	p.Live.Inventory = inv
	now, err := planTime(rctx, c.Vault, inv)
	if err != nil {
		return nil, err
	}
	var problems []diff.Problem
	for _, e := range repo.Tenants.Errors {
		problems = append(problems, diff.Problem{Message: e.Error()})
	}
	p.Plan = diff.Compute(diff.Input{
		Config: repo.Cfg, Desired: repo.State, Unknown: repo.Tenants.Invalid, Live: p.Live, Now: now,
		Options:  diff.Options{Adopt: opts.Adopt, AllowDeletes: opts.AllowDeletes, Tenants: opts.Tenants, Unchanged: opts.Unchanged, Applying: opts.Applying},
		Problems: problems, Files: repo.Digest,
	})
	// KV values are checked only for the ESO objects about to be written:
	// a converged plan reads none (one metadata read per secret otherwise).
	if values := diff.ValueRefs(p.Plan, repo.State); len(values) > 0 {
		if err := vault.Read(rctx, values, p.Live); err != nil {
			return nil, fmt.Errorf("reading KV values: %w", err)
		}
		diff.WarnMissingValues(p.Plan, repo.State, p.Live)
	}
	p.Plan.Requests = diff.Requests{Vault: c.VaultN.Count() - vaultBefore, Kubernetes: c.KubeN.Count() - kubeBefore}
	p.Plan.Revision = repo.Revision
	log.Info("plan computed", "revision", repo.Revision, "create", p.Plan.Summary.Create, "update", p.Plan.Summary.Update,
		"delete", p.Plan.Summary.Delete, "offboard", p.Plan.Summary.Offboard, "errors", p.Plan.Summary.Errors,
		"vault_requests", p.Plan.Requests.Vault, "kubernetes_requests", p.Plan.Requests.Kubernetes)
	return p, nil
}
