// Package kuberead reads the Kubernetes objects syncd manages (read-only): the
// ESO objects carrying syncd's label across namespaces, plus any object that
// holds a desired name without the label; and whether the namespaces and
// service accounts the tenants need exist.
package kuberead

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
}

var (
	nsGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	saGVR = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
)

// CoreGVRs maps the core kinds syncd may manage (kubernetes.manageNamespaces).
var CoreGVRs = map[object.Kind]schema.GroupVersionResource{object.Namespace: nsGVR, object.ServiceAccount: saGVR}

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
// It makes a fixed number of requests whatever the number of tenants: one
// LIST per ESO kind (keeping what is wanted or carries syncd's label, so an
// unlabelled object holding a desired name is seen too), and one LIST each
// for namespaces and service accounts when they are wanted.
func (r Reader) Read(ctx context.Context, want object.Set, st *live.State) error {
	for kind, gvr := range GVRs(r.Config) {
		list, err := r.Dynamic.Resource(gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("the %s CRD (%s) is not installed: install the External Secrets Operator CRDs", kind, gvr.GroupResource())
		}
		if err != nil {
			return fmt.Errorf("listing %s: %w", gvr.GroupResource(), err)
		}
		for i := range list.Items {
			u := &list.Items[i]
			if u.GetDeletionTimestamp() != nil {
				continue // being deleted: gone, as far as a plan is concerned
			}
			id := object.ID{System: object.Kubernetes, Kind: kind, Scope: u.GetNamespace(), Name: u.GetName()}
			if want.Has(id) || u.GetLabels()[desired.LabelManagedBy] == desired.ManagedBy {
				st.Objects[id] = normalise(kind, u)
			}
		}
	}
	return r.externals(ctx, want, st)
}

// externals checks that the namespaces and service accounts in want exist.
func (r Reader) externals(ctx context.Context, want object.Set, st *live.State) error {
	for _, res := range []struct {
		kind object.Kind
		gvr  schema.GroupVersionResource
	}{{object.Namespace, nsGVR}, {object.ServiceAccount, saGVR}} {
		wanted := false
		for id := range want {
			if id.Kind == res.kind {
				st.Looked.Add(id)
				wanted = true
			}
		}
		if !wanted {
			continue
		}
		list, err := r.Dynamic.Resource(res.gvr).List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing %s: %w", res.gvr.Resource, err)
		}
		for i := range list.Items {
			u := &list.Items[i]
			if u.GetDeletionTimestamp() != nil {
				continue // a terminating namespace holds nothing new
			}
			id := object.ID{System: object.Kubernetes, Kind: res.kind, Scope: u.GetNamespace(), Name: u.GetName()}
			if want.Has(id) {
				st.Present.Add(id)
				st.Objects[id] = normalise(res.kind, u) // compared when syncd manages it
			}
		}
	}
	return nil
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
	return live.Object{ID: id, Spec: &desired.ManifestSpec{Object: obj}, Raw: raw, UID: string(u.GetUID())}
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
