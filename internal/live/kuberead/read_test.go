package kuberead

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/client-go/rest"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

// fakeAPI serves LIST and GET of the objects in lists (by list path) as
// the API server shapes them: typed lists' items without apiVersion and
// kind; any other path is a 404 Status. The real API server is in the e2e
// tests; this one serves shapes a test picks.
func fakeAPI(t *testing.T, lists map[string]map[string]any) rest.Interface {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if l, ok := lists[r.URL.Path]; ok {
			_ = json.NewEncoder(w).Encode(l)
			return
		}
		dir, name := r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		if l, ok := lists[dir]; ok {
			for _, it := range l["items"].([]any) {
				if it.(map[string]any)["metadata"].(map[string]any)["name"] == name {
					_ = json.NewEncoder(w).Encode(it)
					return
				}
			}
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"the server could not find the requested resource"}`))
	}))
	t.Cleanup(srv.Close)
	rc, _, err := Clients(&rest.Config{Host: srv.URL, QPS: -1}) // no client-side throttling
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func list(apiVersion, kind string, items ...map[string]any) map[string]any {
	out := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{}}
	var its []any
	for _, it := range items {
		its = append(its, it)
	}
	out["items"] = its
	return out
}

func meta(ns, name string) map[string]any {
	m := map[string]any{"name": name, "uid": "uid-" + name, "resourceVersion": "7",
		"managedFields": []any{map[string]any{"manager": "eso", "fieldsV1": map[string]any{"f:status": map[string]any{}}}}}
	if ns != "" {
		m["namespace"] = ns
	}
	return m
}

func TestMissingCRDIsAClearError(t *testing.T) {
	err := Reader{REST: fakeAPI(t, nil), Config: config.Default()}.Read(context.Background(), object.Set{}, live.New())
	if err == nil || !strings.Contains(err.Error(), "CRD") || !strings.Contains(err.Error(), "is not installed: install the External Secrets Operator CRDs") {
		t.Fatalf("err = %v, want a clear missing-CRD error", err)
	}
}

// eso are empty lists of every ESO kind, at the configured versions.
func eso(cfg *config.Config) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, gvr := range GVRs(cfg) {
		out[path(gvr, "", "")] = list(gvr.GroupVersion().String(), "List")
	}
	return out
}

// What is read of an object is what syncd compares — apiVersion, kind,
// name, namespace, labels, annotations (without kubectl's last applied),
// spec with its numbers as read — whatever else it carries (status,
// managed fields); a typed list's items get the list's apiVersion and
// kind; an object being deleted is not read.
func TestReadKeepsWhatIsCompared(t *testing.T) {
	cfg := config.Default()
	lists := eso(cfg)
	es := GVRs(cfg)[object.ExternalSecret]
	labelled := meta("team", "es")
	labelled["labels"] = map[string]any{desired.LabelManagedBy: desired.ManagedBy}
	labelled["annotations"] = map[string]any{"kubectl.kubernetes.io/last-applied-configuration": "{}", "note": "x"}
	deleting := meta("team", "gone")
	deleting["labels"] = labelled["labels"]
	deleting["deletionTimestamp"] = "2026-01-01T00:00:00Z"
	lists[path(es, "", "")] = list(es.GroupVersion().String(), "ExternalSecretList",
		map[string]any{"apiVersion": es.GroupVersion().String(), "kind": "ExternalSecret", "metadata": labelled,
			"spec":   map[string]any{"refreshInterval": "1h", "target": map[string]any{"name": "t"}, "big": json.Number("12345678901234567890")},
			"status": map[string]any{"conditions": []any{map[string]any{"type": "Ready"}}}},
		map[string]any{"apiVersion": es.GroupVersion().String(), "kind": "ExternalSecret", "metadata": deleting, "spec": map[string]any{}},
		map[string]any{"apiVersion": es.GroupVersion().String(), "kind": "ExternalSecret", "metadata": meta("team", "unlabelled"), "spec": map[string]any{}})
	lists["/api/v1/namespaces"] = list("v1", "NamespaceList", map[string]any{"metadata": meta("", "team"), "spec": map[string]any{"finalizers": []any{"kubernetes"}}})
	st := live.New()
	nsID := object.ID{System: object.Kubernetes, Kind: object.Namespace, Name: "team"}
	if err := (Reader{REST: fakeAPI(t, lists), Config: cfg}).Read(context.Background(), object.NewSet(nsID), st); err != nil {
		t.Fatal(err)
	}
	esID := object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "team", Name: "es"}
	want := map[object.ID]string{
		esID: `{"apiVersion":"` + es.GroupVersion().String() + `","kind":"ExternalSecret","metadata":{"annotations":{"note":"x"},"labels":{"` +
			desired.LabelManagedBy + `":"` + desired.ManagedBy + `"},"name":"es","namespace":"team"},"spec":{"big":12345678901234567890,"refreshInterval":"1h","target":{"name":"t"}}}`,
		nsID: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"},"spec":{"finalizers":["kubernetes"]}}`,
	}
	got := map[object.ID]string{}
	for id, o := range st.Objects {
		got[id] = string(o.Spec.(*desired.ManifestSpec).JSON())
		if o.UID != "uid-"+id.Name {
			t.Errorf("%s: UID %q", id, o.UID)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects read (-want +got):\n%s", diff)
	}
	if !st.Present.Has(nsID) {
		t.Error("the namespace is not present")
	}
}

// An object is foreign when none of its managedFields entries is syncd's:
// only then may a pending create be someone else's.
func TestForeignIsAnObjectSyncdNeverWrote(t *testing.T) {
	for name, tc := range map[string]struct {
		managers []string
		foreign  bool
	}{
		"syncd among the managers":   {managers: []string{"kubectl-patch", desired.FieldManager}},
		"syncd only":                 {managers: []string{desired.FieldManager}},
		"another manager only":       {managers: []string{"kubectl-create"}, foreign: true},
		"no managed fields recorded": {foreign: true},
	} {
		t.Run(name, func(t *testing.T) {
			u := &item{APIVersion: "v1", Kind: "ServiceAccount", Metadata: metadata{Name: "app", Namespace: "team"}}
			for _, m := range tc.managers {
				u.Metadata.ManagedFields = append(u.Metadata.ManagedFields, manager{m})
			}
			o, err := normalise(object.ServiceAccount, u)
			if err != nil {
				t.Fatal(err)
			}
			if o.Foreign != tc.foreign {
				t.Errorf("Foreign = %v, want %v", o.Foreign, tc.foreign)
			}
		})
	}
}

// With Compared set, a namespace or service account found is held as an
// object only when the plan compares it; the others are only present.
// Listed (a plan of every tenant) or got one by one (a few tenants), alike.
func TestOnlyComparedExternalsAreHeld(t *testing.T) {
	cfg := config.Default()
	lists := eso(cfg)
	lists["/api/v1/namespaces"] = list("v1", "NamespaceList", map[string]any{"metadata": meta("", "managed")}, map[string]any{"metadata": meta("", "platform")})
	lists["/api/v1/serviceaccounts"] = list("v1", "ServiceAccountList", map[string]any{"metadata": meta("managed", "app")}, map[string]any{"metadata": meta("platform", "app")})
	for _, ns := range []string{"managed", "platform"} {
		lists["/api/v1/namespaces/"+ns+"/serviceaccounts"] = list("v1", "ServiceAccountList", map[string]any{"metadata": meta(ns, "app")})
		for _, gvr := range GVRs(cfg) {
			lists[path(gvr, ns, "")] = list(gvr.GroupVersion().String(), "List")
		}
	}
	api := fakeAPI(t, lists)
	ns := func(name string) object.ID {
		return object.ID{System: object.Kubernetes, Kind: object.Namespace, Name: name}
	}
	sa := func(scope string) object.ID {
		return object.ID{System: object.Kubernetes, Kind: object.ServiceAccount, Scope: scope, Name: "app"}
	}
	want := object.NewSet(ns("managed"), ns("platform"), sa("managed"), sa("platform"))
	for _, scoped := range []bool{false, true} {
		for _, tc := range []struct {
			name     string
			compared func(object.ID) bool
			held     []object.ID
		}{
			{name: "unset: all held", held: want.Sorted()},
			{name: "managed only", compared: func(id object.ID) bool { return id == ns("managed") || id == sa("managed") },
				held: object.NewSet(ns("managed"), sa("managed")).Sorted()},
			{name: "none compared", compared: func(object.ID) bool { return false }},
		} {
			name := tc.name
			if scoped {
				name += ", scoped"
			}
			t.Run(name, func(t *testing.T) {
				st := live.New()
				r := Reader{REST: api, Config: cfg, Compared: tc.compared}
				if scoped {
					r.Namespaces = []string{"managed", "platform"}
				}
				if err := r.Read(context.Background(), want, st); err != nil {
					t.Fatal(err)
				}
				var held []object.ID
				for id := range st.Objects {
					held = append(held, id)
				}
				slices.SortFunc(held, object.Compare)
				if diff := cmp.Diff(tc.held, held, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("held (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(want.Sorted(), st.Present.Sorted()); diff != "" {
					t.Errorf("present (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// A manifest read with exactly the desired canonical bytes is held as the
// desired spec (one copy in memory); one that differs by a byte is held as
// read. Either way the object keeps its own UID and fingerprint.
func TestReadSharesTheDesiredSpecOfAnIdenticalManifest(t *testing.T) {
	cfg := config.Default()
	lists := eso(cfg)
	es := GVRs(cfg)[object.ExternalSecret]
	item := func(name, interval string) map[string]any {
		m := meta("team", name)
		m["labels"] = map[string]any{desired.LabelManagedBy: desired.ManagedBy}
		return map[string]any{"apiVersion": es.GroupVersion().String(), "kind": "ExternalSecret", "metadata": m,
			"spec": map[string]any{"refreshInterval": interval}}
	}
	lists[path(es, "", "")] = list(es.GroupVersion().String(), "ExternalSecretList", item("same", "1h"), item("drifted", "2h"))
	manifest := func(name string) *desired.ManifestSpec {
		m, err := desired.NewManifest(map[string]any{"apiVersion": es.GroupVersion().String(), "kind": "ExternalSecret",
			"metadata": map[string]any{"name": name, "namespace": "team", "labels": map[string]any{desired.LabelManagedBy: desired.ManagedBy}},
			"spec":     map[string]any{"refreshInterval": "1h"}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	esID := func(name string) object.ID {
		return object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "team", Name: name}
	}
	want := &desired.State{Objects: []desired.Object{{ID: esID("drifted"), Spec: manifest("drifted")}, {ID: esID("same"), Spec: manifest("same")}}}
	slices.SortFunc(want.Objects, func(a, b desired.Object) int { return object.Compare(a.ID, b.ID) })
	st := live.New()
	if err := (Reader{REST: fakeAPI(t, lists), Config: cfg, Desired: want}).Read(context.Background(), object.Set{}, st); err != nil {
		t.Fatal(err)
	}
	for name, shared := range map[string]bool{"same": true, "drifted": false} {
		got, ok := st.Get(esID(name))
		d, _ := want.Get(esID(name))
		switch {
		case !ok:
			t.Errorf("%s: not read", name)
		case (got.Spec == d.Spec) != shared:
			t.Errorf("%s: holds the desired spec = %v, want %v", name, got.Spec == d.Spec, shared)
		case got.UID != "uid-"+name || len(got.Raw) == 0:
			t.Errorf("%s: UID %q, fingerprint %x: not its own", name, got.UID, got.Raw)
		}
	}
}
