package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Settling: every measured step starts on a quiet machine. What one step
// leaves behind (ESO reconciling the ExternalSecrets just written or
// deleted, Vault revoking leases, etcd compacting) runs on the same two
// cores as the next step and would be charged to it (before this, three
// runs measured the same apply of 1,000 tenants at 40 s, 53 s and 65 s).
const (
	settleBusy  = 0.10 // quiet: below this share of all cores busy ...
	settleFor   = 2    // ... for this many one-second windows in a row
	settleLimit = 3 * time.Minute
)

// settle waits until the machine is quiet (or settleLimit passed, which it
// logs: the step is then measured on a busy machine) and returns how long
// it waited.
func settle() time.Duration {
	start := time.Now()
	quiet := 0
	prev, err := cpuTicks()
	if err != nil {
		logf("settle: %v (not waiting)", err)
		return 0
	}
	for quiet < settleFor {
		if time.Since(start) > settleLimit {
			logf("settle: still busy after %s; measuring anyway", settleLimit)
			break
		}
		time.Sleep(time.Second)
		cur, err := cpuTicks()
		if err != nil {
			logf("settle: %v (not waiting)", err)
			break
		}
		if share := cur.busyShare(prev); share < settleBusy {
			quiet++
		} else {
			quiet = 0
		}
		prev = cur
	}
	return time.Since(start)
}

// ticks are the machine's CPU time counters from /proc/stat.
type ticks struct{ busy, total uint64 }

func (t ticks) busyShare(before ticks) float64 {
	if t.total <= before.total {
		return 0
	}
	return float64(t.busy-before.busy) / float64(t.total-before.total)
}

func cpuTicks() (ticks, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return ticks{}, err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return ticks{}, fmt.Errorf("/proc/stat: %w", err)
	}
	return parseCPULine(line)
}

// parseCPULine reads /proc/stat's first line: "cpu user nice system idle
// iowait irq softirq steal ..."; idle and iowait are not busy.
func parseCPULine(line string) (ticks, error) {
	fields := strings.Fields(line)
	if len(fields) < 5 || fields[0] != "cpu" {
		return ticks{}, fmt.Errorf("/proc/stat: unexpected first line %q", line)
	}
	var t ticks
	for i, f := range fields[1:] {
		if i >= 8 { // guest time is already counted in user
			break
		}
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return ticks{}, fmt.Errorf("/proc/stat: field %d of %q: %w", i+1, line, err)
		}
		t.total += n
		if i != 3 && i != 4 {
			t.busy += n
		}
	}
	return t, nil
}
