package config

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/naming"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// sample values used to prove that every template expands to a valid name.
const (
	sampleTenant = "a-tenant"
	sampleDB     = "a-db"
)

// ESO API versions whose CRDs syncd renders for.
var (
	esoVersions       = []string{"external-secrets.io/v1", "external-secrets.io/v1beta1"}
	generatorVersions = []string{"generators.external-secrets.io/v1alpha1"}
)

func (c *Config) validate(pos strictyaml.Positions) strictyaml.Errors {
	var errs strictyaml.Errors
	add := func(field, format string, args ...any) {
		errs = append(errs, pos.Errorf(field, format, args...))
	}
	if c.APIVersion != APIVersion {
		add("apiVersion", "must be %q, got %q", APIVersion, c.APIVersion)
	}
	if c.Kind != Kind {
		add("kind", "must be %q, got %q", Kind, c.Kind)
	}
	for field, m := range map[string]string{
		"vault.mounts.kv": c.Vault.Mounts.KV, "vault.mounts.database": c.Vault.Mounts.Database,
		"vault.mounts.kubernetesAuth": c.Vault.Mounts.KubernetesAuth,
		"inventory.path":              c.Inventory.Path,
	} {
		if err := naming.RelPath(m); err != nil {
			add(field, "invalid mount path: %v", err)
		}
	}
	if c.Inventory.Mount != c.Vault.Mounts.KV { // else reported once above
		if err := naming.RelPath(c.Inventory.Mount); err != nil {
			add("inventory.mount", "invalid mount path: %v", err)
		}
	}
	switch u, err := url.Parse(c.Vault.Address); {
	case err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http":
		add("vault.address", "must be an https:// URL, got %q", c.Vault.Address)
	case u.Scheme == "http" && !c.Vault.AllowInsecureHTTP:
		add("vault.address", "%q is plain HTTP: every tenant's service-account token would cross it in clear text; use https:// (vault.allowInsecureHTTP: true for a loopback test bed only)", c.Vault.Address)
	case u.User != nil:
		add("vault.address", "must not carry user information")
	}
	if !audience.MatchString(c.Auth.Audience) {
		add("auth.audience", "%q is not a plain audience (a letter or digit, then letters, digits and - _ . : /)", c.Auth.Audience)
	}
	c.validateNames(add)
	c.validateKubernetes(add)
	c.validateLimits(add)
	if c.Auth.TTL <= 0 || c.Auth.MaxTTL <= 0 {
		add("auth", "ttl and maxTTL must be positive")
	} else if c.Auth.MaxTTL < c.Auth.TTL {
		add("auth.maxTTL", "maxTTL %s is shorter than ttl %s", c.Auth.MaxTTL, c.Auth.TTL)
	}
	if c.Offboarding.GracePeriod <= c.Auth.MaxTTL {
		add("offboarding.gracePeriod", "grace period %s must exceed the auth maxTTL %s", c.Offboarding.GracePeriod, c.Auth.MaxTTL)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Databases)) {
		c.validateConnection(name, c.Databases[name], add)
	}
	if !slices.Contains(esoVersions, c.ESO.APIVersion) {
		add("eso.apiVersion", "unsupported %q (supported: %s)", c.ESO.APIVersion, strings.Join(esoVersions, ", "))
	}
	if !slices.Contains(generatorVersions, c.ESO.GeneratorAPIVersion) {
		add("eso.generatorAPIVersion", "unsupported %q (supported: %s)", c.ESO.GeneratorAPIVersion, strings.Join(generatorVersions, ", "))
	}
	if c.Guard.MaxDeletes < 0 {
		add("guard.maxDeletes", "must not be negative")
	}
	if c.Guard.MaxDeletePercent < 0 || c.Guard.MaxDeletePercent > 100 {
		add("guard.maxDeletePercent", "must be between 0 and 100")
	}
	return errs
}

