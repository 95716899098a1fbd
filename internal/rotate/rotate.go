// Package rotate runs the seed platform's rotation patterns for one tenant:
// revoke a database role's leases and have ESO fetch new credentials at once;
// have ESO re-read a KV secret at once after its value changed; and roll a
// Deployment that reads its secrets only at start (the static + restart
// pattern).
package rotate

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
)

// Request is what to rotate for one tenant.
type Request struct {
	Tenant    string
	Databases []string // database names in the tenant file
	Secrets   []string // secret names in the tenant file
	Restart   []string // deployment/NAME in the tenant's namespace
	DryRun    bool
	Now       time.Time
}

// Step is one thing done (or, in a dry run, to be done).
type Step struct {
	What string `json:"what"`
	Done bool   `json:"done"`
}

// Rotator acts on Vault and the cluster.
type Rotator struct {
	Config  *config.Config
	State   *desired.State
	Revoke  func(ctx context.Context, prefix string) error
	Dynamic dynamic.Interface
}

// ForceSyncAnnotation makes ESO refresh an ExternalSecret now when its value
// changes; RotationAnnotation on a pod template rolls a Deployment.
const (
	ForceSyncAnnotation = "force-sync"
	RotationAnnotation  = "secret-rotation"
)

var deployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}

// Run rotates; it stops at the first failure, saying what was done.
func (r Rotator) Run(ctx context.Context, req Request) ([]Step, error) {
	t, ok := r.tenant(req.Tenant)
	if !ok {
		return nil, fmt.Errorf("no valid tenant file for %q", req.Tenant)
	}
	var steps []Step
	do := func(what string, f func() error) error {
		s := Step{What: what}
		if !req.DryRun {
			if err := f(); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			s.Done = true
		}
		steps = append(steps, s)
		return nil
	}
	stamp := req.Now.UTC().Format(time.RFC3339)
	forceSync := func(es string) error {
		id := object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: t.Namespace, Name: es}
		if _, ok := r.State.Get(id); !ok {
			return fmt.Errorf("tenant %s has no ExternalSecret %s", t.Name, es)
		}
		return do(fmt.Sprintf("annotate ExternalSecret %s/%s %s=%s (ESO fetches now)", t.Namespace, es, ForceSyncAnnotation, stamp), func() error {
			return r.annotate(ctx, kuberead.GVRs(r.Config)[object.ExternalSecret], t.Namespace, es, []string{"metadata", "annotations"}, ForceSyncAnnotation, stamp)
		})
	}
	for _, db := range req.Databases {
		role := r.Config.DatabaseRoleName(t.Name, db)
		if _, ok := r.State.Get(desired.NewIDs(r.Config).DatabaseRole(role)); !ok {
			return steps, fmt.Errorf("tenant %s has no database %q", t.Name, db)
		}
		prefix := r.Config.Vault.Mounts.Database + "/creds/" + role
		if err := do("revoke every lease under "+prefix+" (the database users are dropped)", func() error { return r.Revoke(ctx, prefix) }); err != nil {
			return steps, err
		}
		if err := forceSync(db + "-db"); err != nil {
			return steps, err
		}
	}
	for _, s := range req.Secrets {
		if err := forceSync(s); err != nil {
			return steps, err
		}
	}
	for _, ref := range req.Restart {
		name, ok := strings.CutPrefix(ref, "deployment/")
		if !ok || name == "" {
			return steps, fmt.Errorf("--restart %q: want deployment/NAME", ref)
		}
		if err := do(fmt.Sprintf("annotate Deployment %s/%s pod template %s=%s (it rolls)", t.Namespace, name, RotationAnnotation, stamp), func() error {
			return r.annotate(ctx, deployments, t.Namespace, name, []string{"spec", "template", "metadata", "annotations"}, RotationAnnotation, stamp)
		}); err != nil {
			return steps, err
		}
	}
	return steps, nil
}

func (r Rotator) tenant(name string) (desired.Tenant, bool) {
	for _, t := range r.State.Tenants {
		if t.Name == name {
			return t, true
		}
	}
	return desired.Tenant{}, false
}

// annotate sets one annotation at path with a merge patch, under its own
// field manager: syncd's plan never counts another manager's annotations.
func (r Rotator) annotate(ctx context.Context, gvr schema.GroupVersionResource, ns, name string, path []string, key, value string) error {
	var patch any = map[string]any{key: value}
	for i := len(path) - 1; i >= 0; i-- {
		patch = map[string]any{path[i]: patch}
	}
	body, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	_, err = r.Dynamic.Resource(gvr).Namespace(ns).Patch(ctx, name, types.MergePatchType, body, metav1.PatchOptions{FieldManager: "syncd-rotate"})
	return err
}
