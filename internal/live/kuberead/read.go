// Package kuberead reads the Kubernetes objects syncd manages (read-only): the
// ESO objects, found by syncd's label across namespaces, plus any object that
// holds a desired name without the label; and whether the namespaces and
// service accounts the tenants need exist.
package kuberead

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// Reader reads Kubernetes objects with a dynamic client.
type Reader struct {
	Dynamic dynamic.Interface
	Config  *config.Config
	Workers int // concurrent GETs; 8 when zero
}

var (
	nsGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	saGVR = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
)

// GVRs maps syncd's ESO kinds to their resources at the configured versions.
func GVRs(cfg *config.Config) map[object.Kind]schema.GroupVersionResource {
	gv := func(apiVersion, resource string) schema.GroupVersionResource {
		g, v, _ := strings.Cut(apiVersion, "/")
		return schema.GroupVersionResource{Group: g, Version: v, Resource: resource}
	}
	return map[object.Kind]schema.GroupVersionResource{
		object.SecretStore:        gv(cfg.ESO.APIVersion, "secretstores"),
		object.ExternalSecret:     gv(cfg.ESO.APIVersion, "externalsecrets"),
		object.VaultDynamicSecret: gv(cfg.ESO.GeneratorAPIVersion, "vaultdynamicsecrets"),
	}
}

// Read fills st with syncd's Kubernetes objects and the externals among want.
func (r Reader) Read(ctx context.Context, want object.Set, st *live.State) error {
	selector := desired.LabelManagedBy + "=" + desired.ManagedBy
	var gets []object.ID
	for kind, gvr := range GVRs(r.Config) {
		list, err := r.Dynamic.Resource(gvr).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("the %s CRD (%s) is not installed: install the External Secrets Operator CRDs", kind, gvr.GroupResource())
		}
		if err != nil {
			return fmt.Errorf("listing %s: %w", gvr.GroupResource(), err)
		}
		found := object.Set{}
		for i := range list.Items {
			o := normalise(kind, &list.Items[i])
			st.Objects[o.ID] = o
			found.Add(o.ID)
		}
		for id := range want {
			if id.Kind == kind && !found.Has(id) {
				gets = append(gets, id)
			}
		}
	}
	if err := r.getAll(ctx, gets, st); err != nil {
		return err
	}
	return r.externals(ctx, want, st)
}

func (r Reader) getAll(ctx context.Context, ids []object.ID, st *live.State) error {
	gvrs := GVRs(r.Config)
	return r.parallel(ids, func(id object.ID) error {
		u, err := r.Dynamic.Resource(gvrs[id.Kind]).Namespace(id.Scope).Get(ctx, id.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", id, err)
		}
		o := normalise(id.Kind, u)
		st.Lock()
		st.Objects[o.ID] = o
		st.Unlock()
		return nil
	})
}

// externals checks that the namespaces and service accounts in want exist.
func (r Reader) externals(ctx context.Context, want object.Set, st *live.State) error {
	var sas []object.ID
	wantNS := false
	for id := range want {
		switch id.Kind {
		case object.Namespace:
			wantNS = true
			st.Looked.Add(id)
		case object.ServiceAccount:
			sas = append(sas, id)
			st.Looked.Add(id)
		}
	}
	if wantNS || len(sas) > 0 {
		list, err := r.Dynamic.Resource(nsGVR).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing namespaces: %w", err)
		}
		for _, ns := range list.Items {
			st.Present.Add(object.ID{System: object.Kubernetes, Kind: object.Namespace, Name: ns.GetName()})
		}
	}
	return r.parallel(sas, func(id object.ID) error {
		if !st.Present.Has(object.ID{System: object.Kubernetes, Kind: object.Namespace, Name: id.Scope}) {
			return nil // no namespace, no service account: one warning is enough
		}
		_, err := r.Dynamic.Resource(saGVR).Namespace(id.Scope).Get(ctx, id.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", id, err)
		}
		st.Lock()
		st.Present.Add(id)
		st.Unlock()
		return nil
	})
}

func (r Reader) parallel(ids []object.ID, fn func(object.ID) error) error {
	workers := r.Workers
	if workers <= 0 {
		workers = 8
	}
	ch := make(chan object.ID)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(workers, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ch {
				if err := fn(id); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, id := range ids {
		ch <- id
	}
	close(ch)
	wg.Wait()
	return errors.Join(errs...)
}

// normalise keeps what syncd manages: apiVersion, kind, name, namespace,
// labels, annotations and spec. Status and server-set metadata are dropped.
func normalise(kind object.Kind, u *unstructured.Unstructured) live.Object {
	meta := map[string]any{"name": u.GetName(), "namespace": u.GetNamespace()}
	if l := u.GetLabels(); len(l) > 0 {
		meta["labels"] = toAny(l)
	}
	if a := u.GetAnnotations(); len(a) > 0 {
		delete(a, "kubectl.kubernetes.io/last-applied-configuration")
		if len(a) > 0 {
			meta["annotations"] = toAny(a)
		}
	}
	obj := map[string]any{"apiVersion": u.GetAPIVersion(), "kind": u.GetKind(), "metadata": meta}
	if spec, ok := u.Object["spec"]; ok {
		obj["spec"] = spec
	}
	raw, _ := json.Marshal(obj)
	raw = append(raw, []byte(u.GetResourceVersion())...)
	id := object.ID{System: object.Kubernetes, Kind: kind, Scope: u.GetNamespace(), Name: u.GetName()}
	return live.Object{ID: id, Spec: &desired.ManifestSpec{Object: obj}, Raw: raw}
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
