package config

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/syncd-dev/syncd/internal/safefile"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// Load reads and validates the config at path: a regular file of at most
// strictyaml's limit, read through a symlink only with safefile.FollowLinks
// (a path an operator gave). A missing file is an error (fs.ErrNotExist):
// syncd never falls back to defaults for a platform it was not told about.
func Load(path string, links safefile.Links) (*Config, error) {
	data, err := safefile.Read(path, int64(strictyaml.DefaultLimits.MaxBytes), links)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("platform config %s: %w: write one (examples/prod/syncd.yaml is the seed platform's), or point --config at it", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("platform config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a config file; fields it leaves out take the defaults. A
// "databases" section, when present, replaces the default connections whole.
func Parse(file string, data []byte) (*Config, error) {
	var c Config
	pos, err := strictyaml.Decode(file, data, &c, strictyaml.DefaultLimits)
	if err != nil && !pos.Partial() {
		return nil, err
	}
	shape, _ := strictyaml.Flatten(err)
	c.fillDefaults()
	if err := shape.Merge(c.validate(pos)).Err(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) fillDefaults() {
	d := builtin()
	str := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	str(&c.Vault.Address, d.Vault.Address)
	str(&c.Vault.Mounts.KV, d.Vault.Mounts.KV)
	str(&c.Vault.Mounts.Database, d.Vault.Mounts.Database)
	str(&c.Vault.Mounts.KubernetesAuth, d.Vault.Mounts.KubernetesAuth)
	str(&c.Names.Policy, d.Names.Policy)
	str(&c.Names.AuthRole, d.Names.AuthRole)
	str(&c.Names.Namespace, d.Names.Namespace)
	str(&c.Names.ServiceAccount, d.Names.ServiceAccount)
	str(&c.Names.KVPrefix, d.Names.KVPrefix)
	str(&c.Names.DatabaseRole, d.Names.DatabaseRole)
	str(&c.Names.SecretStore, d.Names.SecretStore)
	str(&c.ESO.APIVersion, d.ESO.APIVersion)
	str(&c.ESO.GeneratorAPIVersion, d.ESO.GeneratorAPIVersion)
	str(&c.Auth.Audience, d.Auth.Audience)
	if c.Auth.TTL == 0 {
		c.Auth.TTL = d.Auth.TTL
	}
	if c.Auth.MaxTTL == 0 {
		c.Auth.MaxTTL = d.Auth.MaxTTL
	}
	if c.ESO.RefreshInterval == 0 {
		c.ESO.RefreshInterval = d.ESO.RefreshInterval
	}
	if c.Offboarding.GracePeriod == 0 {
		c.Offboarding.GracePeriod = d.Offboarding.GracePeriod
	}
	if c.Inventory.Mount == "" {
		c.Inventory.Mount = c.Vault.Mounts.KV
	}
	str(&c.Inventory.Path, d.Inventory.Path)
	if c.Guard == (Guard{}) {
		c.Guard = d.Guard
	}
	if c.Kubernetes.PlatformNamespaces == nil {
		c.Kubernetes.PlatformNamespaces = d.Kubernetes.PlatformNamespaces
	}
	str(&c.Kubernetes.TenantLabel, d.Kubernetes.TenantLabel)
	if c.Kubernetes.TenantNamespacePattern == "" {
		c.Kubernetes.TenantNamespacePattern = TemplatePattern(c.Names.Namespace)
	}
	if c.Kubernetes.ServiceAccountPattern == "" {
		c.Kubernetes.ServiceAccountPattern = TemplatePattern(c.Names.ServiceAccount)
	}
	if c.Limits.MinTTL == 0 { // never above what the platform itself sets
		c.Limits.MinTTL = min(d.Limits.MinTTL, c.Auth.TTL)
	}
	if c.Limits.MaxAuthTTL == 0 {
		c.Limits.MaxAuthTTL = c.Auth.MaxTTL
	}
	if c.Limits.MinRefreshInterval == 0 {
		c.Limits.MinRefreshInterval = min(d.Limits.MinRefreshInterval, c.ESO.RefreshInterval)
	}
	if c.Limits.MaxRefreshInterval == 0 {
		c.Limits.MaxRefreshInterval = c.ESO.RefreshInterval
	}
	if c.Databases == nil {
		c.Databases = d.Databases
	}
	for name, conn := range c.Databases {
		if conn.DefaultTTL == 0 {
			conn.DefaultTTL = d.Auth.MaxTTL
		}
		if conn.MaxTTL == 0 {
			conn.MaxTTL = 24 * d.Auth.MaxTTL
		}
		for lvl, p := range conn.Privileges {
			p.CreationStatements = NormaliseStatements(p.CreationStatements)
			p.RevocationStatements = NormaliseStatements(p.RevocationStatements)
			p.RenewStatements = NormaliseStatements(p.RenewStatements)
			conn.Privileges[lvl] = p
		}
		c.Databases[name] = conn
	}
}
