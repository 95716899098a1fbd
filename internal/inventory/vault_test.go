package inventory

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/object"
)

// fit gives a decoded record's identities a slice of their own length, the
// same identities; nil and empty stay as they are.
func TestFitHoldsTheIdentitiesInTheirLength(t *testing.T) {
	var rec Tenant
	ids := `[{"system":"vault","kind":"Policy","scope":"sys","name":"a"},{"system":"vault","kind":"Policy","scope":"sys","name":"b"},{"system":"vault","kind":"Policy","scope":"sys","name":"c"}]`
	if err := json.Unmarshal([]byte(`{"objects":`+ids+`,"pending":[]}`), &rec); err != nil {
		t.Fatal(err)
	}
	if cap(rec.Objects) == len(rec.Objects) {
		t.Fatalf("decoding left no room to reclaim (cap %d): the test shows nothing", cap(rec.Objects))
	}
	got := fit(rec.Objects)
	if cap(got) != len(got) {
		t.Errorf("cap %d, len %d", cap(got), len(got))
	}
	if diff := cmp.Diff(rec.Objects, got); diff != "" {
		t.Errorf("(-decoded +fit):\n%s", diff)
	}
	if fit(nil) != nil {
		t.Error("nil became a slice")
	}
	if p := fit(rec.Pending); p == nil || len(p) != 0 {
		t.Errorf("empty became %#v", p)
	}
}

// share holds, for each identity Known knows, Known's equal (its strings,
// not the decoded copies); others stay as read, and an identity Known
// answers with a different one is never replaced.
func TestShareHoldsTheKnownIdentities(t *testing.T) {
	mk := func(name string) object.ID {
		return object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: strings.Clone(name)}
	}
	known, wrong := mk("known"), mk("wrong")
	s := Store{Known: func(id object.ID) (object.ID, bool) {
		switch id.Name {
		case "known":
			return known, true
		case "wrong":
			return mk("other"), true
		}
		return id, false
	}}
	ids := []object.ID{mk("known"), mk("unknown"), wrong}
	read := slices.Clone(ids)
	s.share(ids)
	if diff := cmp.Diff(read, ids); diff != "" {
		t.Fatalf("identities changed (-read +shared):\n%s", diff)
	}
	if unsafe.StringData(ids[0].Name) != unsafe.StringData(known.Name) {
		t.Error("a known identity still holds its decoded name")
	}
	if unsafe.StringData(ids[1].Name) != unsafe.StringData(read[1].Name) || unsafe.StringData(ids[2].Name) != unsafe.StringData(wrong.Name) {
		t.Error("an unknown identity, or one Known answered with another, was replaced")
	}
	Store{}.share(ids) // no Known: nothing to do
}
