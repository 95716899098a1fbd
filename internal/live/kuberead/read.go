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
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// Reader reads Kubernetes objects with a REST client (Clients).
type Reader struct {
	REST   rest.Interface
	Config *config.Config
	// Namespaces limits the ESO lists to these namespaces (none: the
	// whole cluster), for a plan scoped to a few tenants.
	Namespaces []string
	// PageSize is the most objects one LIST response holds (500 when 0).
	PageSize int64
	// Compared, when set, says which namespaces and service accounts the
	// plan compares (syncd manages or owns them): only those are held as
	// objects; of the others only their presence is recorded. Unset, every
	// one found is held.
	Compared func(object.ID) bool
	// Desired, when set, is the desired state: a manifest read with exactly
	// the desired canonical bytes is held as the desired spec (one copy in
	// memory), and ExternalSecrets' targets are checked against it. Whether
	// two specs are equal is still diff's call.
	Desired *desired.State
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
func (r Reader) Read(ctx context.Context, want live.Wanted, st *live.State) error {
	scopes := r.Namespaces
	if len(scopes) == 0 {
		scopes = []string{metav1.NamespaceAll}
	}
	for kind, gvr := range GVRs(r.Config) {
		for _, ns := range scopes {
			err := r.list(ctx, gvr, ns, func(u *item) error {
				if u.Metadata.DeletionTimestamp != nil {
					return nil // being deleted: gone, as far as a plan is concerned
				}
				id := object.ID{System: object.Kubernetes, Kind: kind, Scope: u.Metadata.Namespace, Name: u.Metadata.Name}
				if want.Has(id) || u.Metadata.Labels[desired.LabelManagedBy] == desired.ManagedBy {
					return r.keep(st, kind, u)
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
	if err := r.externals(ctx, want, st); err != nil {
		return err
	}
	r.targets(ctx, want, st)
	return nil
}

// pageSize bounds one LIST response by default: 10,000 tenants'
// ExternalSecrets in one answer held hundreds of MB at once.
const pageSize = 500

// list calls fn for each object of gvr in namespace (all: ""), a page at a
// time.
func (r Reader) list(ctx context.Context, gvr schema.GroupVersionResource, namespace string, fn func(*item) error) error {
	cont := ""
	for {
		page, err := r.listPage(ctx, gvr, namespace, cont, cmp.Or(r.PageSize, pageSize))
		if err != nil {
			return err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return err
			}
		}
		if cont = page.Metadata.Continue; cont == "" {
			return nil
		}
	}
}

// externals checks that the namespaces and service accounts in want exist.
func (r Reader) externals(ctx context.Context, want live.Wanted, st *live.State) error {
	for _, res := range []struct {
		kind object.Kind
		gvr  schema.GroupVersionResource
	}{{object.Namespace, nsGVR}, {object.ServiceAccount, saGVR}} {
		var ids []object.ID
		want.Each(func(id object.ID) {
			if id.Kind == res.kind {
				st.Looked.Add(id)
				ids = append(ids, id)
			}
		})
		if len(ids) == 0 {
			continue
		}
		found := func(u *item) error {
			if u.Metadata.DeletionTimestamp != nil {
				return nil // a terminating namespace holds nothing new
			}
			id := object.ID{System: object.Kubernetes, Kind: res.kind, Scope: u.Metadata.Namespace, Name: u.Metadata.Name}
			if !want.Has(id) {
				return nil
			}
			st.Present.Add(id)
			if res.kind == object.Namespace {
				st.Lock()
				st.NamespaceTenants[id.Name] = u.Metadata.Labels[r.Config.Kubernetes.TenantLabel]
				st.Unlock()
			}
			if r.Compared != nil && !r.Compared(id) {
				return nil // the platform's: only its presence matters
			}
			return r.keep(st, res.kind, u) // compared when syncd manages it
		}
		if len(r.Namespaces) == 0 {
			if err := r.list(ctx, res.gvr, metav1.NamespaceAll, found); err != nil {
				return fmt.Errorf("listing %s: %w", res.gvr.Resource, err)
			}
			continue
		}
		for _, id := range ids {
			u, err := r.get(ctx, res.gvr, id.Scope, id.Name)
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
func Namespaces(want live.Wanted, max int) []string {
	seen := map[string]bool{}
	want.Each(func(id object.ID) {
		if id.System == object.Kubernetes && id.Kind != object.Namespace && len(seen) <= max {
			seen[id.Scope] = true
		}
	})
	if len(seen) > max {
		return nil
	}
	return slices.Sorted(maps.Keys(seen))
}

// keep adds u, normalised, to st.
func (r Reader) keep(st *live.State, kind object.Kind, u *item) error {
	o, err := normalise(kind, u)
	if err != nil {
		return fmt.Errorf("%s %s/%s: %w", kind, u.Metadata.Namespace, u.Metadata.Name, err)
	}
	want, _ := r.Desired.SpecOf(o.ID).(*desired.ManifestSpec)
	if got, ok := o.Spec.(*desired.ManifestSpec); ok && want != nil && want.Equal(got) {
		o.Spec = want // one copy of identical bytes
	}
	st.Put(o)
	return nil
}

// normalise keeps what syncd manages: apiVersion, kind, name, namespace,
// labels, annotations and spec. Status and server-set metadata are dropped.
func normalise(kind object.Kind, u *item) (live.Object, error) {
	md := &u.Metadata
	meta := map[string]any{"name": md.Name}
	if md.Namespace != "" { // as syncd builds a cluster-scoped object
		meta["namespace"] = md.Namespace
	}
	if len(md.Labels) > 0 {
		meta["labels"] = toAny(md.Labels)
	}
	delete(md.Annotations, "kubectl.kubernetes.io/last-applied-configuration")
	if len(md.Annotations) > 0 {
		meta["annotations"] = toAny(md.Annotations)
	}
	obj := map[string]any{"apiVersion": u.APIVersion, "kind": u.Kind, "metadata": meta}
	spec, ok, err := u.spec()
	if err != nil {
		return live.Object{}, err
	}
	if ok {
		obj["spec"] = spec
	}
	m, err := desired.NewManifest(obj)
	if err != nil {
		return live.Object{}, err
	}
	raw := live.Digest(m.JSON(), []byte(md.ResourceVersion))
	id := object.ID{System: object.Kubernetes, Kind: kind, Scope: md.Namespace, Name: md.Name}
	return live.Object{ID: id, Spec: m, Raw: raw, UID: md.UID, Foreign: md.foreign()}, nil
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
