package desired

import (
	"maps"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/policy"
)

// OperatorPolicy is the Vault policy syncd itself needs for cfg, and no
// more: the policies, auth roles and database roles whose names its
// templates can produce (a template's fixed text before its first
// placeholder, then a glob), read access to the platform's database
// connections, lease revocation under its database roles, the metadata (never
// the data) under the tenants' KV prefixes, and its inventory.
func OperatorPolicy(cfg *config.Config) policy.Policy {
	m := cfg.Vault.Mounts
	crud := []string{"create", "read", "update", "delete"}
	var p policy.Policy
	add := func(path string, caps ...string) {
		p.Rules = append(p.Rules, policy.Rule{Path: path, Capabilities: caps})
	}
	add("sys/policies/acl", "list")
	add("sys/policies/acl/"+glob(cfg.Names.Policy), crud...)
	add("auth/"+m.KubernetesAuth+"/role", "list")
	add("auth/"+m.KubernetesAuth+"/role/"+glob(cfg.Names.AuthRole), crud...)
	add(m.Database+"/roles", "list")
	add(m.Database+"/roles/"+glob(cfg.Names.DatabaseRole), crud...)
	for _, conn := range slices.Sorted(maps.Keys(cfg.Databases)) {
		add(m.Database+"/config/"+conn, "read")
	}
	add("sys/leases/revoke-prefix/"+m.Database+"/creds/"+glob(cfg.Names.DatabaseRole), "update", "sudo")
	add(m.KV+"/metadata/"+glob(cfg.Names.KVPrefix), "read", "list", "delete")
	inv := cfg.Inventory
	add(inv.Mount+"/data/"+inv.Path+"/*", "create", "read", "update")
	add(inv.Mount+"/metadata/"+inv.Path+"/*", "read", "list", "delete")
	return p.Normalize()
}

// glob turns a name template into a Vault path glob: its fixed text up to
// the first placeholder, then "*" (Vault allows a glob only at the end).
func glob(tmpl string) string {
	if i := strings.IndexByte(tmpl, '{'); i >= 0 {
		return tmpl[:i] + "*"
	}
	return tmpl
}

// ReadOnlyPolicy is OperatorPolicy cut down to what `syncd plan` needs:
// read and list, so a PR check can plan and never write.
func ReadOnlyPolicy(cfg *config.Config) policy.Policy {
	var p policy.Policy
	for _, r := range OperatorPolicy(cfg).Rules {
		caps := slices.DeleteFunc(slices.Clone(r.Capabilities), func(c string) bool { return c != "read" && c != "list" })
		if len(caps) > 0 {
			p.Rules = append(p.Rules, policy.Rule{Path: r.Path, Capabilities: caps})
		}
	}
	return p.Normalize()
}
