// Package memlimit sets the Go runtime's memory policy: a soft memory
// limit from the container's (a fraction of the cgroup's memory limit,
// unless GOMEMLIMIT is set), and a collection once the heap has grown by
// half of what is live (GCPercent, unless GOGC is set). Without a limit a
// daemon under one is killed rather than collecting harder. It has one job
// and no other package's types.
package memlimit

import (
	"math"
	"os"
	"runtime/debug"
	"strconv"

	automemlimit "github.com/KimMachineGun/automemlimit/memlimit"
)

// Fraction of the container's limit given to the runtime: the rest is for
// what the soft limit does not bound (the binary, stacks, memory the
// runtime has not yet returned). The figures behind it: docs/performance.md.
const Fraction = 0.8

// GCPercent is the runtime's GOGC unless the environment sets one. syncd
// holds one large structure for a whole run (the desired state) and makes
// garbage reading the live state around it: a collection when the heap has
// grown by half of what is live, not all of it, trades CPU (the wall time
// is Vault's) for peak memory (docs/performance.md).
const GCPercent = 50

// Set sets the GC percent to GCPercent unless GOGC is set, and gives the
// runtime Fraction of the memory limit container reports (automemlimit's
// FromCgroup in production) as its soft limit and returns it, unless
// GOMEMLIMIT is set (the runtime has read it) or there is no limit: then
// it returns 0 and leaves the limit alone.
func Set(container automemlimit.Provider) int64 {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	soft, err := automemlimit.Set(automemlimit.WithRatio(Fraction), automemlimit.WithProvider(container))
	if err != nil || soft == math.MaxInt64 {
		return 0
	}
	return soft
}

// OfflinePercent is the GC percent of a command that only reads files and
// writes its answer (validate, render): its CPU is its wall time (the PR
// check waits for it) and it ends within a second, so it keeps Go's
// default (figures in docs/performance.md).
const OfflinePercent = 100

// Offline sets the GC percent to OfflinePercent unless GOGC is set.
func Offline() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(OfflinePercent)
	}
}

// Current describes the runtime's soft memory limit for a log line:
// "230MiB", or "none".
func Current() string {
	if n := debug.SetMemoryLimit(-1); n != math.MaxInt64 {
		return strconv.FormatInt(n>>20, 10) + "MiB"
	}
	return "none"
}
