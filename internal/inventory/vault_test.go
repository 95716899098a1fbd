package inventory

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
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
