package daemon

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// Election is a Kubernetes Lease that one replica holds at a time.
type Election struct {
	Client          kubernetes.Interface
	Namespace, Name string
	Identity        string // this replica, e.g. the pod name
	LeaseDuration   time.Duration
	RenewDeadline   time.Duration
	RetryPeriod     time.Duration
}

// RunElected runs the daemon only while this replica holds the lease; the
// others wait as hot standbys (serving health and status). Losing the lease
// cancels the reconcile loop at once: a reconcile in flight starts no new
// change. Then the replica stands for election again, until ctx ends.
func (d *Daemon) RunElected(ctx context.Context, e Election) {
	if e.LeaseDuration == 0 {
		e.LeaseDuration, e.RenewDeadline, e.RetryPeriod = 15*time.Second, 10*time.Second, 2*time.Second
	}
	lock := &resourcelock.LeaseLock{
		LeaseMeta:  metav1.ObjectMeta{Namespace: e.Namespace, Name: e.Name},
		Client:     e.Client.CoordinationV1(),
		LockConfig: resourcelock.ResourceLockConfig{Identity: e.Identity},
	}
	d.setLeader(false) // a standby until it holds the lease
	for ctx.Err() == nil {
		leaderelection.RunOrDie(ctx, leaderelection.LeaderElectionConfig{
			Lock: lock, ReleaseOnCancel: true, Name: e.Name,
			LeaseDuration: e.LeaseDuration, RenewDeadline: e.RenewDeadline, RetryPeriod: e.RetryPeriod,
			Callbacks: leaderelection.LeaderCallbacks{
				OnStartedLeading: func(lctx context.Context) {
					d.setLeader(true)
					d.cfg.Log.Info("leading: reconciling", "lease", e.Namespace+"/"+e.Name, "identity", e.Identity)
					d.Run(lctx)
				},
				OnStoppedLeading: func() {
					d.setLeader(false)
					d.cfg.Log.Info("not leading: writes stopped; standing by", "lease", e.Namespace+"/"+e.Name, "identity", e.Identity)
				},
			},
		})
	}
}

func (d *Daemon) setLeader(leading bool) {
	d.cfg.Metrics.Leader.Set(boolGauge(leading))
	d.mu.Lock()
	d.status.Leader, d.status.Standby = leading, !leading
	d.mu.Unlock()
}
