package kuberead

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/syncd-dev/syncd/internal/desired"
)

// Clients returns a REST client for cfg, for Reader, and the dynamic
// client built on it, for writers: one transport, one rate limiter.
func Clients(cfg *rest.Config) (rest.Interface, dynamic.Interface, error) {
	c := dynamic.ConfigFor(cfg)
	c.GroupVersion = nil
	c.APIPath = "/api" // every request here names its whole path (AbsPath)
	rc, err := rest.UnversionedRESTClientFor(c)
	if err != nil {
		return nil, nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return rc, dynamic.New(rc), nil
}

// item is what syncd reads of a Kubernetes object. The rest of it —
// status, managed fields, server-set metadata — is skipped undecoded: at
// 10,000 tenants, decoding whole ESO objects was a third of a plan's CPU
// and most of what it allocated.
type item struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   metadata `json:"metadata"`
	// Spec is decoded (json.Number for numbers, as read) when present.
	Spec json.RawMessage `json:"spec"`
}

type metadata struct {
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace"`
	UID               string            `json:"uid"`
	ResourceVersion   string            `json:"resourceVersion"`
	Labels            map[string]string `json:"labels"`
	Annotations       map[string]string `json:"annotations"`
	DeletionTimestamp *string           `json:"deletionTimestamp"`
	// ManagedFields: only who wrote the object is kept.
	ManagedFields []manager `json:"managedFields"`
}

// manager is one managedFields entry, without its fields.
type manager struct {
	Manager string `json:"manager"`
}

// foreign reports whether no field of the object is syncd's: someone else
// created it.
func (md *metadata) foreign() bool {
	for _, e := range md.ManagedFields {
		if e.Manager == desired.FieldManager {
			return false
		}
	}
	return true
}

// page is one LIST response.
type page struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Continue string `json:"continue"`
	} `json:"metadata"`
	Items []item `json:"items"`
}

// spec decodes the object's spec, numbers as read.
func (it *item) spec() (any, bool, error) {
	if len(it.Spec) == 0 {
		return nil, false, nil
	}
	d := json.NewDecoder(bytes.NewReader(it.Spec))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false, fmt.Errorf("spec: %w", err)
	}
	return v, true, nil
}

// path is the API path of gvr's objects in namespace (all: ""), or of the
// one named.
func path(gvr schema.GroupVersionResource, namespace, name string) string {
	var b strings.Builder
	if gvr.Group == "" {
		b.WriteString("/api/" + gvr.Version)
	} else {
		b.WriteString("/apis/" + gvr.Group + "/" + gvr.Version)
	}
	if namespace != "" {
		b.WriteString("/namespaces/" + namespace)
	}
	b.WriteString("/" + gvr.Resource)
	if name != "" {
		b.WriteString("/" + name)
	}
	return b.String()
}

// listPage reads one page of gvr's objects in namespace. Items of a typed
// list (namespaces, service accounts) carry no apiVersion and kind: they
// get the list's, as client-go's unstructured decoding gives them.
func (r Reader) listPage(ctx context.Context, gvr schema.GroupVersionResource, namespace, cont string, limit int64) (*page, error) {
	req := r.REST.Get().AbsPath(path(gvr, namespace, "")).Param("limit", strconv.FormatInt(limit, 10))
	if cont != "" {
		req = req.Param("continue", cont)
	}
	var p page
	if err := decode(ctx, req, &p); err != nil {
		return nil, err // the caller names the resource
	}
	kind := strings.TrimSuffix(p.Kind, "List")
	for i := range p.Items {
		if p.Items[i].APIVersion == "" {
			p.Items[i].APIVersion = p.APIVersion
		}
		if p.Items[i].Kind == "" {
			p.Items[i].Kind = kind
		}
	}
	return &p, nil
}

// get reads one object.
func (r Reader) get(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) (*item, error) {
	var it item
	if err := decode(ctx, r.REST.Get().AbsPath(path(gvr, namespace, name)), &it); err != nil {
		return nil, err // the caller names the object
	}
	return &it, nil
}

// decode runs req and decodes its response into v as it streams in. An
// API error (a 404 above all) comes back as client-go's, for apierrors.
func decode(ctx context.Context, req *rest.Request, v any) error {
	body, err := req.Stream(ctx)
	if err != nil {
		return err
	}
	defer body.Close()
	if err := json.NewDecoder(body).Decode(v); err != nil {
		return fmt.Errorf("decoding the response: %w", err)
	}
	return nil
}
