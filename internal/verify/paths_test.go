package verify

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// naiveOthers is the definition others must meet: every other tenant's
// paths, sorted and unique, all up to max, else every n-th.
func naiveOthers(paths map[string][]string, tenant string, max int) []string {
	var o []string
	for t, ps := range paths {
		if t != tenant {
			o = append(o, ps...)
		}
	}
	slices.Sort(o)
	o = slices.Compact(o)
	if len(o) <= max {
		return o
	}
	step := (len(o) + max - 1) / max
	var out []string
	for i := 0; i < len(o); i += step {
		out = append(out, o[i])
	}
	return out
}

// TestOthersSamplesTheOtherTenants: the index built once gives each
// tenant exactly the sample the definition does, own paths interleaved
// anywhere in the sorted list, a path two tenants declare counted as
// another's for both.
func TestOthersSamplesTheOtherTenants(t *testing.T) {
	many := map[string][]string{}
	for i := range 40 {
		name := fmt.Sprintf("t%02d", i)
		for j := range 3 + i%4 {
			many[name] = append(many[name], fmt.Sprintf("secret/data/%c/%s/%d", 'a'+rune((i*7+j)%26), name, j))
		}
		slices.Sort(many[name])
	}
	tests := map[string]struct {
		paths map[string][]string
		max   int
	}{
		"all fit":       {paths: many, max: 1000},
		"sampled":       {paths: many, max: 17},
		"max of one":    {paths: many, max: 1},
		"one tenant":    {paths: map[string][]string{"a": {"x", "y"}}, max: 5},
		"shared path":   {paths: map[string][]string{"a": {"p", "s"}, "b": {"q", "s"}, "c": {"r"}}, max: 10},
		"shared, small": {paths: map[string][]string{"a": {"p", "s"}, "b": {"q", "s"}, "c": {"r"}}, max: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			all := allPaths(tc.paths)
			for tenant, own := range tc.paths {
				want := naiveOthers(tc.paths, tenant, tc.max)
				if diff := cmp.Diff(want, others(all, own, tenant, tc.max)); diff != "" {
					t.Errorf("tenant %s (-want +got):\n%s", tenant, diff)
				}
			}
		})
	}
}
