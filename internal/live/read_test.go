package live_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

type fakeSource struct {
	objects []live.Object
	present []object.ID
	err     error
}

func (f fakeSource) Read(_ context.Context, _ live.Wanted, st *live.State) error {
	for _, o := range f.objects {
		st.Put(o)
	}
	for _, id := range f.present {
		st.Present.Add(id)
		st.Looked.Add(id)
	}
	return f.err
}

func id(kind object.Kind, name string) object.ID {
	return object.ID{System: object.Vault, Kind: kind, Name: name}
}

func read(ids ...object.ID) []live.Object {
	var out []live.Object
	for _, id := range ids {
		out = append(out, live.Object{ID: id, Spec: &desired.PolicySpec{Name: id.Name, HCL: "read"}, Raw: []byte(id.Name)})
	}
	return out
}

func TestReadAllMergesEverySource(t *testing.T) {
	a, b, c := id(object.Policy, "a"), id(object.AuthRole, "b"), id(object.KVSecret, "c")
	st, err := live.ReadAll(context.Background(), nil,
		fakeSource{objects: read(a)},
		fakeSource{objects: read(b, c), present: []object.ID{c}},
		fakeSource{present: []object.ID{a}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(object.NewSet(a, b, c).Sorted(), object.NewSet(keys(st.Objects)...).Sorted()); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(object.NewSet(a, c).Sorted(), st.Present.Sorted()); diff != "" {
		t.Errorf("present (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(object.NewSet(a, c).Sorted(), st.Looked.Sorted()); diff != "" {
		t.Errorf("looked (-want +got):\n%s", diff)
	}
	if _, err := live.ReadAll(context.Background(), nil, fakeSource{objects: read(a)}, fakeSource{err: errors.New("down")}); err == nil {
		t.Error("a source's error was not returned")
	}
}

func keys(m map[object.ID]live.Object) []object.ID {
	var out []object.ID
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The fingerprint is the same whichever source is merged into which, and
// differs when any object was read with another rendering.
func TestFingerprintSeesEveryObject(t *testing.T) {
	kube := object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "ns", Name: "es"}
	readKube := live.Object{ID: kube, Spec: &desired.PolicySpec{Name: "es"}, Raw: []byte("k"), UID: "uid-1"}
	vault := fakeSource{objects: read(id(object.Policy, "a"), id(object.Policy, "b"))}
	load := func(sources ...live.Source) *live.State {
		t.Helper()
		st, err := live.ReadAll(context.Background(), nil, sources...)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	fp := load(vault, fakeSource{objects: []live.Object{readKube}}).Fingerprint()
	if again := load(fakeSource{objects: []live.Object{readKube}}, vault).Fingerprint(); again != fp {
		t.Errorf("fingerprint depends on the order of sources: %s, then %s", fp, again)
	}
	changed := readKube
	changed.Raw = []byte("k2")
	if other := load(vault, fakeSource{objects: []live.Object{changed}}).Fingerprint(); other == fp {
		t.Error("an object read with another rendering leaves the fingerprint as it was")
	}
}

// The fingerprint changes with any tenant's inventory record.
func TestFingerprintSeesTheInventory(t *testing.T) {
	st := func(objects ...string) *live.State {
		s := live.New()
		s.Inventory = &inventory.Inventory{Tenants: map[string]*inventory.Tenant{"a": {}, "b": {}}}
		for _, name := range objects {
			s.Inventory.Tenants["b"].Objects = append(s.Inventory.Tenants["b"].Objects, id(object.Policy, name))
		}
		return s
	}
	base := st("p").Fingerprint()
	if again := st("p").Fingerprint(); again != base {
		t.Fatalf("one state, two fingerprints: %s, %s", base, again)
	}
	for name, other := range map[string]*live.State{"another object": st("q"), "one more object": st("p", "q"), "none": st()} {
		if other.Fingerprint() == base {
			t.Errorf("%s recorded: fingerprint unchanged", name)
		}
	}
	renamed := st("p")
	renamed.Inventory.Tenants["c"] = renamed.Inventory.Tenants["b"]
	delete(renamed.Inventory.Tenants, "b")
	if renamed.Fingerprint() == base {
		t.Error("a record under another tenant: fingerprint unchanged")
	}
}

// fillingSource puts one entry, its own, into every map of the state: the
// merge must keep every source's entries in every map, including a map
// added to State later.
type fillingSource struct{ n int }

func (f fillingSource) Read(_ context.Context, _ live.Wanted, st *live.State) error {
	v := reflect.ValueOf(st).Elem()
	for i := 0; i < v.NumField(); i++ {
		m := v.Field(i)
		if !v.Type().Field(i).IsExported() || m.Kind() != reflect.Map {
			continue
		}
		var key reflect.Value
		switch m.Type().Key() {
		case reflect.TypeFor[object.ID]():
			key = reflect.ValueOf(id(object.Policy, fmt.Sprint(f.n)))
		case reflect.TypeFor[string]():
			key = reflect.ValueOf(fmt.Sprint(f.n))
		default:
			return fmt.Errorf("field %s: a map keyed by %s; teach this test", v.Type().Field(i).Name, m.Type().Key())
		}
		m.SetMapIndex(key, reflect.Zero(m.Type().Elem()))
	}
	return nil
}

func TestReadAllMergesEveryMapOfEverySource(t *testing.T) {
	st, err := live.ReadAll(context.Background(), nil, fillingSource{0}, fillingSource{1}, fillingSource{2})
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(st).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Type().Field(i); f.IsExported() && v.Field(i).Kind() == reflect.Map && v.Field(i).Len() != 3 {
			t.Errorf("%s holds %d entries after merging three sources of one each", f.Name, v.Field(i).Len())
		}
	}
}
