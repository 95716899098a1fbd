package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// targets checks the figures against the budgets for a 2-core machine
// (issue 11's, with issue 25's at 10,000 tenants) and returns the section
// for BENCHMARKS.md.
func targets(results []*result) string {
	by := map[int]*result{}
	for _, r := range results {
		by[r.N] = r
	}
	var b strings.Builder
	b.WriteString("## Targets (2-core machine)\n\n| target | measured | met |\n|---|---|---|\n")
	row := func(target, measured string, met bool, known bool) {
		verdict := "no"
		switch {
		case !known:
			verdict, measured = "not measured", "—"
		case met:
			verdict = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", target, measured, verdict)
	}
	mb := func(s sample) float64 { return float64(s.RSSKB) / 1024 }
	if r := by[10000]; r != nil && len(r.Validate) > 0 {
		v, re := median(r.Validate), median(r.Render)
		row("`syncd validate` of 10,000 tenants ≤ 1 s and ≤ 200 MB", fmt.Sprintf("%s, %.0f MB", v.Wall.Round(time.Millisecond), mb(v)),
			v.Wall <= time.Second && mb(v) <= 200, true)
		row("`syncd render` of 10,000 tenants ≤ 5 s", fmt.Sprintf("%s, %.0f MB", re.Wall.Round(time.Millisecond), mb(re)),
			re.Wall <= 5*time.Second, true)
	} else {
		row("`syncd validate` (≤ 1 s, ≤ 200 MB) and `render` (≤ 5 s) of 10,000 tenants", "", false, false)
	}
	for _, ratio := range []struct {
		n, label    int
		plan, apply float64 // the most syncd may take, times the floor
	}{{1000, 1, 1.5, 2}, {10000, 10, 1.19, 1.06}} {
		r := by[ratio.n]
		if r == nil || len(r.Plan.Floor) == 0 {
			continue
		}
		p, a := wallRatio(r.Plan.Syncd, r.Plan.Floor), wallRatio(r.Apply.Syncd, r.Apply.Floor)
		row(fmt.Sprintf("no-op plan at %d,000 tenants ≤ %g× the floor", ratio.label, ratio.plan), fmt.Sprintf("%.2f×", p), p <= ratio.plan, true)
		row(fmt.Sprintf("apply from scratch at %d,000 tenants ≤ %g× the floor", ratio.label, ratio.apply), fmt.Sprintf("%.2f×", a), a <= ratio.apply, true)
		if len(r.Apply.Procedure) > 0 {
			x := 1 / wallRatio(r.Apply.Syncd, r.Apply.Procedure)
			row(fmt.Sprintf("apply at %d,000 tenants ≥ 10× faster than today's procedure", ratio.label), fmt.Sprintf("%.1f×", x), x >= 10, true)
		}
	}
	var inc []string
	lo, hi := by[100], by[10000]
	if lo != nil && hi != nil && len(lo.Incremental.Syncd) > 0 && len(hi.Incremental.Syncd) > 0 {
		for _, r := range results {
			if s := median(r.Incremental.Syncd); len(r.Incremental.Syncd) > 0 {
				inc = append(inc, fmt.Sprintf("%d: %d + %d", r.N, s.Vault, s.Kube))
			}
		}
		a, z := median(lo.Incremental.Syncd), median(hi.Incremental.Syncd)
		row("incremental requests (Vault + Kubernetes) ≈ constant from 100 to 10,000 tenants", strings.Join(inc, "; "),
			z.Vault+z.Kube <= (a.Vault+a.Kube)*5/4, true)
	} else {
		row("incremental requests ≈ constant from 100 to 10,000 tenants", "", false, false)
	}
	for _, step := range []struct {
		name string
		of   func(*result) []sample
	}{
		{"a converged plan", func(r *result) []sample { return r.Plan.Syncd }},
		{"apply", func(r *result) []sample { return r.Apply.Syncd }},
		{"the daemon", func(r *result) []sample { return r.Incremental.Syncd }},
	} {
		target := fmt.Sprintf("%s at 10,000 tenants ≤ 256 MB peak RSS (deploy/'s limit)", step.name)
		if hi == nil || len(step.of(hi)) == 0 {
			row(target, "", false, false)
			continue
		}
		s := median(step.of(hi))
		row(target, fmt.Sprintf("%.0f MB", mb(s)), mb(s) <= 256, true)
	}
	b.WriteString("| one Vault login per process | the bench uses a token (no login); `TestDaemonLogsInOnce` counts logins in Vault's audit log | see the test |\n")
	return b.String()
}

// targetsMain is `bench targets -file BENCHMARKS.md`: the targets section
// rebuilt from a report's results table (for a report written by an older
// bench, or edited by hand).
func targetsMain(args []string) error {
	fs := flag.NewFlagSet("targets", flag.ExitOnError)
	file := fs.String("file", "BENCHMARKS.md", "report to read and rewrite")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	text, _, _ := strings.Cut(string(raw), "\n## Targets")
	by := map[int]*result{}
	var order []*result
	for _, line := range strings.Split(text, "\n") {
		f := strings.Split(line, "|")
		if len(f) < 10 {
			continue
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue // the header
		}
		var s sample
		if s.Wall, err = time.ParseDuration(f[4]); err != nil {
			return fmt.Errorf("%q: %w", line, err)
		}
		s.Vault, _ = strconv.ParseInt(f[5], 10, 64)
		s.Kube, _ = strconv.ParseInt(f[6], 10, 64)
		var rss float64
		fmt.Sscanf(f[7], "%f MB", &rss)
		s.RSSKB = int64(rss * 1024)
		r := by[n]
		if r == nil {
			r = &result{N: n}
			by[n] = r
			order = append(order, r)
		}
		var fig *figure
		switch f[2] {
		case "validate":
			r.Validate = append(r.Validate, s)
			continue
		case "render -o yaml":
			r.Render = append(r.Render, s)
			continue
		case "no-op plan":
			fig = &r.Plan
		case "apply from scratch":
			fig = &r.Apply
		case "incremental (daemon, 1 tenant)":
			fig = &r.Incremental
		case "off-board 10 %":
			fig = &r.Offb
		default:
			return fmt.Errorf("unknown scenario %q", f[2])
		}
		switch f[3] {
		case "syncd":
			fig.Syncd = append(fig.Syncd, s)
		case "floor":
			fig.Floor = append(fig.Floor, s)
		default:
			fig.Procedure = append(fig.Procedure, s)
		}
	}
	return os.WriteFile(*file, []byte(strings.TrimRight(text, "\n")+"\n\n"+targets(order)), 0o644)
}
