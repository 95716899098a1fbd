package config

import "strings"

// The methods below expand the name templates for one tenant. Validate has
// proved every template expands with these placeholders, so errors cannot occur
// for a validated config; an unvalidated one yields "" on error.

func (c *Config) expand(tmpl string, vars ...string) string {
	s, err := expand(tmpl, func(k string) (string, bool) {
		for i := 0; i+1 < len(vars); i += 2 {
			if vars[i] == k {
				return vars[i+1], true
			}
		}
		return "", false
	})
	if err != nil {
		return ""
	}
	return s
}

// PolicyName is the tenant's Vault ACL policy.
func (c *Config) PolicyName(tenant string) string {
	return c.expand(c.Names.Policy, "tenant", tenant)
}

// AuthRoleName is the tenant's Kubernetes auth role.
func (c *Config) AuthRoleName(tenant string) string {
	return c.expand(c.Names.AuthRole, "tenant", tenant)
}

// Namespace is the tenant's default namespace.
func (c *Config) Namespace(tenant string) string {
	return c.expand(c.Names.Namespace, "tenant", tenant)
}

// ServiceAccount is the default service account ESO uses in the namespace.
func (c *Config) ServiceAccount(tenant string) string {
	return c.expand(c.Names.ServiceAccount, "tenant", tenant)
}

// KVPrefix is the tenant's prefix inside the KV v2 mount, without slashes.
func (c *Config) KVPrefix(tenant string) string {
	return c.expand(c.Names.KVPrefix, "tenant", tenant)
}

// DatabaseRoleName is the tenant's role for one of its databases.
func (c *Config) DatabaseRoleName(tenant, db string) string {
	return c.expand(c.Names.DatabaseRole, "tenant", tenant, "db", db)
}

// SecretStoreName is the tenant's namespaced ESO SecretStore.
func (c *Config) SecretStoreName(tenant string) string {
	return c.expand(c.Names.SecretStore, "tenant", tenant)
}

// Statements expands a privilege's statements for one tenant database role,
// normalised as Vault stores them (see NormaliseStatements).
func (c *Config) Statements(conn string, stmts []string, tenant, db, role string) ([]string, error) {
	vars := map[string]string{"tenant": tenant, "db": db, "role": role, "connection": conn}
	for k, v := range c.Databases[conn].Vars {
		vars[k] = v
	}
	out := make([]string, 0, len(stmts))
	for _, s := range stmts {
		e, err := Expand(s, vars)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return NormaliseStatements(out), nil
}

// NormaliseStatements trims every statement and drops the empty ones, as
// Vault does when it stores a database role: a statement written as a YAML
// block scalar ("...;\n") must compare equal to what Vault returns. Element
// boundaries are kept: ["a\nb"] stays one statement.
func NormaliseStatements(stmts []string) []string {
	out := make([]string, 0, len(stmts))
	for _, s := range stmts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
