package desired

import (
	"errors"
	"fmt"
	"slices"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
	"github.com/syncd-dev/syncd/internal/policy"
)

// IsolationError is one way a tenant's objects could reach beyond the tenant.
type IsolationError struct {
	ID     object.ID
	Tenant string
	Err    error
}

func (e *IsolationError) Error() string {
	return fmt.Sprintf("isolation: tenant %s: %s: %v", e.Tenant, e.ID, e.Err)
}

func (e *IsolationError) Unwrap() error { return e.Err }

// Areas are the parts of Vault's path space a tenant owns: its KV prefix (data
// and metadata) and its own database roles' credential paths.
func Areas(cfg *config.Config, t Tenant, dbRoles []string) []policy.Area {
	m := cfg.Vault.Mounts
	areas := []policy.Area{
		{Path: fmt.Sprintf("%s/data/%s/", m.KV, t.KVPrefix)},
		{Path: fmt.Sprintf("%s/metadata/%s/", m.KV, t.KVPrefix)},
	}
	for _, r := range dbRoles {
		areas = append(areas, policy.Area{Path: fmt.Sprintf("%s/creds/%s", m.Database, r)})
	}
	return areas
}

// CheckIsolation proves, offline, that no tenant can read another's secrets:
// each policy, parsed back from its rendered HCL, grants only read access
// inside its tenant's areas; each auth role binds only its tenant's namespace
// and policy; each ESO object logs in with its own tenant's role; and no two
// tenants share a namespace.
func CheckIsolation(cfg *config.Config, s *State) error {
	var errs []error
	namespaces := map[string]string{}
	for _, t := range s.Tenants {
		if prev, ok := namespaces[t.Namespace]; ok {
			errs = append(errs, &IsolationError{ID: NewIDs(cfg).Namespace(t.Namespace), Tenant: t.Name, Err: fmt.Errorf("namespace shared with tenant %s", prev)})
		}
		namespaces[t.Namespace] = t.Name
	}
	// Each tenant's proof is independent of the others': on every core,
	// the errors collected in tenant order.
	perTenant := make([][]error, len(s.Tenants))
	par.Each(len(s.Tenants), func(i int) { perTenant[i] = checkTenant(cfg, s, s.Tenants[i]) })
	for _, e := range perTenant {
		errs = append(errs, e...)
	}
	return errors.Join(errs...)
}

// checkTenant proves one tenant's objects stay inside the tenant.
func checkTenant(cfg *config.Config, s *State, t Tenant) []error {
	var errs []error
	fail := func(id object.ID, tenant string, format string, args ...any) {
		errs = append(errs, &IsolationError{ID: id, Tenant: tenant, Err: fmt.Errorf(format, args...)})
	}
	var dbRoles []string
	for _, id := range t.Objects {
		if o, _ := s.Get(id); id.Kind == object.DatabaseRole {
			dbRoles = append(dbRoles, o.Spec.(*DatabaseRoleSpec).Name)
		}
	}
	areas := Areas(cfg, t, dbRoles)
	for _, id := range t.Objects {
		o, _ := s.Get(id)
		switch spec := o.Spec.(type) {
		case *PolicySpec:
			p, ok := policy.ParseRendered([]byte(spec.HCL))
			var err error
			if !ok { // not in Render's own layout: hclsyntax decides
				p, err = policy.Parse([]byte(spec.HCL), id.Name+".hcl")
			}
			if err != nil {
				fail(id, t.Name, "rendered HCL does not parse: %w", err)
			} else if err := policy.Confined(p, areas, policy.ReadOnly); err != nil {
				fail(id, t.Name, "%w", err)
			}
		case *AuthRoleSpec:
			if !slices.Equal(spec.BoundServiceAccountNamespaces, []string{t.Namespace}) {
				fail(id, t.Name, "binds namespaces %v, want only %s", spec.BoundServiceAccountNamespaces, t.Namespace)
			}
			if !slices.Equal(spec.TokenPolicies, []string{cfg.PolicyName(t.Name)}) {
				fail(id, t.Name, "grants policies %v, want only %s", spec.TokenPolicies, cfg.PolicyName(t.Name))
			}
		case *ManifestSpec:
			if id.Kind == object.Namespace {
				if id.Name != t.Namespace {
					fail(id, t.Name, "is namespace %s, not the tenant's %s", id.Name, t.Namespace)
				}
			} else if id.Scope != t.Namespace {
				fail(id, t.Name, "lives in namespace %s, not the tenant's %s", id.Scope, t.Namespace)
			}
			if role, ok := LoginRole(spec.Object); ok && role != cfg.AuthRoleName(t.Name) {
				fail(id, t.Name, "logs in to Vault as role %q, not the tenant's %q", role, cfg.AuthRoleName(t.Name))
			}
			if _, ok := LoginRole(spec.Object); ok && cfg.Auth.Audience != "" && !slices.Contains(LoginAudiences(spec.Object), cfg.Auth.Audience) {
				fail(id, t.Name, "requests service account tokens for audiences %v, but the auth role requires %q: every login would be refused", LoginAudiences(spec.Object), cfg.Auth.Audience)
			}
		}
	}
	return errs
}

// LoginRole finds the Kubernetes auth role an ESO object logs in with.
func LoginRole(obj map[string]any) (string, bool) {
	role, ok := kubernetesAuth(obj)["role"].(string)
	return role, ok
}

// LoginServiceAccount finds the service account an ESO object logs in as.
func LoginServiceAccount(obj map[string]any) (string, bool) {
	ref, _ := kubernetesAuth(obj)["serviceAccountRef"].(map[string]any)
	name, ok := ref["name"].(string)
	return name, ok
}

// LoginAudiences are the audiences ESO requests the service account token
// for when the object logs in.
func LoginAudiences(obj map[string]any) []string {
	ref, _ := kubernetesAuth(obj)["serviceAccountRef"].(map[string]any)
	var out []string
	switch auds := ref["audiences"].(type) {
	case []any:
		for _, a := range auds {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
	case []string:
		out = auds
	}
	return out
}

// kubernetesAuth is the Kubernetes auth block of a SecretStore or generator.
func kubernetesAuth(obj map[string]any) map[string]any {
	spec, _ := obj["spec"].(map[string]any)
	provider, _ := spec["provider"].(map[string]any)
	if v, ok := provider["vault"].(map[string]any); ok {
		provider = v
	}
	auth, _ := provider["auth"].(map[string]any)
	k, _ := auth["kubernetes"].(map[string]any)
	return k
}
