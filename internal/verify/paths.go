package verify

import (
	"maps"
	"slices"
	"strings"

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
			for _, key := range kvKeys(s.Object()) {
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

// ownedPath is a declared path and the tenant that declares it ("" when
// several do).
type ownedPath struct{ path, tenant string }

// allPaths lists every tenant's paths once, sorted. It is built once per
// run, so each tenant's sample of the others costs O(max), not O(all paths):
// no work quadratic in the tenants.
func allPaths(paths map[string][]string) []ownedPath {
	var all []ownedPath
	for t, ps := range paths {
		for _, p := range ps {
			all = append(all, ownedPath{p, t})
		}
	}
	slices.SortFunc(all, func(a, b ownedPath) int { return strings.Compare(a.path, b.path) })
	out := all[:0]
	for _, p := range all {
		if n := len(out); n > 0 && out[n-1].path == p.path {
			if out[n-1].tenant != p.tenant {
				out[n-1].tenant = ""
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

// others samples the paths of every tenant but one: all of them up to max,
// else every n-th of the sorted list, the same sample each run.
func others(all []ownedPath, own []string, tenant string, max int) []string {
	var skip []int // where the tenant's own paths are in all, ascending
	for _, p := range own {
		i, ok := slices.BinarySearchFunc(all, p, func(o ownedPath, p string) int { return strings.Compare(o.path, p) })
		if ok && all[i].tenant == tenant {
			skip = append(skip, i)
		}
	}
	slices.Sort(skip)
	n, step := len(all)-len(skip), 1
	if n > max {
		step = (n + max - 1) / max
	}
	var out []string
	for k := 0; k < n; k += step {
		i := k // the k-th path not skipped
		for _, s := range skip {
			if s > i {
				break
			}
			i++
		}
		out = append(out, all[i].path)
	}
	return out
}

func audiences(cfg *config.Config) []string {
	if cfg.Auth.Audience != "" {
		return []string{cfg.Auth.Audience}
	}
	return nil
}
