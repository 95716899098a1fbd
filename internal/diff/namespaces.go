package diff

import (
	"fmt"

	"github.com/syncd-dev/syncd/internal/object"
)

// checkNamespaces holds every Kubernetes object of a tenant whose namespace
// is not the tenant's: a namespace is the tenant's when syncd creates it
// (kubernetes.manageNamespaces: planned as a create, or owned in the
// inventory) or when it carries the tenant label (kubernetes.tenantLabel)
// with the tenant's name. Anything else — another team's namespace, a
// namespace nobody labelled, one that does not exist yet — gets one error on
// the namespace, and the tenant's objects in it are skipped: nothing of the
// tenant is written into a namespace that is not its own. Its Vault objects
// are planned as usual.
func (b *planner) checkNamespaces() {
	label := b.in.Config.Kubernetes.TenantLabel
	refused := map[string]bool{}
	for _, t := range b.in.Desired.Tenants {
		if !b.inScope(t.Name) {
			continue
		}
		id := b.ids.Namespace(t.Namespace)
		if _, bad := b.failed[id]; bad {
			continue // an error of its own already (two tenants, not owned)
		}
		if b.createdBySyncd(id) {
			continue
		}
		var why string
		got := b.in.Live.NamespaceTenants[t.Namespace]
		switch {
		case !b.in.Live.Looked.Has(id) && !b.in.Live.Has(id):
			continue // not read (a reader that does not look for namespaces)
		case !b.in.Live.Present.Has(id) && !b.in.Live.Has(id):
			why = fmt.Sprintf("does not exist: create it labelled %s=%s, or let syncd create it (kubernetes.manageNamespaces)", label, t.Name)
		case got == t.Name:
			continue
		case got == "":
			why = fmt.Sprintf("is not labelled %s=%s, so it is not tenant %s's: label it to give it to the tenant", label, t.Name, t.Name)
		default:
			why = fmt.Sprintf("is labelled %s=%s: it is not tenant %s's", label, got, t.Name)
		}
		b.fail(id, t.Name, "%s %s; nothing of the tenant is written there", id.Short(), why)
		refused[t.Namespace] = true
	}
	if len(refused) == 0 {
		return
	}
	for _, o := range b.in.Desired.Objects {
		if o.ID.System != object.Kubernetes || o.ID.Kind == object.Namespace || !refused[o.ID.Scope] || !b.inScope(o.Tenant) {
			continue
		}
		if _, bad := b.failed[o.ID]; !bad {
			b.skip(o.ID, o.Tenant, b.ids.Namespace(o.ID.Scope))
		}
	}
}

// createdBySyncd reports whether syncd creates the namespace id now or
// created it before (kubernetes.manageNamespaces): planned as a create, or
// owned (an update, a no-op, a confirmation). An adoption is not: the
// namespace was made by someone else and must carry the tenant label.
func (b *planner) createdBySyncd(id object.ID) bool {
	if _, desired := b.in.Desired.Index(id); !desired || !b.changes.has(id) {
		return false
	}
	switch b.changes.get(id).Action {
	case Create, Update, NoOp, Confirm:
		return true
	}
	return false
}
