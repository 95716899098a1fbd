package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/syncd-dev/syncd/internal/apply/vaultwrite"
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
	"github.com/syncd-dev/syncd/internal/object"
)

// work is what the floor does, computed ahead from syncd's desired state
// (unmeasured): per tenant, the Vault writes and Kubernetes objects in
// dependency order. The floor reads it and only talks to the servers.
type work struct {
	Tenants []tenantWork                  `json:"tenants"`
	Kinds   []schema.GroupVersionResource `json:"kinds"` // the ESO kinds a plan lists
}

type tenantWork struct {
	Name string `json:"name"`
	// Vault: database roles, then the policy, then the auth role.
	Vault []vaultOp `json:"vault"`
	// Kube: the generators and the store, then the ExternalSecrets.
	Kube []kubeOp `json:"kube"`
}

type vaultOp struct {
	Kind object.Kind    `json:"kind"`
	Name string         `json:"name"`
	Path string         `json:"path"`
	Data map[string]any `json:"data"`
}

type kubeOp struct {
	Kind      object.Kind                 `json:"kind"`
	GVR       schema.GroupVersionResource `json:"gvr"`
	Namespace string                      `json:"namespace"`
	Name      string                      `json:"name"`
	Object    map[string]any              `json:"object"`
}

var vaultOrder = map[object.Kind]int{object.DatabaseRole: 0, object.Policy: 1, object.AuthRole: 2}
var kubeOrder = map[object.Kind]int{object.VaultDynamicSecret: 0, object.SecretStore: 1, object.ExternalSecret: 2}

// workFor derives the floor's work from the desired state.
func workFor(cfg *config.Config, st *desired.State) (*work, error) {
	gvrs := kuberead.GVRs(cfg)
	w := &work{}
	for _, k := range []object.Kind{object.VaultDynamicSecret, object.SecretStore, object.ExternalSecret} {
		w.Kinds = append(w.Kinds, gvrs[k])
	}
	idx := map[string]int{}
	for _, t := range st.Tenants {
		idx[t.Name] = len(w.Tenants)
		w.Tenants = append(w.Tenants, tenantWork{Name: t.Name})
	}
	for _, o := range st.Objects {
		i, ok := idx[o.Tenant]
		if !ok {
			return nil, fmt.Errorf("object %s of unknown tenant %q", o.ID, o.Tenant)
		}
		tw := &w.Tenants[i]
		switch o.ID.System {
		case object.Vault:
			data, err := vaultwrite.Data(o.Spec)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", o.ID, err)
			}
			tw.Vault = append(tw.Vault, vaultOp{Kind: o.ID.Kind, Name: o.ID.Name, Path: vaultread.Path(o.ID), Data: data})
		case object.Kubernetes:
			m, ok := o.Spec.(*desired.ManifestSpec)
			gvr, known := gvrs[o.ID.Kind]
			if !ok || !known {
				continue // namespaces and service accounts: the platform's (created before the bench)
			}
			tw.Kube = append(tw.Kube, kubeOp{Kind: o.ID.Kind, GVR: gvr, Namespace: o.ID.Scope, Name: o.ID.Name, Object: m.Object()})
		}
	}
	for i := range w.Tenants {
		tw := &w.Tenants[i]
		slices.SortStableFunc(tw.Vault, func(a, b vaultOp) int { return vaultOrder[a.Kind] - vaultOrder[b.Kind] })
		slices.SortStableFunc(tw.Kube, func(a, b kubeOp) int {
			return kubeOrder[a.Kind] - kubeOrder[b.Kind]
		})
	}
	return w, nil
}

func (w *work) save(path string) error {
	b, err := json.Marshal(w)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func loadWork(path string) (*work, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var w work
	return &w, json.Unmarshal(b, &w)
}

// offboarded reports whether tenant i is among the 10 % off-boarded.
func offboarded(name string) bool { return strings.HasSuffix(name, "0") }
