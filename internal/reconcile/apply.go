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
func (p *Planned) Apply(ctx context.Context, plan *diff.Plan, opts ApplyOptions) *apply.Result {
	c := p.Clients
	c.Vault.SetMaxRetries(0) // apply retries itself, and counts the attempts
	vaultBefore, kubeBefore := *c.VaultN.Snapshot(), *c.KubeN.Snapshot()
	rec := &apply.InventoryRecorder{Store: p.Store, Config: p.Repo.Cfg, Inventory: p.Live.Inventory, Desired: p.Repo.State}
	writers := map[object.System]apply.Writer{
		object.Vault:      vaultwrite.Writer{Logical: c.Vault.Logical()},
		object.Kubernetes: kubewrite.Writer{Dynamic: c.Kube, Config: p.Repo.Cfg, ForceConflicts: opts.ForceConflicts},
	}
	res := apply.Run(ctx, plan, writers, rec, apply.Options{Parallelism: opts.Parallelism, Progress: opts.Progress})
	res.Requests = apply.Requests{
		Vault: c.VaultN.Count() - vaultBefore.N, VaultWrites: c.VaultN.Writes() - vaultBefore.W,
		Kubernetes: c.KubeN.Count() - kubeBefore.N, KubernetesWrites: c.KubeN.Writes() - kubeBefore.W,
	}
	return res
}
