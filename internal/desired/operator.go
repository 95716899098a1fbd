package desired

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

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
	p.Rules[len(p.Rules)-1].Other = authRoleParameters(cfg)
	add(m.Database+"/roles", "list")
	add(m.Database+"/roles/"+glob(cfg.Names.DatabaseRole), crud...)
	p.Rules[len(p.Rules)-1].Other = parameters(map[string][]string{
		"db_name": slices.Sorted(maps.Keys(cfg.Databases)), "creation_statements": nil, "revocation_statements": nil,
		"rollback_statements": nil, "renew_statements": nil, "default_ttl": nil, "max_ttl": nil,
		"credential_type": nil, "credential_config": nil,
	}, nil)
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

// authRoleParameters confine the auth roles syncd's token can write to
// what syncd writes: the tenant policy pattern only, bound only to tenant
// namespaces, with the platform's audience, and no parameter syncd does not
// send (the deprecated aliases "policies", "period", "ttl" included). Vault
// matches a glob against a comma-separated string as a whole, so a value
// holding a comma ("app-x,root") is denied outright.
func authRoleParameters(cfg *config.Config) map[string]string {
	namespaces := []string{glob(cfg.Names.Namespace)}
	for _, alt := range strings.Split(cfg.Kubernetes.NamespaceOverridePattern, "|") {
		if alt != "" && literalName.MatchString(alt) {
			namespaces = append(namespaces, alt)
		}
	}
	return parameters(map[string][]string{
		"token_policies":                           {glob(cfg.Names.Policy)},
		"bound_service_account_namespaces":         namespaces,
		"bound_service_account_namespace_selector": {""},
		"audience":                    {cfg.Auth.Audience},
		"bound_service_account_names": nil,
		"token_ttl":                   nil, "token_max_ttl": nil, "token_explicit_max_ttl": nil, "token_period": nil,
		"token_num_uses": nil, "token_no_default_policy": nil, "token_bound_cidrs": nil, "token_type": nil, "alias_name_source": nil,
	}, []string{"token_policies", "bound_service_account_namespaces"})
}

// literalName is a namespace override alternative that is a plain name (a
// regular expression of anything more cannot become a Vault glob).
var literalName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// parameters renders allowed_parameters (nil: any value) and, for the
// parameters in noComma, denied_parameters refusing any value with a comma.
func parameters(allowed map[string][]string, noComma []string) map[string]string {
	list := func(vs []string) cty.Value {
		if len(vs) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		out := make([]cty.Value, len(vs))
		for i, v := range vs {
			out[i] = cty.StringVal(v)
		}
		return cty.ListVal(out)
	}
	obj := func(m map[string][]string) string {
		vals := map[string]cty.Value{}
		for k, v := range m {
			vals[k] = list(v)
		}
		return strings.TrimSpace(string(hclwrite.TokensForValue(cty.ObjectVal(vals)).Bytes()))
	}
	other := map[string]string{"allowed_parameters": obj(allowed)}
	if len(noComma) > 0 {
		denied := map[string][]string{}
		for _, k := range noComma {
			denied[k] = []string{"*,*"}
		}
		other["denied_parameters"] = obj(denied)
	}
	return other
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
