package tenant

import (
	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// Names derived from a tenant's entries. Validation and the desired state both
// use these, so what is checked is what is rendered.

// TargetName is the Kubernetes Secret the secret is written to.
func (s Secret) TargetName() string {
	if s.Target != "" {
		return s.Target
	}
	return s.Name
}

// ExternalSecretName names the ExternalSecret that syncs the secret.
func (s Secret) ExternalSecretName() string { return s.Name }

// TargetName is the Kubernetes Secret the credentials are written to.
func (d Database) TargetName() string {
	if d.Target != "" {
		return d.Target
	}
	return d.Name + "-db-credentials"
}

// ExternalSecretName names the ExternalSecret that fetches the credentials.
func (d Database) ExternalSecretName() string { return d.Name + "-db" }

// GeneratorName names the VaultDynamicSecret generator for the credentials.
func (d Database) GeneratorName() string { return d.Name + "-db" }

// Credentials describes how long a database's dynamic credentials live in
// the tenant's Kubernetes Secret, and when ESO replaces them.
//
// ESO's VaultDynamicSecret generator logs in with the tenant's auth role for
// every generation and never renews the token or the lease. Vault revokes a
// lease when the token that created it expires, so credentials live
// min(lease default TTL, login-token TTL). ESO must replace them with margin:
// the refresh interval may be at most half that lifetime, and defaults to
// exactly half.
type Credentials struct {
	LeaseTTL, TokenTTL ttl.Duration
	// Lifetime is min(LeaseTTL, TokenTTL).
	Lifetime ttl.Duration
	// Refresh is the ExternalSecret's refresh interval (the tenant's, or
	// Lifetime/2 by default); MaxRefresh is the longest allowed.
	Refresh, MaxRefresh ttl.Duration
}

// Credentials computes d's credential lifetime and refresh interval from the
// tenant's and the platform's TTLs.
func (t *Tenant) Credentials(d Database, cfg *config.Config) Credentials {
	c := Credentials{LeaseTTL: d.DefaultTTL, TokenTTL: t.Spec.Auth.TTL}
	if c.LeaseTTL == 0 {
		c.LeaseTTL = cfg.Databases[d.Connection].DefaultTTL
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = cfg.Auth.TTL
	}
	c.Lifetime = min(c.LeaseTTL, c.TokenTTL)
	c.MaxRefresh = ttl.FromSeconds(c.Lifetime.Seconds() / 2)
	c.Refresh = d.RefreshInterval
	if c.Refresh == 0 {
		c.Refresh = c.MaxRefresh
	}
	return c
}
