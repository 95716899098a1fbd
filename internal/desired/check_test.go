package desired_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// verdictOf is what validate reports of a set of tenants.
type verdictOf struct {
	Err              string
	Tenants, Objects int
	Isolation        string
	Errors           []string
	Invalid          []string
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func setVerdict(v *verdictOf, set *tenant.Set) {
	for _, e := range set.Errors {
		v.Errors = append(v.Errors, e.Error())
	}
	for name := range set.Invalid {
		v.Invalid = append(v.Invalid, name)
	}
	slices.Sort(v.Invalid)
}

// Check reports what Build and CheckIsolation report, without the state;
// BuildChecked reports it with the state Build returns.
func TestCheckAgreesWithBuild(t *testing.T) {
	shipped, _ := filepath.Glob("../../tenants/*.yaml")
	var shippedFiles []tenant.File
	for _, p := range shipped {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		shippedFiles = append(shippedFiles, tenant.File{Path: p, Data: data})
	}
	var many []tenant.File
	for i := range 50 {
		many = append(many, file(fmt.Sprintf("t%02d", i), "spec:\n  secrets:\n    - {name: s, path: a/b, keys: [k]}\n  databases:\n    - {name: db, connection: catalog, privilege: readonly}\n"))
	}
	cfg := config.Default()
	for name, files := range map[string][]tenant.File{
		"the shipped tenants": shippedFiles,
		"fifty tenants":       many,
		"a conflict between two, a third valid": {
			file("a", "spec:\n  databases:\n    - {name: b-c, connection: catalog, privilege: readonly}\n"),
			file("a-b", "spec:\n  databases:\n    - {name: c, connection: catalog, privilege: readwrite}\n"),
			file("z", ""),
		},
		"a broken file that still claims": {
			file("acme", ""),
			file("evil", "spec:\n  namespace: bookstore-platform-acme\n  bogus: 1\n"),
			file("other", "spec:\n  secrets:\n    - {name: s, path: a, keys: [k]}\n"),
		},
		"one namespace written twice": {
			file("acme", "spec:\n  namespace: shop\n"),
			file("beta", "spec:\n  namespace: shop\n"),
		},
		"an unknown connection": {
			file("acme", "spec:\n  databases:\n    - {name: db, connection: nowhere, privilege: readonly}\n"),
		},
		"none": nil,
	} {
		t.Run(name, func(t *testing.T) {
			var want, got verdictOf
			setB := tenant.Parse(files, cfg)
			st, err := desired.Build(cfg, setB)
			want.Err = errString(err)
			if err == nil {
				want.Tenants, want.Objects = len(st.Tenants), len(st.Objects)
				want.Isolation = errString(desired.CheckIsolation(cfg, st))
			}
			setVerdict(&want, setB)

			setC := tenant.Parse(files, cfg)
			c, err := desired.Check(cfg, setC)
			got.Err = errString(err)
			if err == nil {
				got.Tenants, got.Objects, got.Isolation = c.Tenants, c.Objects, errString(c.Isolation)
			}
			setVerdict(&got, setC)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Check differs from Build and CheckIsolation (-want +got):\n%s", diff)
			}

			var both verdictOf
			setBC := tenant.Parse(files, cfg)
			stBC, isolation, err := desired.BuildChecked(cfg, setBC)
			both.Err = errString(err)
			if err == nil {
				both.Tenants, both.Objects, both.Isolation = len(stBC.Tenants), len(stBC.Objects), errString(isolation)
				wantJSON, _ := json.Marshal(st)
				gotJSON, _ := json.Marshal(stBC)
				if string(wantJSON) != string(gotJSON) {
					t.Errorf("BuildChecked's state differs from Build's:\n%s\n%s", wantJSON, gotJSON)
				}
			}
			setVerdict(&both, setBC)
			if diff := cmp.Diff(want, both); diff != "" {
				t.Errorf("BuildChecked differs from Build and CheckIsolation (-want +got):\n%s", diff)
			}
			if name == "fifty tenants" && got.Tenants != 50 {
				t.Errorf("%d valid tenants, want 50", got.Tenants)
			}
		})
	}
}
