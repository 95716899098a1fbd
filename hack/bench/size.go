package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// figure is one scenario's samples for syncd and its references.
type figure struct {
	Syncd, Floor, Procedure []sample
}

// result holds every figure for one tenant count.
type result struct {
	N                              int
	Validate, Render               []sample
	Apply, Plan, Incremental, Offb figure
}

func benchSize(ctx context.Context, bed *testbed.Bed, e env, root, syncd string, n int, o options) (*result, error) {
	dir := filepath.Join(o.work, fmt.Sprintf("n%d", n))
	repoDir := filepath.Join(dir, "repo")
	cfg, err := benchConfig(root, bed.VaultAddr)
	if err != nil {
		return nil, err
	}
	logf("%d tenants: generating", n)
	if err := generate(repoDir, n, cfg); err != nil {
		return nil, err
	}
	repo, err := loadRepo(repoDir)
	if err != nil {
		return nil, err
	}
	w, err := workFor(repo.Cfg, repo.State)
	if err != nil {
		return nil, err
	}
	workFile := filepath.Join(dir, "work.json")
	if err := w.save(workFile); err != nil {
		return nil, err
	}
	procDir := filepath.Join(dir, "procedure")
	if err := writeProcedure(procDir, w); err != nil {
		return nil, err
	}
	logf("%d tenants: namespaces, service accounts and KV values (unmeasured)", n)
	if err := prepare(ctx, bed, repo.State, repo.Cfg.Vault.Mounts.KV); err != nil {
		return nil, err
	}
	inv := repo.Cfg.Inventory
	clean := func() error { return reset(ctx, bed, repo.State, w, inv.Mount, inv.Path) }
	r := &result{N: n}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	measure := func(into *[]sample, okCodes []int, name string, args ...string) error {
		s, _, err := e.run(procDir, okCodes, name, args...)
		if err != nil {
			return err
		}
		*into = append(*into, s)
		return nil
	}
	runs := o.runs
	if n >= 10000 {
		runs = o.largeRuns
		for range o.runs - runs { // the offline figures are cheap: as many runs as the others
			if err := e.offline(r, dir, syncd, repoDir); err != nil {
				return nil, err
			}
		}
	}
	for run := range runs {
		logf("%d tenants: run %d/%d: validate, render", n, run+1, runs)
		if err := e.offline(r, dir, syncd, repoDir); err != nil {
			return nil, err
		}
		logf("%d tenants: run %d/%d: syncd", n, run+1, runs)
		if err := clean(); err != nil {
			return nil, err
		}
		if err := measure(&r.Apply.Syncd, nil, syncd, "apply", "--dir", repoDir, "--auto-approve"); err != nil {
			return nil, err
		}
		if o.hold {
			hold(e, repoDir)
		}
		if err := measure(&r.Plan.Syncd, nil, syncd, "plan", "--dir", repoDir); err != nil {
			return nil, fmt.Errorf("no-op plan: %w", err) // exit 2 would mean changes planned
		}
		inc, err := e.incremental(syncd, repoDir, n/2, 1)
		if err != nil {
			return nil, err
		}
		r.Incremental.Syncd = append(r.Incremental.Syncd, inc...)
		if err := offboardFiles(repoDir, dir, true); err != nil {
			return nil, err
		}
		err = measure(&r.Offb.Syncd, nil, syncd, "apply", "--dir", repoDir, "--auto-approve", "--allow-deletes")
		if rerr := offboardFiles(repoDir, dir, false); err == nil {
			err = rerr
		}
		if err != nil {
			return nil, err
		}
		logf("%d tenants: run %d/%d: floor", n, run+1, runs)
		if err := clean(); err != nil {
			return nil, err
		}
		for _, step := range []struct {
			into *[]sample
			mode string
		}{{&r.Apply.Floor, "apply"}, {&r.Plan.Floor, "plan"}, {&r.Offb.Floor, "offboard"}} {
			if err := measure(step.into, nil, self, "floor", "-mode", step.mode, "-work", workFile); err != nil {
				return nil, err
			}
		}
		if run < o.procRuns && n <= o.procMax {
			logf("%d tenants: run %d/%d: today's procedure", n, run+1, runs)
			if err := clean(); err != nil {
				return nil, err
			}
			if err := measure(&r.Apply.Procedure, nil, "bash", filepath.Join(procDir, "onboard.sh")); err != nil {
				return nil, err
			}
			if err := measure(&r.Offb.Procedure, nil, "bash", filepath.Join(procDir, "offboard.sh")); err != nil {
				return nil, err
			}
		}
	}
	return r, clean()
}

// offboardFiles moves the files of the 10 % off-boarded tenants out of the
// repository (away) or back.
func offboardFiles(repoDir, dir string, away bool) error {
	aside := filepath.Join(dir, "offboarded")
	if err := os.MkdirAll(aside, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(repoDir, "tenants"))
	if away {
		if err != nil {
			return err
		}
		for _, ent := range entries {
			name := ent.Name()[:len(ent.Name())-len(".yaml")]
			if offboarded(name) {
				if err := os.Rename(filepath.Join(repoDir, "tenants", ent.Name()), filepath.Join(aside, ent.Name())); err != nil {
					return err
				}
			}
		}
		return nil
	}
	back, err := os.ReadDir(aside)
	if err != nil {
		return err
	}
	for _, ent := range back {
		if err := os.Rename(filepath.Join(aside, ent.Name()), filepath.Join(repoDir, "tenants", ent.Name())); err != nil {
			return err
		}
	}
	return nil
}

// offline measures the PR check's commands, which need no bed.
func (e env) offline(r *result, dir, syncd, repoDir string) error {
	for _, c := range []struct {
		into *[]sample
		args []string
	}{{&r.Validate, []string{"validate", "--dir", repoDir}}, {&r.Render, []string{"render", "--dir", repoDir, "-o", "yaml"}}} {
		s, _, err := e.run(dir, nil, syncd, c.args...)
		if err != nil {
			return err
		}
		*c.into = append(*c.into, s)
	}
	return nil
}

// offlineSize measures validate and render alone at n tenants: the
// 10,000-tenant PR check is measured by default, without wiring 10,000
// tenants into the bed.
func offlineSize(e env, root, syncd string, n int, o options) (*result, error) {
	dir := filepath.Join(o.work, fmt.Sprintf("n%d-offline", n))
	repoDir := filepath.Join(dir, "repo")
	cfg, err := benchConfig(root, "http://127.0.0.1:8200")
	if err != nil {
		return nil, err
	}
	if err := generate(repoDir, n, cfg); err != nil {
		return nil, err
	}
	r := &result{N: n}
	for run := range o.runs {
		logf("%d tenants: run %d/%d: validate, render (offline only)", n, run+1, o.runs)
		if err := e.offline(r, dir, syncd, repoDir); err != nil {
			return nil, err
		}
	}
	return r, os.RemoveAll(dir)
}
