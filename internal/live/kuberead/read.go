// Package kuberead reads the Kubernetes objects syncd manages (read-only): the
// ESO objects carrying syncd's label across namespaces, plus any object that
// holds a desired name without the label; and whether the namespaces and
// service accounts the tenants need exist.
package kuberead

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
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
	// Namespaces limits the ESO lists to these namespaces (none: the
	// whole cluster), for a plan scoped to a few tenants.
	Namespaces []string
	// PageSize is the most objects one LIST response holds (500 when 0).
	PageSize int64
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
// for namespaces and service accounts when they are wanted. Lists are read
// a page at a time, so only what is kept stays in memory. With Namespaces
// set (a plan of a few tenants), it lists the ESO kinds in those namespaces
// only and gets each wanted namespace and service account: the work no
// longer grows with the cluster.
func (r Reader) Read(ctx context.Context, want object.Set, st *live.State) error {
	scopes := r.Namespaces
	if len(scopes) == 0 {
		scopes = []string{metav1.NamespaceAll}
	}
	for kind, gvr := range GVRs(r.Config) {
		for _, ns := range scopes {
			err := r.list(ctx, gvr, ns, func(u *unstructured.Unstructured) error {
				if u.GetDeletionTimestamp() != nil {
					return nil // being deleted: gone, as far as a plan is concerned
				}
				id := object.ID{System: object.Kubernetes, Kind: kind, Scope: u.GetNamespace(), Name: u.GetName()}
				if want.Has(id) || u.GetLabels()[desired.LabelManagedBy] == desired.ManagedBy {
					return keep(st, kind, u)
				}
				return nil
			})
			if apierrors.IsNotFound(err) {
				return fmt.Errorf("the %s CRD (%s) is not installed: install the External Secrets Operator CRDs", kind, gvr.GroupResource())
			}
			if err != nil {
				return fmt.Errorf("listing %s: %w", gvr.GroupResource(), err)
			}
		}
	}
	return r.externals(ctx, want, st)
}

// pageSize bounds one LIST response by default: 10,000 tenants'
// ExternalSecrets in one answer held hundreds of MB at once.
const pageSize = 500

// list calls fn for each object of gvr in namespace (all: ""), a page at a
// time.
func (r Reader) list(ctx context.Context, gvr schema.GroupVersionResource, namespace string, fn func(*unstructured.Unstructured) error) error {
	opts := metav1.ListOptions{Limit: cmp.Or(r.PageSize, pageSize)}
	for {
		page, err := r.Dynamic.Resource(gvr).Namespace(namespace).List(ctx, opts)
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if opts.Continue = page.GetContinue(); opts.Continue == "" {
			return nil
		}
	}
}

// externals checks that the namespaces and service accounts in want exist.
func (r Reader) externals(ctx context.Context, want object.Set, st *live.State) error {
	for _, res := range []struct {
		kind object.Kind
		gvr  schema.GroupVersionResource
	}{{object.Namespace, nsGVR}, {object.ServiceAccount, saGVR}} {
		var ids []object.ID
		for id := range want {
			if id.Kind == res.kind {
				st.Looked.Add(id)
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		found := func(u *unstructured.Unstructured) error {
			if u.GetDeletionTimestamp() != nil {
				return nil // a terminating namespace holds nothing new
			}
			id := object.ID{System: object.Kubernetes, Kind: res.kind, Scope: u.GetNamespace(), Name: u.GetName()}
			if !want.Has(id) {
				return nil
			}
			st.Present.Add(id)
			return keep(st, res.kind, u) // compared when syncd manages it
		}
		if len(r.Namespaces) == 0 {
			if err := r.list(ctx, res.gvr, metav1.NamespaceAll, found); err != nil {
				return fmt.Errorf("listing %s: %w", res.gvr.Resource, err)
			}
			continue
		}
		for _, id := range ids {
			u, err := r.Dynamic.Resource(res.gvr).Namespace(id.Scope).Get(ctx, id.Name, metav1.GetOptions{})
			switch {
			case apierrors.IsNotFound(err):
			case err != nil:
				return fmt.Errorf("getting %s: %w", id.Short(), err)
			default:
				if err := found(u); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Namespaces returns the namespaces of the Kubernetes objects in want, or
// nil when there are more than max: a plan of a few tenants reads only
// those (Reader.Namespaces).
func Namespaces(want object.Set, max int) []string {
	seen := map[string]bool{}
	for id := range want {
		if id.System != object.Kubernetes || id.Kind == object.Namespace {
			continue
		}
		if !seen[id.Scope] {
			if seen[id.Scope] = true; len(seen) > max {
				return nil
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// keep adds u, normalised, to st.
func keep(st *live.State, kind object.Kind, u *unstructured.Unstructured) error {
	o, err := normalise(kind, u)
	if err != nil {
		return fmt.Errorf("%s %s/%s: %w", kind, u.GetNamespace(), u.GetName(), err)
	}
	st.Put(o)
	return nil
}

// normalise keeps what syncd manages: apiVersion, kind, name, namespace,
// labels, annotations and spec. Status and server-set metadata are dropped.
func normalise(kind object.Kind, u *unstructured.Unstructured) (live.Object, error) {
	meta := map[string]any{"name": u.GetName()}
	if ns := u.GetNamespace(); ns != "" { // as syncd builds a cluster-scoped object
		meta["namespace"] = ns
	}
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
	m, err := desired.NewManifest(obj)
	if err != nil {
		return live.Object{}, err
	}
	raw := live.Digest(m.JSON(), []byte(u.GetResourceVersion()))
	id := object.ID{System: object.Kubernetes, Kind: kind, Scope: u.GetNamespace(), Name: u.GetName()}
	return live.Object{ID: id, Spec: m, Raw: raw, UID: string(u.GetUID())}, nil
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
