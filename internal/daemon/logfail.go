package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
)

// Failure logging: every failed reconcile, planning problem and failed
// change is logged at ERROR with the tenant and object it concerns and its
// root cause. A failure that repeats unchanged is logged again only every
// repeatEvery, with the count of the lines held back, so a Vault outage
// writes one line per failure every few minutes, not one per retry.
const (
	repeatEvery = 5 * time.Minute
	// perCycle bounds the lines one reconcile writes about its changes
	// and problems: past it, one line counts the rest (all are in /status).
	perCycle = 20
)

// limiter remembers when each failure was last logged.
type limiter struct {
	mu   sync.Mutex
	seen map[string]*logged
}

type logged struct {
	at   time.Time
	held int // repeats not logged since at
}

// allow reports whether the failure keyed key is logged now, and how many
// repeats of it were held back since it last was.
func (l *limiter) allow(key string, now time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]*logged{}
	}
	if e, ok := l.seen[key]; ok && now.Sub(e.at) < repeatEvery {
		e.held++
		return false, 0
	}
	held := 0
	if e, ok := l.seen[key]; ok {
		held = e.held
	}
	l.seen[key] = &logged{at: now}
	if len(l.seen) > 4096 { // failures that stopped: forget them
		for k, e := range l.seen {
			if now.Sub(e.at) >= repeatEvery {
				delete(l.seen, k)
			}
		}
	}
	return true, held
}

// logError logs msg at ERROR unless the same failure (the object it
// concerns and the error, whichever step found it) was logged within
// repeatEvery.
func (d *Daemon) logError(msg, object string, err error, attrs ...any) {
	cause := rootCause(err)
	ok, held := d.limit.allow(object+"\x00"+err.Error(), time.Now())
	if !ok {
		return
	}
	attrs = append(attrs, "error", err.Error())
	if cause != err.Error() {
		attrs = append(attrs, "cause", cause)
	}
	if held > 0 {
		attrs = append(attrs, "repeated", held)
	}
	d.cfg.Log.Error(msg, attrs...)
}

// rootCause is the innermost error of err's chain (the first of a join).
func rootCause(err error) string {
	for {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		case interface{ Unwrap() []error }:
			if errs := u.Unwrap(); len(errs) > 0 {
				next = errs[0]
			}
		}
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// logOutcome logs what failed in one reconcile: its error, each planning
// problem and each change that failed or was skipped, at most perCycle
// lines of the last two.
func (d *Daemon) logOutcome(out Outcome) {
	if out.Err != nil {
		d.logError("reconcile failed", "", out.Err, "revision", out.Revision)
	}
	lines, more := 0, 0
	line := func(msg, tenant, object string, err error, attrs ...any) {
		if lines >= perCycle {
			more++
			return
		}
		lines++
		d.logError(msg, tenant+"\x00"+object, err, append([]any{"tenant", tenant, "object", object}, attrs...)...)
	}
	if out.Plan != nil {
		for _, p := range out.Plan.Errors {
			line("planning failed", p.Tenant, idOrNone(p), errors.New(p.Message), "revision", out.Revision)
		}
	}
	if out.Result != nil {
		for _, c := range out.Result.Changes {
			switch c.Status {
			case apply.Failed:
				line("change failed", c.Tenant, c.ID.Short(), errors.New(c.Error), "action", c.Action, "attempts", c.Attempts, "revision", out.Revision)
			case apply.Skipped:
				why := c.Error
				if c.Upstream != nil {
					why = "not applied: it depends on " + c.Upstream.Short() + ", which failed"
				}
				line("change not applied", c.Tenant, c.ID.Short(), errors.New(why), "action", c.Action, "revision", out.Revision)
			}
		}
		for _, e := range out.Result.Errors {
			d.logError("recording ownership failed; the tenants of this run are retried", "", errors.New(e), "revision", out.Revision)
		}
	}
	if more > 0 {
		d.cfg.Log.Error(fmt.Sprintf("%d more failures in this reconcile; /status lists each tenant's", more), "revision", out.Revision)
	}
}

func idOrNone(p diff.Problem) string {
	if p.ID.Name == "" {
		return ""
	}
	return p.ID.Short()
}

// discard is the logger of a daemon configured without one.
var discard = slog.New(slog.DiscardHandler)
