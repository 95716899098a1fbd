package daemon

import (
	"fmt"
	"time"
)

// Probes, as a Kubernetes operator's are read:
//
//   - liveness (/healthz) fails only when the loop is wedged: for
//     StaleAfter no cycle started or finished and no request was made
//     (Config.Progress). A long reconcile that keeps making requests is
//     alive: restarting it would only start it over.
//   - readiness (/readyz) fails until the first cycle finished (the
//     daemon has loaded the source once and has a status to serve) and
//     whenever liveness fails. A reconcile that fails (Vault unreachable, a
//     broken tenant file) keeps the daemon ready: it still serves /status,
//     the metrics and the webhooks, and says what fails in its ERROR log,
//     /status and syncd_reconciles_total{outcome="error"}.
//
// A standby replica is live and ready while it waits for the lease.

// health is the probes' view of the loop (d.mu).
type health struct {
	beat     time.Time // a cycle started or finished, or a request was made
	progress int64     // Config.Progress when beat was last moved by it
	cycled   bool      // a cycle finished
	problem  string    // what the last probe reported ("": healthy)
}

// beat records that the loop moved (d.mu held).
func (d *Daemon) beat(now time.Time) { d.health.beat = now }

// probe returns why the daemon is not live (wedged) or not ready, "" for
// each that holds, and logs each change of the verdict.
func (d *Daemon) probe(now time.Time) (notLive, notReady string) {
	var progress int64
	if d.cfg.Progress != nil {
		progress = d.cfg.Progress() // outside d.mu: it may take its own locks
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	h := &d.health
	if progress != h.progress {
		h.progress, h.beat = progress, now
	}
	switch {
	case d.status.Standby:
	case now.Sub(h.beat) > d.cfg.StaleAfter:
		notLive = fmt.Sprintf("the loop is wedged: no cycle and no request for %s", now.Sub(h.beat).Round(time.Second))
		notReady = notLive
	case !h.cycled:
		notReady = "the first reconcile has not finished yet"
	}
	if notReady != h.problem {
		switch {
		case notLive != "":
			d.cfg.Log.Error("not live: "+notLive, "stale_after", d.cfg.StaleAfter)
		case notReady != "" && h.cycled:
			d.cfg.Log.Warn("not ready: " + notReady)
		case notReady == "" && h.problem != "":
			d.cfg.Log.Info("ready again", "was", h.problem)
		}
		h.problem = notReady
	}
	return notLive, notReady
}
