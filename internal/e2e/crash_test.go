package e2e_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// syncdBinary builds syncd once per test binary, to run as a subprocess.
func syncdBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		root, err := testbed.RepoRoot()
		if err != nil {
			binErr = err
			return
		}
		dir, err := os.MkdirTemp("", "syncd-e2e-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "syncd")
		out, err := exec.Command("go", "build", "-tags", "devhooks", "-o", binPath, filepath.Join(root, "cmd", "syncd")).CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// applyProcess runs `syncd apply` as a subprocess, killed with SIGKILL after
// killAfter changes (0: never). It returns the result when the process
// finished, and whether it was killed.
// testLeaseTTL is the writer lease of the applies run as processes: a
// killed one holds its tenants this long.
const testLeaseTTL = time.Second

func applyProcess(t *testing.T, r *repo, killAfter int) (*apply.Result, bool) {
	t.Helper()
	cmd := exec.Command(syncdBinary(t), "apply", "--dir", r.dir, "--auto-approve", "--parallelism", "1", "-o", "json",
		"--allow-deletes", "--kubeconfig", kubeconfig(t, ""))
	cmd.Env = append(os.Environ(), "VAULT_ADDR="+bed.VaultAddr, "VAULT_TOKEN="+bed.VaultToken,
		fmt.Sprintf("SYNCD_TEST_KILL_AFTER_CHANGES=%d", killAfter), "SYNCD_TEST_LEASE_TTL="+testLeaseTTL.String())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
		time.Sleep(testLeaseTTL + 200*time.Millisecond) // the killed writer's lease expires; until then its tenants are refused
		return nil, true
	}
	var res apply.Result
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil {
		t.Fatalf("apply (exit %v): %v\n%s\n%s", err, jerr, out.String(), errb.String())
	}
	if err != nil && res.OK() {
		// every change applied, yet a failure: the plan had errors (an
		// object "not owned", say)
		t.Errorf("apply exited %v with every change applied:\n%s", err, errb.String())
	}
	return &res, false
}