// audience is a plain token audience: no comma (Vault lists), no space.
var audience = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_.:/]*$`)

func (c *Config) validateNames(add func(string, string, ...any)) {
	type check struct {
		field, tmpl string
		needs       []string
		valid       func(string) error
	}
	for _, ck := range []check{
		{"names.policy", c.Names.Policy, []string{"{tenant}"}, naming.VaultName},
		{"names.authRole", c.Names.AuthRole, []string{"{tenant}"}, naming.VaultName},
		{"names.namespace", c.Names.Namespace, []string{"{tenant}"}, naming.DNSLabel},
		{"names.serviceAccount", c.Names.ServiceAccount, nil, naming.DNSSubdomain},
		{"names.kvPrefix", c.Names.KVPrefix, []string{"{tenant}"}, naming.RelPath},
		{"names.databaseRole", c.Names.DatabaseRole, []string{"{tenant}", "{db}"}, naming.VaultName},
		{"names.secretStore", c.Names.SecretStore, nil, naming.DNSSubdomain},
	} {
		for _, n := range ck.needs {
			if !strings.Contains(ck.tmpl, n) {
				add(ck.field, "template %q must contain %s so that tenants cannot collide", ck.tmpl, n)
			}
		}
		s, err := Expand(ck.tmpl, map[string]string{"tenant": sampleTenant, "db": sampleDB})
		if err != nil {
			add(ck.field, "%v", err)
			continue
		}
		if err := ck.valid(s); err != nil {
			add(ck.field, "template %q expands to an invalid name: %v", ck.tmpl, err)
		}
	}
	if strings.HasSuffix(c.Names.Policy, DeprecatedSuffix) {
		add("names.policy", "must not end in %s (reserved for off-boarding)", DeprecatedSuffix)
	}
}

func (c *Config) validateKubernetes(add func(string, string, ...any)) {
	k := c.Kubernetes
	for i, ns := range k.PlatformNamespaces {
		if err := naming.DNSLabel(ns); err != nil {
			add(fmt.Sprintf("kubernetes.platformNamespaces[%d]", i), "%v", err)
		}
	}
	if err := naming.LabelKey(k.TenantLabel); err != nil {
		add("kubernetes.tenantLabel", "%v", err)
	}
	compile := func(field, p string) *regexp.Regexp {
		if p == "" {
			return nil
		}
		re, err := regexp.Compile("^(?:" + p + ")$")
		if err != nil {
			add(field, "invalid regular expression: %v", err)
		}
		return re
	}
	c.nsPattern = compile("kubernetes.tenantNamespacePattern", k.TenantNamespacePattern)
	c.nsOverride = compile("kubernetes.namespaceOverridePattern", k.NamespaceOverridePattern)
	c.saPattern = compile("kubernetes.serviceAccountPattern", k.ServiceAccountPattern)
	if c.nsPattern != nil {
		if ns := c.Namespace(sampleTenant); !c.nsPattern.MatchString(ns) {
			add("kubernetes.tenantNamespacePattern", "pattern %q does not match the namespace template's %q (from names.namespace %q)", k.TenantNamespacePattern, ns, c.Names.Namespace)
		}
	}
	if c.saPattern != nil {
		if sa := c.ServiceAccount(sampleTenant); !c.saPattern.MatchString(sa) {
			add("kubernetes.serviceAccountPattern", "pattern %q does not match the service-account template's %q (from names.serviceAccount %q)", k.ServiceAccountPattern, sa, c.Names.ServiceAccount)
		}
	}
	if c.ServiceAccount(sampleTenant) == "default" {
		add("names.serviceAccount", "must not be \"default\": every pod of a namespace runs as it, so every pod could log in as the tenant")
	}
}

func (c *Config) validateLimits(add func(string, string, ...any)) {
	l := c.Limits
	if l.MinTTL <= 0 || l.MinRefreshInterval <= 0 {
		add("limits", "minTTL and minRefreshInterval must be positive")
	}
	if l.MaxAuthTTL < l.MinTTL {
		add("limits.maxAuthTTL", "maxAuthTTL %s is shorter than minTTL %s", l.MaxAuthTTL, l.MinTTL)
	}
	if l.MaxAuthTTL != c.Auth.MaxTTL && l.MaxAuthTTL >= c.Offboarding.GracePeriod { // else gracePeriod's own check
		add("limits.maxAuthTTL", "maxAuthTTL %s must be shorter than the off-boarding grace period %s (tokens outlive the auth role)", l.MaxAuthTTL, c.Offboarding.GracePeriod)
	}
	if l.MaxRefreshInterval < l.MinRefreshInterval {
		add("limits.maxRefreshInterval", "maxRefreshInterval %s is shorter than minRefreshInterval %s", l.MaxRefreshInterval, l.MinRefreshInterval)
	}
}

func (c *Config) validateConnection(name string, conn Connection, add func(string, string, ...any)) {
	field := "databases." + name
	if err := naming.VaultName(name); err != nil {
		add(field, "invalid connection name: %v", err)
	}
	if len(conn.Privileges) == 0 {
		add(field+".privileges", "at least one privilege level is required")
	}
	if conn.DefaultTTL <= 0 || conn.MaxTTL < conn.DefaultTTL {
		add(field+".maxTTL", "maxTTL %s must be at least defaultTTL %s (both positive)", conn.MaxTTL, conn.DefaultTTL)
	}
	for _, lvl := range slices.Sorted(maps.Keys(conn.Privileges)) {
		p := conn.Privileges[lvl]
		pf := fmt.Sprintf("%s.privileges.%s", field, lvl)
		if err := naming.DNSLabel(lvl); err != nil {
			add(pf, "invalid privilege level name: %v", err)
		}
		if len(p.CreationStatements) == 0 {
			add(pf+".creationStatements", "at least one statement is required")
		} else if !slices.ContainsFunc(p.CreationStatements, func(s string) bool { return strings.Contains(s, "{{name}}") }) {
			add(pf+".creationStatements", "no statement uses Vault's {{name}}")
		}
		for kind, stmts := range map[string][]string{
			"creationStatements": p.CreationStatements, "revocationStatements": p.RevocationStatements,
			"renewStatements": p.RenewStatements,
		} {
			for i, s := range stmts {
				if _, err := c.Statements(name, []string{s}, sampleTenant, sampleDB, "a-role"); err != nil {
					add(fmt.Sprintf("%s.%s[%d]", pf, kind, i), "%v", err)
				}
			}
		}
	}
}
