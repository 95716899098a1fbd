package daemon

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/syncd-dev/syncd/internal/reconcile"
)

var (
	eventsGVR     = schema.GroupVersionResource{Version: "v1", Resource: "events"}
	namespacesGVR = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
)

// emitEvents records a Warning Event in the namespace of each tenant whose
// reconcile failed, once per distinct error, so the tenant's team sees it
// with `kubectl get events` in their own namespace — only a namespace that
// is the tenant's (it carries the tenant label with the tenant's name, as
// the plan requires): a tenant file naming another team's namespace puts
// nothing there, Events included.
func (d *Daemon) emitEvents(ctx context.Context, c reconcile.Clients, repo *reconcile.Repo, failed map[string]string) {
	type where struct{ ns, sa string }
	tenants := map[string]where{}
	for _, t := range repo.State.Tenants {
		tenants[t.Name] = where{t.Namespace, t.ServiceAccount}
	}
	for tenant, msg := range failed {
		ns, sa := tenants[tenant].ns, tenants[tenant].sa
		d.mu.Lock()
		seen := d.lastEvent[tenant] == msg
		d.lastEvent[tenant] = msg
		d.mu.Unlock()
		if ns == "" || seen || c.Kube == nil {
			continue
		}
		if !d.tenantsNamespace(ctx, c, repo.Cfg.Kubernetes.TenantLabel, ns, tenant) {
			continue
		}
		if len(msg) > 1000 {
			msg = msg[:1000] + "…"
		}
		now := time.Now().UTC().Format(time.RFC3339)
		ev := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Event",
			"metadata": map[string]any{"generateName": "syncd-", "namespace": ns},
			// on the tenant's ESO service account: an Event must live in its
			// involved object's namespace
			"involvedObject": map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "name": sa, "namespace": ns},
			"reason":         "SyncFailed", "type": "Warning", "message": "syncd could not reconcile tenant " + tenant + ": " + msg,
			"source":         map[string]any{"component": "syncd"},
			"firstTimestamp": now, "lastTimestamp": now, "count": int64(1),
		}}
		if _, err := c.Kube.Resource(eventsGVR).Namespace(ns).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
			d.cfg.Log.Warn("recording a Kubernetes Event failed", "tenant", tenant, "namespace", ns, "error", err)
		}
	}
	d.mu.Lock()
	for tenant := range d.lastEvent {
		if _, still := failed[tenant]; !still {
			delete(d.lastEvent, tenant)
		}
	}
	d.mu.Unlock()
}

// tenantsNamespace reports whether ns carries label with tenant's name.
func (d *Daemon) tenantsNamespace(ctx context.Context, c reconcile.Clients, label, ns, tenant string) bool {
	u, err := c.Kube.Resource(namespacesGVR).Get(ctx, ns, metav1.GetOptions{})
	if err != nil {
		d.cfg.Log.Warn("no Event for the tenant: its namespace could not be read", "tenant", tenant, "namespace", ns, "error", err)
		return false
	}
	return u.GetLabels()[label] == tenant
}
