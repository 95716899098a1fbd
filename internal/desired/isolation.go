package desired

import (
	"encoding/json"
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
	// Each tenant's proof is independent of the others': on every core,
	// the errors collected in tenant order.
	objects := s.ByTenant()
	proofs := make([][]error, len(s.Tenants))
	par.Each(len(s.Tenants), func(i int) { proofs[i] = checkTenant(cfg, s.Tenants[i], objects[s.Tenants[i].Name]) })
	return verdict(cfg, s.Tenants, proofs)
}

// verdict joins the tenants' own proofs (proofs[i] is tenants[i]'s) after
// the one check across tenants: that no two share a namespace.
func verdict(cfg *config.Config, tenants []Tenant, proofs [][]error) error {
	var errs []error
	namespaces := make(map[string]string, len(tenants))
	for _, t := range tenants {
		if prev, ok := namespaces[t.Namespace]; ok {
			errs = append(errs, &IsolationError{ID: NewIDs(cfg).Namespace(t.Namespace), Tenant: t.Name, Err: fmt.Errorf("namespace shared with tenant %s", prev)})
		}
		namespaces[t.Namespace] = t.Name
	}
	for _, e := range proofs {
		errs = append(errs, e...)
	}
	return errors.Join(errs...)
}

// checkTenant proves one tenant's objects stay inside the tenant.
func checkTenant(cfg *config.Config, t Tenant, objects []*Object) []error {
	var errs []error
	fail := func(id object.ID, tenant string, format string, args ...any) {
		errs = append(errs, &IsolationError{ID: id, Tenant: tenant, Err: fmt.Errorf(format, args...)})
	}
	var dbRoles []string
	for _, o := range objects {
		if o.ID.Kind == object.DatabaseRole {
			dbRoles = append(dbRoles, o.Spec.(*DatabaseRoleSpec).Name)
		}
	}
	areas := Areas(cfg, t, dbRoles)
	for _, o := range objects {
		id := o.ID
		switch spec := o.Spec.(type) {
		case *PolicySpec:
			text := spec.textBytes()
			p, ok := policy.ParseRendered(text)
			var err error
			if !ok { // not in Render's own layout: hclsyntax decides
				p, err = policy.Parse(text, id.Name+".hcl")
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
			if id.Kind != object.SecretStore && id.Kind != object.VaultDynamicSecret {
				continue // only stores and generators log in; an ExternalSecret names its namespace's store
			}
			login, ok, err := spec.Login() // from the bytes that will be applied
			switch {
			case err != nil:
				fail(id, t.Name, "%w", err)
			case !ok:
				fail(id, t.Name, "has no Kubernetes auth role to log in to Vault with")
			case login.Role != cfg.AuthRoleName(t.Name):
				fail(id, t.Name, "logs in to Vault as role %q, not the tenant's %q", login.Role, cfg.AuthRoleName(t.Name))
			case cfg.Auth.Audience != "" && !slices.Contains(login.Audiences, cfg.Auth.Audience):
				fail(id, t.Name, "requests service account tokens for audiences %v, but the auth role requires %q: every login would be refused", login.Audiences, cfg.Auth.Audience)
			}
		}
	}
	return errs
}

// Login is how an ESO object logs in to Vault: the Kubernetes auth role,
// and the service account (with the audiences) ESO requests a token for.
type Login struct {
	Role           string
	ServiceAccount string
	Audiences      []string
}

// loginView is the part of a SecretStore (spec.provider.vault.auth) or a
// Vault generator (spec.provider.auth) that says how it logs in.
type loginView struct {
	Spec struct {
		Provider struct {
			Vault *loginAuth `json:"vault"`
			loginAuth
		} `json:"provider"`
	} `json:"spec"`
}

type loginAuth struct {
	Auth struct {
		Kubernetes *struct {
			Role              *string `json:"role"`
			ServiceAccountRef struct {
				Audiences []string `json:"audiences"`
				Name      string   `json:"name"`
			} `json:"serviceAccountRef"`
		} `json:"kubernetes"`
	} `json:"auth"`
}

// Login reads how the object logs in to Vault; ok is false when it has no
// Kubernetes auth role (an ExternalSecret, a namespace). A manifest syncd
// builds answers from its typed value, whose encoding is what is applied
// (TestTypedLoginIsTheEncodedOne holds every builder to that); one read
// back, from its JSON. Encoding every store and generator of 10,000
// tenants to read it back was a sixth of render's time.
func (m *ManifestSpec) Login() (l Login, ok bool, err error) {
	if m.build != nil {
		if v, typed := m.build().(loginer); typed {
			l, ok = v.login()
			return l, ok, nil
		}
		return Login{}, false, nil
	}
	var v loginView
	if err := json.Unmarshal(m.raw, &v); err != nil {
		return Login{}, false, fmt.Errorf("reading the login: %w", err)
	}
	a := &v.Spec.Provider.loginAuth
	if v.Spec.Provider.Vault != nil {
		a = v.Spec.Provider.Vault
	}
	k := a.Auth.Kubernetes
	if k == nil || k.Role == nil {
		return Login{}, false, nil
	}
	return Login{Role: *k.Role, ServiceAccount: k.ServiceAccountRef.Name, Audiences: k.ServiceAccountRef.Audiences}, true, nil
}
