package desired

import (
	"github.com/syncd-dev/syncd/internal/tenant"
)

// Labels every Kubernetes object syncd manages carries; the live reader finds
// syncd's objects by them.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "syncd"
	LabelTenant    = "syncd.io/tenant"
)

func (b *builder) meta(tn tenantNames, name string) map[string]any {
	return map[string]any{
		"name":      name,
		"namespace": tn.namespace,
		"labels":    map[string]any{LabelManagedBy: ManagedBy, LabelTenant: tn.name},
	}
}

// vaultProvider is ESO's Vault provider block; it logs in with the tenant's
// own auth role, so Vault itself enforces the tenant's isolation.
func (b *builder) vaultProvider(tn tenantNames, withKV bool) map[string]any {
	p := map[string]any{
		"server": b.cfg.Vault.Address,
		"auth": map[string]any{
			"kubernetes": map[string]any{
				"mountPath":         b.cfg.Vault.Mounts.KubernetesAuth,
				"role":              tn.authRole,
				"serviceAccountRef": map[string]any{"name": tn.serviceAccount},
			},
		},
	}
	if withKV {
		p["path"] = b.cfg.Vault.Mounts.KV
		p["version"] = "v2"
	}
	return p
}

func (b *builder) secretStore(tn tenantNames, name string) *ManifestSpec {
	return &ManifestSpec{Object: map[string]any{
		"apiVersion": b.cfg.ESO.APIVersion,
		"kind":       "SecretStore",
		"metadata":   b.meta(tn, name),
		"spec":       map[string]any{"provider": map[string]any{"vault": b.vaultProvider(tn, true)}},
	}}
}

func (b *builder) kvExternalSecret(tn tenantNames, store string, s tenant.Secret) *ManifestSpec {
	refresh := b.cfg.ESO.RefreshInterval
	if s.RefreshInterval != 0 {
		refresh = s.RefreshInterval
	}
	data := make([]any, 0, len(s.Keys))
	for _, k := range s.Keys {
		data = append(data, map[string]any{
			"secretKey": k,
			"remoteRef": map[string]any{"key": tn.kvPrefix + "/" + s.Path, "property": k},
		})
	}
	return &ManifestSpec{Object: map[string]any{
		"apiVersion": b.cfg.ESO.APIVersion,
		"kind":       "ExternalSecret",
		"metadata":   b.meta(tn, s.ExternalSecretName()),
		"spec": map[string]any{
			"refreshInterval": refresh.String(),
			"secretStoreRef":  map[string]any{"kind": "SecretStore", "name": store},
			"target":          map[string]any{"name": s.TargetName(), "creationPolicy": "Owner"},
			"data":            data,
		},
	}}
}

func (b *builder) generator(tn tenantNames, d tenant.Database, role string) *ManifestSpec {
	return &ManifestSpec{Object: map[string]any{
		"apiVersion": b.cfg.ESO.GeneratorAPIVersion,
		"kind":       "VaultDynamicSecret",
		"metadata":   b.meta(tn, d.GeneratorName()),
		"spec": map[string]any{
			"path":       b.cfg.Vault.Mounts.Database + "/creds/" + role,
			"method":     "GET",
			"resultType": "Data",
			"provider":   b.vaultProvider(tn, false),
		},
	}}
}

func (b *builder) dbExternalSecret(tn tenantNames, d tenant.Database, generator string) *ManifestSpec {
	refresh := d.RefreshInterval
	if refresh == 0 {
		def := d.DefaultTTL
		if def == 0 {
			def = b.cfg.Databases[d.Connection].DefaultTTL
		}
		refresh = def / 2 // renew well before the lease expires
	}
	return &ManifestSpec{Object: map[string]any{
		"apiVersion": b.cfg.ESO.APIVersion,
		"kind":       "ExternalSecret",
		"metadata":   b.meta(tn, d.ExternalSecretName()),
		"spec": map[string]any{
			"refreshInterval": refresh.String(),
			"target":          map[string]any{"name": d.TargetName(), "creationPolicy": "Owner"},
			"dataFrom": []any{map[string]any{
				"sourceRef": map[string]any{"generatorRef": map[string]any{
					"apiVersion": b.cfg.ESO.GeneratorAPIVersion,
					"kind":       "VaultDynamicSecret",
					"name":       generator,
				}},
			}},
		},
	}}
}
