//go:build devhooks

package cli

import (
	"os"
	"strconv"
	"time"
)

// crashPoint is a fault-injection hook for the crash-safety tests, built
// only with -tags devhooks: with SYNCD_TEST_KILL_AFTER_CHANGES=N, apply
// kills its own process with SIGKILL as soon as the N-th change has ended,
// so the next run must resume from whatever the inventory and the live
// systems say. Unset, it does nothing.
func crashPoint() int {
	n, _ := strconv.Atoi(os.Getenv("SYNCD_TEST_KILL_AFTER_CHANGES"))
	return n
}

// leaseTTL shortens the writer lease for the crash tests
// (SYNCD_TEST_LEASE_TTL, a Go duration), so a run resumed after a kill
// waits a moment, not inventory.LeaseTTL. Unset: the default.
func leaseTTL() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("SYNCD_TEST_LEASE_TTL"))
	return d
}
