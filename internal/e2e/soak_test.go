package e2e_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// Soak: rounds of onboarding 50 tenants and off-boarding 10, each apply
// SIGKILLed after a random number of changes and then re-run cleanly, with
// the shared invariant check after each phase. SYNCD_SOAK_SEED replays a
// run; SYNCD_SOAK_ROUNDS changes the number of rounds (20).
const (
	soakOnboard  = 50
	soakOffboard = 10
)

func TestSoakKilledAppliesConverge(t *testing.T) {
	testbed.Require(t, bed)
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("SYNCD_SOAK_SEED"), 10, 64); err == nil {
		seed = s
	}
	rounds := 20
	if n, err := strconv.Atoi(os.Getenv("SYNCD_SOAK_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d (SYNCD_SOAK_SEED replays it), %d rounds", seed, rounds)
	for round := range rounds {
		prefix := fmt.Sprintf("e2e-soak%02d", round)
		tenants := map[string]string{}
		for i := range soakOnboard {
			spec := "  secrets:\n    - {name: s, path: app/s, keys: [k]}\n"
			if i%5 == 0 { // one in five has a database: 10 per round
				spec += "  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n"
			}
			tenants[fmt.Sprintf("t%02d", i)] = spec
		}
		r := newRepoWith(t, prefix, fmt.Sprintf("vault:\n  address: %s\n  allowInsecureHTTP: true\n", bed.VaultAddr), tenants)
		for name := range tenants {
			namespace(t, prefix+"-"+name, "eso", name)
		}
		killed := func(phase string) int {
			t.Helper()
			_, p := planJSON(t, r, "--allow-deletes") // as applyProcess applies it
			steps := 0
			for _, c := range p.Changes {
				if c.Action != diff.NoOp {
					steps++
				}
			}
			at := 1 + rng.IntN(max(steps-1, 1))
			if _, wasKilled := applyProcess(t, r, at); !wasKilled {
				t.Fatalf("round %d, %s: the apply was not killed after change %d of %d", round, phase, at, steps)
			}
			if res, wasKilled := applyProcess(t, r, 0); wasKilled || !res.OK() {
				t.Fatalf("round %d, %s: the clean re-run: %+v %v", round, phase, res.Summary, res.Errors)
			}
			return at
		}

		onboardKill := killed("onboarding")
		checkInvariants(t, r, nil)

		var removed []removedTenant
		for i := range soakOffboard {
			name := fmt.Sprintf("t%02d", i*soakOnboard/soakOffboard+i%2) // half of them with a database
			gone := removedTenant{name: name}
			if d := secretData(t, prefix+"-"+name, "catalog-db-credentials"); d != nil {
				gone.user, gone.password = string(d["username"]), string(d["password"])
			}
			removed = append(removed, gone)
			r.writeTenant(t, name, "")
		}
		offboardKill := killed("off-boarding")
		checkInvariants(t, r, removed)
		t.Logf("round %d: onboarding of %d tenants killed after change %d, off-boarding of %d after change %d; invariants hold after each",
			round, soakOnboard, onboardKill, soakOffboard, offboardKill)
	}
}
