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
	// FieldManager is syncd's name in an object's managedFields: an object
	// none of whose entries names it was not written by syncd.
	FieldManager = "syncd"
)

// The manifests syncd builds, as types whose fields are declared in sorted
// order of their JSON names: encoding/json then writes the canonical bytes
// a ManifestSpec holds, without building nested maps first.
type (
	manifest[S any] struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   meta   `json:"metadata"`
		Spec       *S     `json:"spec,omitempty"`
	}
	meta struct {
		Labels    labels `json:"labels"`
		Name      string `json:"name"`
		Namespace string `json:"namespace,omitempty"`
	}
	labels struct {
		ManagedBy string `json:"app.kubernetes.io/managed-by"`
		Tenant    string `json:"syncd.io/tenant"`
	}
	storeSpec struct {
		Provider struct {
			Vault vaultProvider `json:"vault"`
		} `json:"provider"`
	}
	vaultProvider struct {
		Auth struct {
			Kubernetes k8sAuth `json:"kubernetes"`
		} `json:"auth"`
		Path    string `json:"path,omitempty"`
		Server  string `json:"server"`
		Version string `json:"version"`
	}
	k8sAuth struct {
		MountPath         string            `json:"mountPath"`
		Role              string            `json:"role"`
		ServiceAccountRef serviceAccountRef `json:"serviceAccountRef"`
	}
	serviceAccountRef struct {
		Audiences []string `json:"audiences,omitempty"`
		Name      string   `json:"name"`
	}
	kvSecretSpec struct {
		Data            []kvData `json:"data"`
		RefreshInterval string   `json:"refreshInterval"`
		SecretStoreRef  struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"secretStoreRef"`
		Target target `json:"target"`
	}
	kvData struct {
		RemoteRef struct {
			ConversionStrategy string `json:"conversionStrategy"`
			DecodingStrategy   string `json:"decodingStrategy"`
			Key                string `json:"key"`
			MetadataPolicy     string `json:"metadataPolicy"`
			Property           string `json:"property"`
		} `json:"remoteRef"`
		SecretKey string `json:"secretKey"`
	}
	generatorSpec struct {
		AllowEmptyResponse bool          `json:"allowEmptyResponse"`
		Method             string        `json:"method"`
		Path               string        `json:"path"`
		Provider           vaultProvider `json:"provider"`
		ResultType         string        `json:"resultType"`
	}
	dbSecretSpec struct {
		DataFrom        []dataFrom `json:"dataFrom"`
		RefreshInterval string     `json:"refreshInterval"`
		Target          target     `json:"target"`
	}
	dataFrom struct {
		SourceRef struct {
			GeneratorRef struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Name       string `json:"name"`
			} `json:"generatorRef"`
		} `json:"sourceRef"`
	}
	// target is an ExternalSecret's target Secret: ESO owns it (an owner
	// reference, so it goes with the ExternalSecret), and deletionPolicy
	// Retain (the CRD's default, written so that it is owned) keeps its last
	// values when the KV secret is deleted in Vault instead of emptying it.
	target struct {
		CreationPolicy string `json:"creationPolicy"`
		DeletionPolicy string `json:"deletionPolicy"`
		Name           string `json:"name"`
	}
	noSpec struct{}
)

func newTarget(name string) target {
	return target{CreationPolicy: "Owner", DeletionPolicy: "Retain", Name: name}
}

func (b *builder) meta(tn *tenantNames, name string) meta {
	return meta{Labels: labels{ManagedBy: ManagedBy, Tenant: tn.name}, Name: name, Namespace: tn.namespace}
}

// vaultProvider is ESO's Vault provider block; it logs in with the tenant's
// own auth role, so Vault itself enforces the tenant's isolation.
func (b *builder) vaultProvider(tn *tenantNames, withKV bool) vaultProvider {
	p := vaultProvider{Server: b.cfg.Vault.Address, Version: "v2"} // v2: the CRD's default, written so that it is owned
	p.Auth.Kubernetes = k8sAuth{
		MountPath:         b.cfg.Vault.Mounts.KubernetesAuth,
		Role:              tn.authRole,
		ServiceAccountRef: b.serviceAccountRef(tn),
	}
	if withKV {
		p.Path = b.cfg.Vault.Mounts.KV
	}
	return p
}

// serviceAccountRef is the service account ESO requests a token for. When
// the auth role requires an audience, the token must carry it, or Vault
// refuses every login.
func (b *builder) serviceAccountRef(tn *tenantNames) serviceAccountRef {
	ref := serviceAccountRef{Name: tn.serviceAccount}
	if aud := b.cfg.Auth.Audience; aud != "" {
		ref.Audiences = []string{aud}
	}
	return ref
}

// loginer is a typed manifest that logs in to Vault (ManifestSpec.Login).
type loginer interface{ login() (Login, bool) }

func (m manifest[S]) login() (Login, bool) {
	if l, ok := any(m.Spec).(loginer); ok {
		return l.login()
	}
	return Login{}, false
}

func (s *storeSpec) login() (Login, bool)     { return s.Provider.Vault.login(), true }
func (s *generatorSpec) login() (Login, bool) { return s.Provider.login(), true }

func (p *vaultProvider) login() Login {
	k := &p.Auth.Kubernetes
	return Login{Role: k.Role, ServiceAccount: k.ServiceAccountRef.Name, Audiences: k.ServiceAccountRef.Audiences}
}

// The manifests below are recipes (manifestOf): each func builds its
// manifest from the tenant's names and file, which the state holds anyway,
// whenever it is encoded.

func (b *builder) secretStore(tn *tenantNames, name string) *ManifestSpec {
	return manifestOf(func() any {
		spec := &storeSpec{}
		spec.Provider.Vault = b.vaultProvider(tn, true)
		return manifest[storeSpec]{APIVersion: b.cfg.ESO.APIVersion, Kind: "SecretStore", Metadata: b.meta(tn, name), Spec: spec}
	})
}

func (b *builder) kvExternalSecret(tn *tenantNames, store string, s *tenant.Secret) *ManifestSpec {
	return manifestOf(func() any {
		refresh := b.cfg.ESO.RefreshInterval
		if s.RefreshInterval != 0 {
			refresh = s.RefreshInterval
		}
		spec := &kvSecretSpec{Data: make([]kvData, len(s.Keys)), RefreshInterval: refresh.String(), Target: newTarget(s.TargetName())}
		key := tn.kvPrefix + "/" + s.Path
		for i, k := range s.Keys {
			d := &spec.Data[i]
			d.SecretKey = k
			d.RemoteRef.Key, d.RemoteRef.Property = key, k
			// the CRD's defaults, written so that they are owned
			d.RemoteRef.ConversionStrategy, d.RemoteRef.DecodingStrategy, d.RemoteRef.MetadataPolicy = "Default", "None", "None"
		}
		spec.SecretStoreRef.Kind, spec.SecretStoreRef.Name = "SecretStore", store
		return manifest[kvSecretSpec]{APIVersion: b.cfg.ESO.APIVersion, Kind: "ExternalSecret", Metadata: b.meta(tn, s.ExternalSecretName()), Spec: spec}
	})
}

func (b *builder) generator(tn *tenantNames, d *tenant.Database, role string) *ManifestSpec {
	return manifestOf(func() any {
		spec := &generatorSpec{
			Method: "GET", Path: b.cfg.Vault.Mounts.Database + "/creds/" + role, ResultType: "Data",
			Provider: b.vaultProvider(tn, false),
		}
		return manifest[generatorSpec]{APIVersion: b.cfg.ESO.GeneratorAPIVersion, Kind: "VaultDynamicSecret", Metadata: b.meta(tn, d.GeneratorName()), Spec: spec}
	})
}

func (b *builder) dbExternalSecret(tn *tenantNames, t *tenant.Tenant, d *tenant.Database, generator string) *ManifestSpec {
	// Worked out now, not in the recipe: a recipe holding t would hold its
	// file's text (strictyaml.Positions), 6 MB at 10,000 tenants.
	refresh := t.Credentials(*d, b.cfg).Refresh // before the credentials die
	return manifestOf(func() any {
		spec := &dbSecretSpec{DataFrom: make([]dataFrom, 1), RefreshInterval: refresh.String(), Target: newTarget(d.TargetName())}
		ref := &spec.DataFrom[0].SourceRef.GeneratorRef
		ref.APIVersion, ref.Kind, ref.Name = b.cfg.ESO.GeneratorAPIVersion, "VaultDynamicSecret", generator
		return manifest[dbSecretSpec]{APIVersion: b.cfg.ESO.APIVersion, Kind: "ExternalSecret", Metadata: b.meta(tn, d.ExternalSecretName()), Spec: spec}
	})
}

// namespace and serviceAccount are the tenant's namespace and ESO service
// account, when syncd manages them (kubernetes.manageNamespaces).
// A namespace syncd creates carries the tenant label
// (kubernetes.tenantLabel), which makes it the tenant's.
func (b *builder) namespace(tn *tenantNames) *ManifestSpec {
	return manifestOf(func() any {
		type nsMeta struct { // sorted JSON names; a map's keys encode sorted
			Labels map[string]string `json:"labels"`
			Name   string            `json:"name"`
		}
		return struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   nsMeta `json:"metadata"`
		}{"v1", "Namespace", nsMeta{Labels: map[string]string{
			LabelManagedBy: ManagedBy, LabelTenant: tn.name, b.cfg.Kubernetes.TenantLabel: tn.name,
		}, Name: tn.namespace}}
	})
}

func (b *builder) serviceAccount(tn *tenantNames) *ManifestSpec {
	return manifestOf(func() any {
		return manifest[noSpec]{APIVersion: "v1", Kind: "ServiceAccount", Metadata: b.meta(tn, tn.serviceAccount)}
	})
}
