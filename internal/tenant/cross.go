package tenant

import (
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// crossCheck finds conflicts between t and the other tenants: two files that
// claim one tenant, and two tenants that would share a namespace (and so an
// identity, defeating isolation).
func crossCheck(t *Tenant, all []*Tenant, cfg *config.Config) strictyaml.Errors {
	var errs strictyaml.Errors
	ns := NamespaceOf(t, cfg)
	for _, o := range all {
		if o == t {
			continue
		}
		if o.Metadata.Name == t.Metadata.Name {
			errs = append(errs, t.Pos.Errorf("metadata.name", "tenant %q is also defined in %s", t.Metadata.Name, o.Pos.Of("metadata.name")))
			continue
		}
		if NamespaceOf(o, cfg) == ns {
			errs = append(errs, t.Pos.Errorf(nsField(t), "namespace %q is also used by tenant %q (%s)", ns, o.Metadata.Name, o.File))
		}
	}
	return errs
}

// NamespaceOf is the namespace a tenant's Kubernetes objects live in.
func NamespaceOf(t *Tenant, cfg *config.Config) string {
	if t.Spec.Namespace != "" {
		return t.Spec.Namespace
	}
	return cfg.Namespace(t.Metadata.Name)
}

func nsField(t *Tenant) string {
	if t.Spec.Namespace != "" {
		return "spec.namespace"
	}
	return "metadata.name"
}
