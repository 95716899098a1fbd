package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	"k8s.io/client-go/dynamic"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
)

// planOptions are what plan and apply share.
type planOptions struct {
	adopt, allowDeletes bool
	tenants             []string
	timeout             time.Duration
	conn                connection
}

// computed is one plan and what it was computed from, for apply to go on.
type computed struct {
	l             *loaded
	plan          *diff.Plan
	vault         *vaultapi.Client
	kube          dynamic.Interface
	store         inventory.Store
	live          *live.State
	vaultN, kubeN *live.Counter
	fileProblems  []diff.Problem
}

// computePlan reads the repository, refuses a state that fails the isolation
// proof, reads the live state and plans. It is the one path plan, apply and
// the daemon share.
func (o *options) computePlan(ctx context.Context, po planOptions) (*computed, error) {
	l, err := o.load()
	if err != nil {
		return nil, err
	}
	if l.isolation != nil {
		return nil, l.isolation // never plan a state that fails the isolation proof
	}
	for _, name := range po.tenants {
		if _, known := l.tenants.Invalid[name]; !known && !l.hasTenant(name) {
			o.log.Warn("--tenant names no tenant file; only an owned tenant of that name can be planned (off-boarded)", "tenant", name)
		}
	}
	for _, e := range l.tenants.Errors {
		fmt.Fprintln(o.stderr, e)
	}
	c := &computed{l: l, vaultN: &live.Counter{}, kubeN: &live.Counter{}}
	if c.vault, err = vaultClient(c.vaultN); err != nil {
		return nil, err
	}
	if c.kube, err = po.conn.kubeClient(c.kubeN); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, po.timeout)
	defer cancel()
	c.store = inventory.Store{KV: c.vault.Logical(), Mount: l.cfg.Inventory.Mount, Path: l.cfg.Inventory.Path}
	inv, err := c.store.Load(rctx)
	if err != nil {
		return nil, err
	}
	want := diff.Wanted(l.cfg, l.state, inv)
	c.live, err = live.ReadAll(rctx, want,
		vaultread.Reader{Logical: c.vault.Logical(), Config: l.cfg},
		kuberead.Reader{Dynamic: c.kube, Config: l.cfg})
	if err != nil {
		return nil, fmt.Errorf("reading live state: %w", err)
	}
	c.live.Inventory = inv
	for _, e := range l.tenants.Errors {
		c.fileProblems = append(c.fileProblems, diff.Problem{Message: e.Error()})
	}
	c.plan = diff.Compute(diff.Input{
		Config: l.cfg, Desired: l.state, Unknown: l.tenants.Invalid, Live: c.live, Now: time.Now(),
		Options:  diff.Options{Adopt: po.adopt, AllowDeletes: po.allowDeletes, Tenants: po.tenants},
		Problems: c.fileProblems, Files: l.digest,
	})
	c.plan.Requests = diff.Requests{Vault: c.vaultN.Count(), Kubernetes: c.kubeN.Count()}
	o.log.Info("plan computed", "create", c.plan.Summary.Create, "update", c.plan.Summary.Update,
		"delete", c.plan.Summary.Delete, "offboard", c.plan.Summary.Offboard, "errors", c.plan.Summary.Errors,
		"vault_requests", c.plan.Requests.Vault, "kubernetes_requests", c.plan.Requests.Kubernetes)
	return c, nil
}

// filesDigest hashes the platform config file (if any) with the tenant
// files' digest: a saved plan is stale once either changes.
func filesDigest(configPath, tenants string) string {
	h := sha256.New()
	if data, err := os.ReadFile(configPath); err == nil {
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(configPath), len(data))
		h.Write(data)
	}
	h.Write([]byte(tenants))
	return hex.EncodeToString(h.Sum(nil))[:16]
}
