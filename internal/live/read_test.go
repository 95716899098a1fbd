package live_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
)

type fakeSource struct {
	objects []object.ID
	present []object.ID
	err     error
}

func (f fakeSource) Read(_ context.Context, _ object.Set, st *live.State) error {
	for _, id := range f.objects {
		st.Objects[id] = live.Object{ID: id}
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

func TestReadAllMergesEverySource(t *testing.T) {
	a, b, c := id(object.Policy, "a"), id(object.AuthRole, "b"), id(object.KVSecret, "c")
	st, err := live.ReadAll(context.Background(), nil, nil,
		fakeSource{objects: []object.ID{a}},
		fakeSource{objects: []object.ID{b, c}, present: []object.ID{c}},
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
	if _, err := live.ReadAll(context.Background(), nil, nil, fakeSource{objects: []object.ID{a}}, fakeSource{err: errors.New("down")}); err == nil {
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

// Put holds the desired spec in place of the one read when Same says the
// object is converged, and the one read otherwise (drift stays visible).
func TestPutHoldsTheDesiredSpecOfAConvergedObject(t *testing.T) {
	want := &desired.PolicySpec{Name: "p", HCL: "desired"}
	same, drifted := object.ID{Name: "same"}, object.ID{Name: "drifted"}
	st := live.New()
	st.Same = func(id object.ID, _ desired.Spec) desired.Spec {
		if id == same {
			return want
		}
		return nil
	}
	readSame, readDrifted := &desired.PolicySpec{Name: "p", HCL: "read"}, &desired.PolicySpec{Name: "p", HCL: "read"}
	st.Put(live.Object{ID: same, Spec: readSame, Raw: []byte("1")})
	st.Put(live.Object{ID: drifted, Spec: readDrifted, Raw: []byte("2")})
	if got := st.Objects[same]; got.Spec != desired.Spec(want) || string(got.Raw) != "1" {
		t.Errorf("converged: holds %+v, want the desired spec and the digest read", got)
	}
	if got := st.Objects[drifted]; got.Spec != desired.Spec(readDrifted) {
		t.Errorf("drifted: holds %+v, want the spec read", got)
	}
}
