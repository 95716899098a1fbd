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
		"server":  b.cfg.Vault.Address,
		"version": "v2", // the CRD's default, written so that it is owned
		"auth": map[string]any{
			"kubernetes": map[string]any{
				"mountPath":         b.cfg.Vault.Mounts.KubernetesAuth,
				"role":              tn.authRole,
				"serviceAccountRef": b.serviceAccountRef(tn),
			},
		},
	}
	if withKV {
		p["path"] = b.cfg.Vault.Mounts.KV
	}
	return p
}

// serviceAccountRef is the service account ESO requests a token for. When
// the auth role requires an audience, the token must carry it, or Vault
// refuses every login.
func (b *builder) serviceAccountRef(tn tenantNames) map[string]any {
	ref := map[string]any{"name": tn.serviceAccount}
	if aud := b.cfg.Auth.Audience; aud != "" {
		ref["audiences"] = []any{aud}
	}
	return ref
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
			"remoteRef": map[string]any{
				"key": tn.kvPrefix + "/" + s.Path, "property": k,
				// the CRD's defaults, written so that they are owned
				"conversionStrategy": "Default", "decodingStrategy": "None", "metadataPolicy": "None",
			},
		})
	}
	return &ManifestSpec{Object: map[string]any{
		"apiVersion": b.cfg.ESO.APIVersion,
		"kind":       "ExternalSecret",
		"metadata":   b.meta(tn, s.ExternalSecretName()),
		"spec": map[string]any{
			"refreshInterval": refresh.String(),
			"secretStoreRef":  map[string]any{"kind": "SecretStore", "name": store},
			"target":          target(s.TargetName()),
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
			"path":               b.cfg.Vault.Mounts.Database + "/creds/" + role,
			"method":             "GET",
			"resultType":         "Data",
			"allowEmptyResponse": false,
			"provider":           b.vaultProvider(tn, false),
		},
	}}
}

func (b *builder) dbExternalSecret(tn tenantNames, t *tenant.Tenant, d tenant.Database, generator string) *ManifestSpec {
	refresh := t.Credentials(d, b.cfg).Refresh // before the credentials die
	return &ManifestSpec{Object: map[string]any{
		"apiVersion": b.cfg.ESO.APIVersion,
		"kind":       "ExternalSecret",
		"metadata":   b.meta(tn, d.ExternalSecretName()),
		"spec": map[string]any{
			"refreshInterval": refresh.String(),
			"target":          target(d.TargetName()),
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

// target is an ExternalSecret's target Secret: ESO owns it (an owner
// reference, so it goes with the ExternalSecret), and deletionPolicy Retain
// (the CRD's default, written so that it is owned) keeps its last values
// when the KV secret is deleted in Vault instead of emptying it.
func target(name string) map[string]any {
	return map[string]any{"name": name, "creationPolicy": "Owner", "deletionPolicy": "Retain"}
}

// namespace and serviceAccount are the tenant's namespace and ESO service
// account, when syncd manages them (kubernetes.manageNamespaces).
func (b *builder) namespace(tn tenantNames) *ManifestSpec {
	meta := b.meta(tn, tn.namespace)
	delete(meta, "namespace")
	return &ManifestSpec{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": meta}}
}

func (b *builder) serviceAccount(tn tenantNames) *ManifestSpec {
	return &ManifestSpec{Object: map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": b.meta(tn, tn.serviceAccount)}}
}
