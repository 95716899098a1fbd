package reconcile

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/apply/kubewrite"
	"github.com/syncd-dev/syncd/internal/apply/vaultwrite"
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// ApplyOptions tune Apply.
type ApplyOptions struct {
	Parallelism int
	Progress    func(apply.Progress)
	// Holder names this writer to another one it refuses (default: the
	// pod, or the host and process).
	Holder string
	// LeaseTTL is the writer lease's life unrenewed (0: inventory.LeaseTTL).
	LeaseTTL time.Duration
}

// Applier is what applying a plan needs of a Planned: the clients, the
// config, the inventory as the plan read it, its store, and the desired
// tenants. Not the desired objects nor the live state (30 MB at 10,000
// tenants): a caller that keeps only the plan and the Applier lets them go
// before the plan is shown and applied.
type Applier struct {
	clients   Clients
	cfg       *config.Config
	store     inventory.Store
	inventory *inventory.Inventory
	tenants   []desired.Tenant
}

// Applier returns what Apply needs of p.
func (p *Planned) Applier() *Applier {
	store := p.Store
	store.Known = nil // for reading records; its closure holds the desired state
	return &Applier{clients: p.Clients, cfg: p.Repo.Cfg, store: store, inventory: p.Live.Inventory, tenants: p.Repo.State.Tenants}
}

// Apply applies plan (the one Plan computed, or a saved one checked against
// it) with the clients and inventory Plan used, and counts the requests.
func (p *Planned) Apply(ctx context.Context, plan *diff.Plan, opts ApplyOptions) *apply.Result {
	return p.Applier().Apply(ctx, plan, opts)
}

// writeClient is the shared client's twin for apply's writes: the same
// token, headers (the Vault namespace) and transport (the counter), without
// vault/api's retries — apply retries itself and counts the attempts. The
// shared client keeps its retries for every read, login and renewal.
func writeClient(shared *vaultapi.Client) (*vaultapi.Client, error) {
	c, err := shared.Clone()
	if err != nil {
		return nil, fmt.Errorf("vault client for writes: %w", err)
	}
	c.SetToken(shared.Token())
	c.SetHeaders(shared.Headers())
	c.SetMaxRetries(0)
	return c, nil
}

// holder names this process: the pod (POD_NAMESPACE/POD_NAME, as the
// manifests in deploy/ set them), or the host and pid.
func holder() string {
	if pod := os.Getenv("POD_NAME"); pod != "" {
		return "pod " + cmp.Or(os.Getenv("POD_NAMESPACE"), "?") + "/" + pod
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("syncd on %s, pid %d", cmp.Or(host, "?"), os.Getpid())
}

// Apply applies plan and counts the requests.
func (a *Applier) Apply(ctx context.Context, plan *diff.Plan, opts ApplyOptions) *apply.Result {
	c := a.clients
	rec := &apply.InventoryRecorder{Store: a.store, Config: a.cfg, Inventory: a.inventory, Tenants: a.tenants, Clock: vaultClock(c.Vault),
		Writer: inventory.NewWriter(cmp.Or(opts.Holder, holder())), LeaseTTL: opts.LeaseTTL}
	vaultBefore, kubeBefore := *c.VaultN.Snapshot(), *c.KubeN.Snapshot()
	writes, err := writeClient(c.Vault)
	if err != nil {
		return &apply.Result{Errors: []string{err.Error()}}
	}
	writers := map[object.System]apply.Writer{
		object.Vault:      vaultwrite.Writer{Logical: writes.Logical(), Deletions: &vaultwrite.Deletions{}},
		object.Kubernetes: kubewrite.Writer{Dynamic: c.Kube, Config: a.cfg},
	}
	res := apply.Run(ctx, plan, writers, rec, apply.Options{Parallelism: opts.Parallelism, Progress: opts.Progress})
	res.Requests = apply.Requests{
		Vault: c.VaultN.Count() - vaultBefore.N, VaultWrites: c.VaultN.Writes() - vaultBefore.W,
		Kubernetes: c.KubeN.Count() - kubeBefore.N, KubernetesWrites: c.KubeN.Writes() - kubeBefore.W,
	}
	return res
}
