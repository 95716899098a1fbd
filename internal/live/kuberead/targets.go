package kuberead

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
)

var secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// probes bounds the dry-run creates in flight at once.
const probes = 8

// targets checks the target Secret of every wanted ExternalSecret that is
// about to get a target its live one does not already have — a new
// ExternalSecret, or a new target name — and records in st.Targets whether
// that Secret exists. ESO (v0.16 and v1) takes over an existing Secret that
// no other ExternalSecret owns: it replaces its data and sets itself as its
// controlling owner, so deleting the ExternalSecret later would let garbage
// collection delete a Secret someone else made. A Secret an ExternalSecret
// of syncd's already targets was checked when that target was first
// planned, and is its own.
//
// syncd never reads Secrets (its RBAC has no get or list on them): the check
// is a server-side dry-run create of an empty Secret with the target's name,
// which the API server answers with "already exists" or not, without data.
// One request per checked target; none for a converged ExternalSecret.
func (r Reader) targets(ctx context.Context, want live.Wanted, st *live.State) {
	if r.Desired == nil {
		return
	}
	type check struct {
		es     object.ID
		secret string
	}
	var todo []check
	for _, o := range r.Desired.Objects {
		if o.ID.Kind != object.ExternalSecret || !want.Has(o.ID) {
			continue
		}
		lo, ok := st.Get(o.ID)
		target := TargetOf(o.Spec)
		if ok && TargetOf(lo.Spec) == target {
			continue // its own already
		}
		todo = append(todo, check{o.ID, target})
	}
	var mu sync.Mutex
	par.Bounded(len(todo), probes, func(i int) {
		c := todo[i]
		t := live.Target{Secret: c.secret}
		switch err := r.probe(ctx, c.es.Scope, c.secret); {
		case err == nil, apierrors.IsNotFound(err): // free, or no namespace (the plan says so)
		case apierrors.IsAlreadyExists(err):
			t.Exists = true
		default:
			t.Err = err.Error()
		}
		mu.Lock()
		st.Targets[c.es] = t
		mu.Unlock()
	})
}

// probe dry-runs the creation of an empty Secret named name in ns: nil when
// it could be created, an AlreadyExists error when it exists.
func (r Reader) probe(ctx context.Context, ns, name string) error {
	body, err := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": name, "namespace": ns},
	})
	if err != nil {
		return err
	}
	err = r.REST.Post().AbsPath(path(secretsGVR, ns, "")).Param("dryRun", metav1.DryRunAll).
		SetHeader("Content-Type", "application/json").Body(body).Do(ctx).Error()
	if err != nil && !apierrors.IsAlreadyExists(err) && !apierrors.IsNotFound(err) {
		return fmt.Errorf("checking whether Secret %s/%s exists (a dry-run create): %w", ns, name, err)
	}
	return err
}

// TargetOf is an ExternalSecret manifest's target Secret name (its own name
// when it names none, as ESO defaults it); "" for anything else.
func TargetOf(spec desired.Spec) string {
	m, ok := spec.(*desired.ManifestSpec)
	if !ok || m == nil {
		return ""
	}
	var es struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Spec struct {
			Target struct {
				Name string `json:"name"`
			} `json:"target"`
		} `json:"spec"`
	}
	if json.Unmarshal(m.JSON(), &es) != nil {
		return ""
	}
	if es.Spec.Target.Name == "" {
		return es.Metadata.Name
	}
	return es.Spec.Target.Name
}
