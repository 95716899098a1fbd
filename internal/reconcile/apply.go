package reconcile

import (
	"context"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/apply/kubewrite"
	"github.com/syncd-dev/syncd/internal/apply/vaultwrite"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	Parallelism    int
	ForceConflicts bool
	Progress       func(apply.Progress)
}

// Apply applies plan (the one Plan computed, or a saved one checked against
// it) with the clients and inventory Plan used, and counts the requests.
//
// The walk holds only what it needs of p: the config, the inventory, the
// desired tenants and the plan's own changes. The desired objects and the
// live state (30 MB at 10,000 tenants) are not held for the walk, so a
// caller that keeps no other reference to them (the CLI) lets them go while
// the writes run.
func (p *Planned) Apply(ctx context.Context, plan *diff.Plan, opts ApplyOptions) *apply.Result {
	c, cfg := p.Clients, p.Repo.Cfg
	store := p.Store
	store.Known = nil // for reading records; its closure holds the desired state
	rec := &apply.InventoryRecorder{Store: store, Config: cfg, Inventory: p.Live.Inventory, Tenants: p.Repo.State.Tenants}
	c.Vault.SetMaxRetries(0) // apply retries itself, and counts the attempts
	vaultBefore, kubeBefore := *c.VaultN.Snapshot(), *c.KubeN.Snapshot()
	writers := map[object.System]apply.Writer{
		object.Vault:      vaultwrite.Writer{Logical: c.Vault.Logical()},
		object.Kubernetes: kubewrite.Writer{Dynamic: c.Kube, Config: cfg, ForceConflicts: opts.ForceConflicts},
	}
	res := apply.Run(ctx, plan, writers, rec, apply.Options{Parallelism: opts.Parallelism, Progress: opts.Progress})
	res.Requests = apply.Requests{
		Vault: c.VaultN.Count() - vaultBefore.N, VaultWrites: c.VaultN.Writes() - vaultBefore.W,
		Kubernetes: c.KubeN.Count() - kubeBefore.N, KubernetesWrites: c.KubeN.Writes() - kubeBefore.W,
	}
	return res
}
