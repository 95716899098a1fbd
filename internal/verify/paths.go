package verify

import (
	"maps"
	"slices"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
)

// tenantPaths are each tenant's declared Vault paths: its KV secrets' data
// and metadata, and its database roles' credentials.
func tenantPaths(cfg *config.Config, st *desired.State) map[string][]string {
	m := cfg.Vault.Mounts
	out := map[string][]string{}
	for _, o := range st.Objects {
		switch s := o.Spec.(type) {
		case *desired.DatabaseRoleSpec:
			out[o.Tenant] = append(out[o.Tenant], m.Database+"/creds/"+s.Name)
		case *desired.ManifestSpec:
			for _, key := range kvKeys(s.Object) {
				out[o.Tenant] = append(out[o.Tenant], m.KV+"/data/"+key, m.KV+"/metadata/"+key)
			}
		}
	}
	for t := range out {
		slices.Sort(out[t])
		out[t] = slices.Compact(out[t])
	}
	return out
}

// kvKeys are the KV keys an ExternalSecret reads.
func kvKeys(obj map[string]any) []string {
	spec, _ := obj["spec"].(map[string]any)
	data, _ := spec["data"].([]any)
	var out []string
	for _, d := range data {
		ref, _ := d.(map[string]any)["remoteRef"].(map[string]any)
		if key, ok := ref["key"].(string); ok {
			out = append(out, key)
		}
	}
	return out
}

// sensitivePaths are outside every tenant: Vault's own configuration, other
// auth methods, the platform's database configuration, syncd's inventory, a
// KV path beside the tenant prefixes.
func sensitivePaths(cfg *config.Config, st *desired.State) []string {
	m := cfg.Vault.Mounts
	out := []string{
		"sys/policies/acl/root", "sys/mounts", "sys/auth", "sys/audit", "sys/leases/revoke-prefix/" + m.Database,
		"auth/token/create", "auth/" + m.KubernetesAuth + "/role/" + cfg.AuthRoleName("someone-else"),
		"identity/entity/id", m.KV + "/data/" + cfg.Inventory.Path + "/index", m.KV + "/metadata/",
		m.Database + "/roles/" + cfg.DatabaseRoleName("someone-else", "db"),
	}
	for _, conn := range slices.Sorted(maps.Keys(cfg.Databases)) {
		out = append(out, m.Database+"/config/"+conn)
	}
	return out
}

// sample keeps all of paths up to max, else every n-th of the sorted list:
// the same sample each run.
func sample(paths []string, max int) []string {
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if len(paths) <= max {
		return paths
	}
	step := (len(paths) + max - 1) / max
	var out []string
	for i := 0; i < len(paths); i += step {
		out = append(out, paths[i])
	}
	return out
}

func audiences(cfg *config.Config) []string {
	if cfg.Auth.Audience != "" {
		return []string{cfg.Auth.Audience}
	}
	return nil
}
