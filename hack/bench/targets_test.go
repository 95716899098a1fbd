package main

import (
	"strings"
	"testing"
	"time"
)

// TestTargetsJudgeTheBudgets: each budget at 10,000 tenants says yes on
// its side of the bound and no past it.
func TestTargetsJudgeTheBudgets(t *testing.T) {
	mb := func(n int64) int64 { return n * 1024 }
	for name, tc := range map[string]struct {
		r    result
		want []string
	}{
		"within": {
			r: result{N: 10000,
				Validate: []sample{{Wall: 900 * time.Millisecond, RSSKB: mb(150)}},
				Render:   []sample{{Wall: 4 * time.Second, RSSKB: mb(230)}},
				Plan:     figure{Syncd: []sample{{Wall: 11 * time.Second, RSSKB: mb(240)}}, Floor: []sample{{Wall: 10 * time.Second}}},
				Apply:    figure{Syncd: []sample{{Wall: 10 * time.Second, RSSKB: mb(200)}}, Floor: []sample{{Wall: 10 * time.Second}}},
			},
			want: []string{
				"| `syncd validate` of 10,000 tenants ≤ 1 s and ≤ 200 MB | 900ms, 150 MB | yes |",
				"| `syncd render` of 10,000 tenants ≤ 5 s | 4s, 230 MB | yes |",
				"| no-op plan at 10,000 tenants ≤ 1.19× the floor | 1.10× | yes |",
				"| apply from scratch at 10,000 tenants ≤ 1.06× the floor | 1.00× | yes |",
				"| a converged plan at 10,000 tenants ≤ 256 MB peak RSS (deploy/'s limit) | 240 MB | yes |",
				"| the daemon at 10,000 tenants ≤ 256 MB peak RSS (deploy/'s limit) | — | not measured |",
			},
		},
		"past": {
			r: result{N: 10000,
				Validate: []sample{{Wall: 1100 * time.Millisecond, RSSKB: mb(150)}},
				Render:   []sample{{Wall: 9 * time.Second, RSSKB: mb(230)}},
				Plan:     figure{Syncd: []sample{{Wall: 13 * time.Second, RSSKB: mb(300)}}, Floor: []sample{{Wall: 10 * time.Second}}},
				Apply:    figure{Syncd: []sample{{Wall: 11 * time.Second, RSSKB: mb(257)}}, Floor: []sample{{Wall: 10 * time.Second}}},
			},
			want: []string{
				"| `syncd validate` of 10,000 tenants ≤ 1 s and ≤ 200 MB | 1.1s, 150 MB | no |",
				"| `syncd render` of 10,000 tenants ≤ 5 s | 9s, 230 MB | no |",
				"| no-op plan at 10,000 tenants ≤ 1.19× the floor | 1.30× | no |",
				"| apply from scratch at 10,000 tenants ≤ 1.06× the floor | 1.10× | no |",
				"| a converged plan at 10,000 tenants ≤ 256 MB peak RSS (deploy/'s limit) | 300 MB | no |",
				"| apply at 10,000 tenants ≤ 256 MB peak RSS (deploy/'s limit) | 257 MB | no |",
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := tc.r
			got := targets([]*result{&r})
			for _, line := range tc.want {
				if !strings.Contains(got, line+"\n") {
					t.Errorf("missing %q in\n%s", line, got)
				}
			}
		})
	}
}