// TestCrashAtEveryStep kills syncd after each step of an onboarding and of
// an off-boarding in turn. The next run resumes at the right step: it applies
// exactly the steps the killed run did not, so nothing runs twice; the
// inventory then matches the live systems exactly, nothing pending, nothing
// orphaned, and a plan shows no changes.
func TestCrashAtEveryStep(t *testing.T) {
	testbed.Require(t, bed)
	tenants := map[string]string{
		"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n" +
			"  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n",
		"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n",
	}
	const onboardSteps, offboardSteps = 11, 8
	for _, phase := range []struct {
		name  string
		steps int
		setup func(t *testing.T, r *repo) // before the apply that is killed
	}{
		{"onboarding", onboardSteps, func(t *testing.T, r *repo) {}},
		{"off-boarding", offboardSteps, func(t *testing.T, r *repo) {
			if res, _ := applyProcess(t, r, 0); !res.OK() {
				t.Fatalf("onboarding: %+v", res.Summary)
			}
			r.writeTenant(t, "shop", "")
		}},
	} {
		for n := 1; n < phase.steps; n++ {
			t.Run(fmt.Sprintf("%s killed after step %d", phase.name, n), func(t *testing.T) {
				prefix := fmt.Sprintf("e2e-crash-%s%d", phase.name[:3], n)
				r := newRepoWith(t, prefix, fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\n", bed.VaultAddr), tenants)
				r.cfg.Guard.MaxDeletePercent = 100
				for tn := range tenants {
					namespace(t, prefix+"-"+tn, "eso", tn)
				}
				phase.setup(t, r)
				_, before := planJSON(t, r) // with --parallelism 1, applied in this order
				var order []diff.Change
				for _, c := range before.Changes {
					if c.Action != diff.NoOp {
						order = append(order, c)
					}
				}
				if len(order) != phase.steps {
					t.Fatalf("%d steps planned, want %d", len(order), phase.steps)
				}
				if _, killed := applyProcess(t, r, n); !killed {
					t.Fatalf("the apply was not killed after step %d", n)
				}
				res, killed := applyProcess(t, r, 0)
				if killed || !res.OK() {
					t.Fatalf("resumed run: %+v, errors %v", res.Summary, res.Errors)
				}
				// The resumed run writes exactly the steps the killed run did
				// not make, and records the ones it made but could not record.
				done := map[object.ID]diff.Action{}
				for _, c := range order[:n] {
					done[c.ID] = c.Action
				}
				wrote, recorded := map[object.ID]bool{}, 0
				for _, c := range res.Changes {
					switch c.Action {
					case diff.Confirm, diff.Forget:
						recorded++
						if a, ok := done[c.ID]; !ok || (a != diff.Create && a != diff.Delete) {
							t.Errorf("recorded %s %s, which the killed run did not write", c.Action, c.ID)
						}
					default:
						wrote[c.ID] = true
					}
				}
				for _, c := range order {
					_, wasDone := done[c.ID]
					// A revocation runs again until it is recorded: the record
					// keeps its role until then (idempotent).
					again := c.Action == diff.RevokeLeases
					if wasDone && wrote[c.ID] && !again {
						t.Errorf("%s %s ran twice", c.Action, c.ID)
					}
					if !wasDone && !wrote[c.ID] {
						t.Errorf("%s %s never ran", c.Action, c.ID)
					}
				}
				creates, deletes := 0, 0
				for _, a := range done {
					switch a {
					case diff.Create:
						creates++
					case diff.Delete:
						deletes++
					}
				}
				if recorded != creates+deletes {
					t.Errorf("%d objects recorded by the resumed run, want %d (written but not recorded by the killed run)", recorded, creates+deletes)
				}
				var removed []removedTenant
				if phase.name == "off-boarding" {
					removed = []removedTenant{{name: "shop"}}
				}
				checkInvariants(t, r, removed)
			})
		}
	}
}

// matchesLive checks the inventory against the live systems: nothing
// pending, every recorded object live, every desired object recorded.
func matchesLive(t *testing.T, r *repo, inv *inventory.Inventory) {
	t.Helper()
	st := r.state(t)
	want := st.IDs()
	for name, rec := range inv.Tenants {
		if len(rec.Pending) > 0 {
			t.Errorf("tenant %s has pending objects %v", name, rec.Pending)
		}
		for _, id := range rec.Objects {
			if !want.Has(id) {
				t.Errorf("tenant %s records %s, which is not desired (orphaned or stale)", name, id)
			}
		}
	}
	owned := inv.Owned()
	for _, o := range st.Objects {
		if !owned.Has(o.ID) {
			t.Errorf("%s is desired but not recorded", o.ID)
		}
	}
}

// TestTwoInstancesDoNotDoubleRun starts two applies of the same tenants at
// once. Each tenant's first inventory write is checked-and-set against the
// record version its plan read, so for each tenant one instance applies and
// the other skips: across both, every step is written exactly once.
func TestTwoInstancesDoNotDoubleRun(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-twice", map[string]string{
		"shop": "  secrets:\n    - {name: stripe, path: payments/stripe, keys: [api_key]}\n",
		"blog": "  secrets:\n    - {name: smtp, path: mail/smtp, keys: [password]}\n",
	})
	for _, tn := range []string{"shop", "blog"} {
		namespace(t, "e2e-twice-"+tn, "eso", tn)
	}
	results := make([]*apply.Result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = applyProcess(t, r, 0)
		}()
	}
	wg.Wait()
	written := map[object.ID]int{}
	for _, res := range results {
		if res == nil {
			t.Fatal("an apply did not report")
		}
		for _, c := range res.Changes {
			if c.Status == apply.Applied && c.Action != diff.Confirm && c.Action != diff.Forget {
				written[c.ID]++
			}
		}
	}
	if len(written) != 8 {
		t.Errorf("%d objects written, want 8", len(written))
	}
	for id, n := range written {
		if n != 1 {
			t.Errorf("%s written %d times", id, n)
		}
	}
	if code, _, _ := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after both: exit %d", code)
	}
}

// TestReleaseBuildHasNoTestHooks: the binary built as released (no
// devhooks tag) neither kills itself for the crash tests' variable nor
// writes a profile to the path a variable names.
func TestReleaseBuildHasNoTestHooks(t *testing.T) {
	testbed.Require(t, bed)
	root, err := testbed.RepoRoot()
	must(t, err)
	bin := filepath.Join(t.TempDir(), "syncd")
	if out, err := exec.Command("go", "build", "-trimpath", "-o", bin, filepath.Join(root, "cmd", "syncd")).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	r := newRepo(t, "e2e-rel", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-rel-solo", "eso", "solo")
	profile := filepath.Join(t.TempDir(), "cpu.out")
	cmd := exec.Command(bin, "apply", "--dir", r.dir, "--auto-approve", "--parallelism", "1", "--kubeconfig", kubeconfig(t, ""))
	cmd.Env = append(os.Environ(), "VAULT_ADDR="+bed.VaultAddr, "VAULT_TOKEN="+bed.VaultToken,
		"SYNCD_TEST_KILL_AFTER_CHANGES=1", "SYNCD_CPUPROFILE="+profile, "SYNCD_TRACE="+profile)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "4 applied, 0 failed") {
		t.Fatalf("release apply with the hooks' variables: %v\n%s", err, out)
	}
	if _, err := os.Stat(profile); !os.IsNotExist(err) {
		t.Errorf("the release build wrote %s: %v", profile, err)
	}
}
