package tenant

import (
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// crossCheck finds files that claim one tenant name, in one pass over the
// files. Every file involved gets an error: which claim is right cannot be
// known. Conflicts between the objects tenants derive (namespaces, roles,
// policies, ESO objects) are found by the desired state's claim index.
func crossCheck(all []*Tenant) map[*Tenant]strictyaml.Errors {
	byName := map[string][]*Tenant{}
	for _, t := range all {
		byName[t.Metadata.Name] = append(byName[t.Metadata.Name], t)
	}
	errs := map[*Tenant]strictyaml.Errors{}
	for _, ts := range byName {
		if len(ts) < 2 {
			continue
		}
		for _, t := range ts {
			for _, o := range ts {
				if o != t {
					errs[t] = append(errs[t], t.Pos.Errorf("metadata.name", "tenant %q is also defined in %s", t.Metadata.Name, o.Pos.Of("metadata.name")))
				}
			}
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

// NamespaceField is the field a tenant's namespace comes from, for errors.
func NamespaceField(t *Tenant) string { return nsField(t) }

func nsField(t *Tenant) string {
	if t.Spec.Namespace != "" {
		return "spec.namespace"
	}
	return "metadata.name"
}
