package main

import (
	"strings"
	"testing"
	"time"
)

// TestTargetsJudgeTheBudgets: each budget at 10,000 tenants says yes on
// its side of the bound and no past it.
func TestTargetsJudgeTheBudgets(t *testing.T) {
	// at10k is a 10,000-tenant result: validate's and render's wall, the
	// plan's and apply's wall (the floor takes 10 s for each) and peak RSS.
	at10k := func(validate, render, plan, apply time.Duration, planMB, applyMB int64) result {
		floor := []sample{{Wall: 10 * time.Second}}
		return result{N: 10000,
			Validate: []sample{{Wall: validate, RSSKB: 150 * 1024}},
			Render:   []sample{{Wall: render, RSSKB: 230 * 1024}},
			Plan:     figure{Syncd: []sample{{Wall: plan, RSSKB: planMB * 1024}}, Floor: floor},
			Apply:    figure{Syncd: []sample{{Wall: apply, RSSKB: applyMB * 1024}}, Floor: floor},
		}
	}
	for name, tc := range map[string]struct {
		r    result
		want []string
	}{
		"within": {
			r: at10k(900*time.Millisecond, 4*time.Second, 11*time.Second, 10*time.Second, 240, 200),
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
			r: at10k(1100*time.Millisecond, 9*time.Second, 13*time.Second, 11*time.Second, 300, 257),
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
