package vaultwrite

import (
	"context"
	"fmt"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
)

// put writes the desired object with every field syncd models, so fields
// set out of band go back to syncd's (the server's default where syncd sets
// none). Vault cannot clear a database role's credential_config, nor a field
// syncd does not know, by writing: such an update deletes the role first.
func (w Writer) put(ctx context.Context, c diff.Change) error {
	p := vaultread.Path(c.ID)
	data, err := Data(c.After)
	if err != nil {
		return err
	}
	if c.Action != diff.Create && needsReplace(c.Fields, data) {
		if err := w.delete(ctx, p); err != nil {
			return fmt.Errorf("replacing: %w", err)
		}
	}
	_, err = w.Logical.WriteWithContext(ctx, p, data)
	return err
}

// Data is the body Vault is written with for a desired object: every field
// syncd models.
func Data(spec desired.Spec) (map[string]any, error) {
	switch s := spec.(type) {
	case *desired.PolicySpec:
		return map[string]any{"policy": s.Text()}, nil
	case *desired.AuthRoleSpec:
		return authRoleData(s), nil
	case *desired.DatabaseRoleSpec:
		return databaseRoleData(s), nil
	}
	return nil, fmt.Errorf("no Vault form for %T", spec)
}

// needsReplace reports whether a drifted field cannot be reset by a write:
// one syncd does not write, or credential_config.
func needsReplace(fields []diff.Field, data map[string]any) bool {
	for _, f := range fields {
		if _, written := data[f.Path]; !written || f.Path == "credential_config" && f.After == "" {
			return true
		}
	}
	return false
}

func authRoleData(s *desired.AuthRoleSpec) map[string]any {
	d := map[string]any{
		"bound_service_account_names":              s.BoundServiceAccountNames,
		"bound_service_account_namespaces":         s.BoundServiceAccountNamespaces,
		"bound_service_account_namespace_selector": s.BoundServiceAccountNamespaceSelector,
		"token_policies":                           s.TokenPolicies,
		"token_ttl":                                s.TokenTTL.Seconds(),
		"token_max_ttl":                            s.TokenMaxTTL.Seconds(),
		"token_explicit_max_ttl":                   s.TokenExplicitMaxTTL.Seconds(),
		"token_period":                             s.TokenPeriod.Seconds(),
		"token_num_uses":                           s.TokenNumUses,
		"token_no_default_policy":                  s.TokenNoDefaultPolicy,
		"token_bound_cidrs":                        nonNil(s.TokenBoundCIDRs),
		"token_type":                               s.TokenType,
		"alias_name_source":                        s.AliasNameSource,
		"audience":                                 s.Audience,
	}
	return d
}

func databaseRoleData(s *desired.DatabaseRoleSpec) map[string]any {
	return map[string]any{
		"db_name":               s.DBName,
		"creation_statements":   nonNil(s.CreationStatements),
		"revocation_statements": nonNil(s.RevocationStatements),
		"rollback_statements":   nonNil(s.RollbackStatements),
		"renew_statements":      nonNil(s.RenewStatements),
		"default_ttl":           s.DefaultTTL.Seconds(),
		"max_ttl":               s.MaxTTL.Seconds(),
		"credential_type":       s.CredentialType,
		"credential_config":     map[string]any{},
	}
}

// nonNil sends an empty list rather than null, so Vault clears the field.
func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
