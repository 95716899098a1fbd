package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/daemon"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestTwoDaemonsOneWriter: two daemons against one API server; only the one
// holding the Lease reconciles. Killing it hands the lease to the other,
// which converges what was committed meanwhile.
func TestTwoDaemonsOneWriter(t *testing.T) {
	testbed.Require(t, bed)
	r := newRepo(t, "e2e-ha", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	for _, n := range []string{"shop", "blog"} {
		namespace(t, "e2e-ha-"+n, "eso", n)
	}
	namespace(t, "e2e-ha-system", "syncd", "")
	g := newGitRepo(t, r)
	type replica struct {
		d      *daemon.Daemon
		cancel context.CancelFunc
		done   chan struct{}
	}
	start := func(id string) *replica {
		d := daemonFor(t, g, daemon.Heal)
		ctx, cancel := context.WithCancel(context.Background())
		rp := &replica{d: d, cancel: cancel, done: make(chan struct{})}
		go func() {
			d.RunElected(ctx, daemon.Election{Client: bed.Kube, Namespace: "e2e-ha-system", Name: "syncd", Identity: id,
				LeaseDuration: 2 * time.Second, RenewDeadline: 1500 * time.Millisecond, RetryPeriod: 250 * time.Millisecond})
			close(rp.done)
		}()
		t.Cleanup(func() { cancel(); <-rp.done })
		return rp
	}
	a, b := start("replica-a"), start("replica-b")
	var leader, standby *replica
	eventually(t, "a leader", 30*time.Second, func() (bool, string) {
		switch {
		case a.d.Status().Leader && !b.d.Status().Leader:
			leader, standby = a, b
		case b.d.Status().Leader && !a.d.Status().Leader:
			leader, standby = b, a
		}
		return leader != nil, "no single leader yet"
	})
	eventually(t, "the leader's first reconcile", 30*time.Second, func() (bool, string) {
		return policyOf("e2e-ha-app-shop") != "", "no policy yet"
	})
	if !standby.d.Status().LastRun.IsZero() {
		t.Fatalf("the standby reconciled too: %+v", standby.d.Status())
	}
	leader.cancel() // the leader dies
	<-leader.done
	r.writeTenant(t, "blog", "  secrets:\n    - {name: m, path: mail, keys: [k]}\n")
	g.commit()
	eventually(t, "the standby taking over and converging", 30*time.Second, func() (bool, string) {
		return standby.d.Status().Leader && policyOf("e2e-ha-app-blog") != "", "not yet"
	})
}
