package config

import (
	"fmt"
	"slices"
	"strings"
)

// DeprecatedSuffix is appended to a removed tenant's policy name during its
// grace period. No derived policy may end in it.
const DeprecatedSuffix = "-deprecated"

// builtinPolicies are Vault's own policies; no derived name may be one.
var builtinPolicies = []string{"default", "root"}

// CheckNamespace reports why ns may not hold a tenant's objects: Kubernetes'
// own namespaces ("default", "kube-*"), the platform's namespaces, or a
// namespace outside the configured tenant pattern. nil means allowed.
func (c *Config) CheckNamespace(ns string) error {
	switch {
	case ns == "default" || strings.HasPrefix(ns, "kube-"):
		return fmt.Errorf("namespace %q is reserved by Kubernetes", ns)
	case slices.Contains(c.Kubernetes.PlatformNamespaces, ns):
		return fmt.Errorf("namespace %q is a platform namespace (kubernetes.platformNamespaces)", ns)
	case c.nsPattern != nil && !c.nsPattern.MatchString(ns):
		return fmt.Errorf("namespace %q does not match kubernetes.tenantNamespacePattern %q", ns, c.Kubernetes.TenantNamespacePattern)
	}
	return nil
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
