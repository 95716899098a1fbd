package memlimit

import (
	"math"
	"runtime/debug"
	"testing"

	automemlimit "github.com/KimMachineGun/automemlimit/memlimit"
)

func TestSetGivesTheRuntimeAFraction(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore
	root := automemlimit.Limit(1000000000)               // what a cgroup's memory.max says

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	if got := Set(root); got != 800000000 || debug.SetMemoryLimit(-1) != 800000000 {
		t.Errorf("Set = %d, runtime limit %d; want 800000000", got, debug.SetMemoryLimit(-1))
	}
	if got := Current(); got != "762MiB" {
		t.Errorf("Current = %q, want 762MiB", got)
	}

	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(math.MaxInt64)
	if got := Set(root); got != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set: Set = %d, runtime limit %d; want it left alone", got, debug.SetMemoryLimit(-1))
	}

	t.Setenv("GOMEMLIMIT", "")
	if got := Set(noLimit); got != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("without a limit: Set = %d; want nothing changed", got)
	}
	if got := Current(); got != "none" {
		t.Errorf("Current = %q, want none", got)
	}
}

// noLimit is a container without a memory limit.
func noLimit() (uint64, error) { return 0, automemlimit.ErrNoLimit }

// Set collects at GCPercent unless GOGC is set: then the runtime's own
// reading of it stands.
func TestSetCollectsAtGCPercentUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100)) // restore
	t.Setenv("GOGC", "")
	debug.SetGCPercent(100)
	Set(noLimit)
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GC percent = %d, want %d", got, GCPercent)
	}
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77) // as the runtime read it at start
	Set(noLimit)
	if got := debug.SetGCPercent(100); got != 77 {
		t.Errorf("with GOGC=77: GC percent = %d, want it left alone", got)
	}
}

func TestOfflineCollectsAtItsPercentUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100)) // restore
	t.Setenv("GOGC", "")
	debug.SetGCPercent(GCPercent) // as Set left it
	Offline()
	if got := debug.SetGCPercent(GCPercent); got != OfflinePercent {
		t.Errorf("GC percent = %d, want %d", got, OfflinePercent)
	}
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77)
	Offline()
	if got := debug.SetGCPercent(100); got != 77 {
		t.Errorf("with GOGC=77: GC percent = %d, want it left alone", got)
	}
}
