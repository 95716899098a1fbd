package desired

import (
	"fmt"
	"unique"

	"github.com/syncd-dev/syncd/internal/tenant"
)

func (b *builder) authRole(t *tenant.Tenant, tn *tenantNames) *AuthRoleSpec {
	r := &AuthRoleSpec{
		Name:                          tn.authRole,
		BoundServiceAccountNames:      []string{tn.serviceAccount},
		BoundServiceAccountNamespaces: []string{tn.namespace},
		TokenPolicies:                 []string{tn.policy},
		TokenTTL:                      b.cfg.Auth.TTL,
		TokenMaxTTL:                   b.cfg.Auth.MaxTTL,
		Audience:                      b.cfg.Auth.Audience,
		TokenType:                     DefaultTokenType,
		AliasNameSource:               DefaultAliasNameSource,
	}
	if t.Spec.Auth.TTL != 0 {
		r.TokenTTL = t.Spec.Auth.TTL
	}
	if t.Spec.Auth.MaxTTL != 0 {
		r.TokenMaxTTL = t.Spec.Auth.MaxTTL
	}
	return r
}

func (b *builder) databaseRole(tn *tenantNames, d *tenant.Database) (*DatabaseRoleSpec, error) {
	conn := b.cfg.Databases[d.Connection]
	priv := conn.Privileges[d.Privilege]
	name := b.cfg.DatabaseRoleName(tn.name, d.Name)
	r := &DatabaseRoleSpec{
		Name: name, DBName: d.Connection, Privilege: d.Privilege,
		DefaultTTL: conn.DefaultTTL, MaxTTL: conn.MaxTTL, CredentialType: DefaultCredentialType,
	}
	if d.DefaultTTL != 0 {
		r.DefaultTTL = d.DefaultTTL
	}
	if d.MaxTTL != 0 {
		r.MaxTTL = d.MaxTTL
	}
	var err error
	expand := func(stmts []string) []string {
		if err != nil || len(stmts) == 0 {
			return nil
		}
		var out []string
		out, err = b.cfg.Statements(d.Connection, stmts, tn.name, d.Name, name)
		return SharedStatements(out)
	}
	r.CreationStatements = expand(priv.CreationStatements)
	r.RevocationStatements = expand(priv.RevocationStatements)
	r.RenewStatements = expand(priv.RenewStatements)
	if err != nil {
		return nil, fmt.Errorf("database %s: statements: %w", d.Name, err)
	}
	return r, nil
}

// SharedStatements replaces each statement by the one copy of it the
// process holds, in place, and returns stmts: most statements do not name
// the tenant (the role is {{name}}, Vault's), so 10,000 roles, desired or
// read back, share a few dozen strings.
func SharedStatements(stmts []string) []string {
	for i, s := range stmts {
		stmts[i] = unique.Make(s).Value()
	}
	return stmts
}
