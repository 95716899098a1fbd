package testbed

import (
	"context"
	"fmt"
	"time"
)

// startESO runs the External Secrets Operator controller against the bed's
// API server, as in a cluster but from outside it: KUBECONFIG in its
// environment (it has no --kubeconfig flag), leader election off, metrics on
// a loopback port (its readiness signal), no webhook. Vault's Kubernetes auth
// reviews the tokens it requests against the same API server, so its stores
// log in exactly as in a cluster.
func startESO(ctx context.Context, bin, kubeconfig string, o procOpts) (*proc, error) {
	ports, err := freePorts(1, false)
	if err != nil {
		return nil, err
	}
	o.env = append(o.env, "KUBECONFIG="+kubeconfig)
	metrics := fmt.Sprintf("127.0.0.1:%d", ports[0])
	p, err := start("eso-controller", bin, []string{
		"--metrics-addr=" + metrics,
		"--enable-leader-election=false",
		"--concurrent=4",
		"--loglevel=info",
		"--zap-time-encoding=iso8601",
		// only what syncd renders: namespaced stores and ExternalSecrets
		"--enable-cluster-store-reconciler=false",
		"--enable-cluster-external-secret-reconciler=false",
		"--enable-push-secret-reconciler=false",
		"--enable-cluster-push-secret-reconciler=false",
	}, o)
	if err != nil {
		return nil, err
	}
	err = p.waitReady(ctx, 2*time.Minute, func(ctx context.Context) error { return httpOK(ctx, "http://"+metrics+"/metrics") })
	return p, err
}
