package cli

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/suggest"
)

// planOptions are what plan and apply share.
type planOptions struct {
	adopt, allowDeletes bool
	unchanged           bool // list every no-op: the JSON plan does
	applying            bool // the plan is for applying (diff.Options.Applying)
	tenants             []string
	timeout             time.Duration
	conn                connection
	vault               vaultLogin
	src                 sourceFlags
}

// computePlan loads the repository, connects and plans: the same
// reconcile.Plan the daemon runs.
func (o *options) computePlan(ctx context.Context, po planOptions) (*reconcile.Planned, error) {
	var kube kubernetes.Interface // the revision history's, when applying from Git
	if po.applying && po.src.repo != "" {
		var err error
		if kube, err = po.conn.typedClient(); err != nil {
			return nil, err
		}
	}
	snap, err := o.fetch(ctx, &po.src, kube)
	if err != nil {
		return nil, err
	}
	repo, err := o.load()
	if err != nil {
		return nil, err
	}
	repo.Revision = snap.Revision
	for _, name := range po.tenants {
		if _, known := repo.Tenants.Invalid[name]; !known && !repo.HasTenant(name) {
			o.log.Warn("--tenant names no tenant file; only an owned tenant of that name can be planned (off-boarded)"+
				suggest.Hint(name, tenantFileNames(o.dir)), "tenant", name)
		}
	}
	for _, e := range repo.Tenants.Errors {
		fmt.Fprintln(o.stderr, e)
	}
	c := reconcile.Clients{VaultN: &live.Counter{}, KubeN: &live.Counter{}}
	if repo.Isolation == nil {
		vs, err := o.vaultSession(po.vault, c.VaultN)
		if err != nil {
			return nil, err
		}
		if err := vs.ensure(ctx); err != nil {
			return nil, err
		}
		o.atExit = append(o.atExit, func() { vs.close(context.WithoutCancel(ctx)) }) // a token syncd logged in for goes with the command
		c.Vault = vs.client
		if c.KubeREST, c.Kube, err = po.conn.kubeClients(c.KubeN); err != nil {
			return nil, err
		}
	}
	return reconcile.Plan(ctx, repo, c, reconcile.PlanOptions{
		Adopt: po.adopt, AllowDeletes: po.allowDeletes, Tenants: po.tenants, Timeout: po.timeout, Unchanged: po.unchanged, Applying: po.applying}, o.log)
}
