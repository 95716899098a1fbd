package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// DeprecatedSuffix is appended to a removed tenant's policy name during its
// grace period. No derived policy may end in it.
const DeprecatedSuffix = "-deprecated"

// builtinPolicies are Vault's own policies; no derived name may be one.
var builtinPolicies = []string{"default", "root"}

// CheckNamespace reports why ns, a tenant's derived namespace, may not hold
// its objects: Kubernetes' own namespaces ("default", "kube-*"), the
// platform's namespaces, or a namespace outside the tenant pattern. nil
// means allowed.
func (c *Config) CheckNamespace(ns string) error {
	if err := c.reservedNamespace(ns); err != nil {
		return err
	}
	if c.nsPattern != nil && !c.nsPattern.MatchString(ns) {
		return fmt.Errorf("namespace %q does not match kubernetes.tenantNamespacePattern %q", ns, c.Kubernetes.TenantNamespacePattern)
	}
	return nil
}

// CheckNamespaceOverride reports why ns, written in a tenant's
// spec.namespace, may not hold its objects: the reserved namespaces, and
// any namespace kubernetes.namespaceOverridePattern does not allow (with
// no pattern, every override).
func (c *Config) CheckNamespaceOverride(ns, derived string) error {
	if err := c.reservedNamespace(ns); err != nil {
		return err
	}
	switch {
	case ns == derived:
		return c.CheckNamespace(ns)
	case c.nsOverride == nil:
		return fmt.Errorf("namespace %q is not the tenant's own %q: syncd.yaml allows no namespace overrides (kubernetes.namespaceOverridePattern)", ns, derived)
	case !c.nsOverride.MatchString(ns):
		return fmt.Errorf("namespace %q does not match kubernetes.namespaceOverridePattern %q (the tenant's own namespace is %q)", ns, c.Kubernetes.NamespaceOverridePattern, derived)
	}
	return nil
}

func (c *Config) reservedNamespace(ns string) error {
	switch {
	case ns == "default" || strings.HasPrefix(ns, "kube-"):
		return fmt.Errorf("namespace %q is reserved by Kubernetes", ns)
	case slices.Contains(c.Kubernetes.PlatformNamespaces, ns):
		return fmt.Errorf("namespace %q is a platform namespace (kubernetes.platformNamespaces)", ns)
	}
	return nil
}

// CheckServiceAccount reports why sa, written in a tenant's
// spec.serviceAccount, may not be the account ESO logs in as: "default"
// (every pod of the namespace runs as it, so every pod could read the
// tenant's secrets), or an account kubernetes.serviceAccountPattern does not
// allow.
func (c *Config) CheckServiceAccount(sa string) error {
	switch {
	case sa == "default":
		return fmt.Errorf("service account %q is every pod's: any pod of the namespace could log in as the tenant", sa)
	case c.saPattern != nil && !c.saPattern.MatchString(sa):
		return fmt.Errorf("service account %q does not match kubernetes.serviceAccountPattern %q", sa, c.Kubernetes.ServiceAccountPattern)
	}
	return nil
}

// TemplatePattern is the regular expression (RE2) that matches every name
// tmpl expands to: its text quoted, {tenant} standing for any DNS label.
func TemplatePattern(tmpl string) string {
	parts := strings.Split(tmpl, "{tenant}")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
}

// CheckPolicyName reports why a derived policy name may not be used: Vault's
// built-in policies, and the suffix off-boarding renames policies to.
func CheckPolicyName(name string) error {
	switch {
	case slices.Contains(builtinPolicies, name):
		return fmt.Errorf("policy name %q is one of Vault's built-in policies", name)
	case strings.HasSuffix(name, DeprecatedSuffix):
		return fmt.Errorf("policy name %q ends in %q, which is reserved for off-boarding", name, DeprecatedSuffix)
	}
	return nil
}

// CheckKVPrefix reports why a tenant's KV prefix may not be used: it holds,
// or is held by, syncd's inventory (a tenant could read it, and off-boarding
// the tenant would delete it).
func (c *Config) CheckKVPrefix(prefix string) error {
	if c.Inventory.Mount != c.Vault.Mounts.KV {
		return nil
	}
	inv := c.Inventory.Path
	if inv == prefix || strings.HasPrefix(inv, prefix+"/") || strings.HasPrefix(prefix, inv+"/") {
		return fmt.Errorf("KV prefix %q overlaps syncd's inventory at %s/%s", prefix, c.Inventory.Mount, inv)
	}
	return nil
}
