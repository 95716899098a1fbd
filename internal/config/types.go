package config

import (
	"regexp"

	"github.com/syncd-dev/syncd/internal/ttl"
)

// APIVersion and Kind identify a platform config file.
const (
	APIVersion = "syncd.io/v1alpha1"
	Kind       = "PlatformConfig"
)

// Config is the platform configuration.
type Config struct {
	APIVersion  string                `json:"apiVersion"`
	Kind        string                `json:"kind"`
	Vault       Vault                 `json:"vault"`
	Names       Names                 `json:"names"`
	Auth        Auth                  `json:"auth"`
	Databases   map[string]Connection `json:"databases,omitempty"`
	ESO         ESO                   `json:"eso"`
	Offboarding Offboarding           `json:"offboarding"`
	Guard       Guard                 `json:"guard"`
	Inventory   Inventory             `json:"inventory"`
	Kubernetes  Kubernetes            `json:"kubernetes"`

	nsPattern *regexp.Regexp // Kubernetes.TenantNamespacePattern, compiled by validate
}

// Kubernetes holds the cluster-side settings.
type Kubernetes struct {
	// PlatformNamespaces are the namespaces the platform itself runs in
	// (Vault, ESO, syncd). No tenant may use them; "default" and every
	// "kube-*" namespace are reserved as well.
	PlatformNamespaces []string `json:"platformNamespaces,omitempty"`
	// TenantNamespacePattern, when set, is a regular expression (RE2) that
	// every tenant namespace must match whole.
	TenantNamespacePattern string `json:"tenantNamespacePattern,omitempty"`
	// ManageNamespaces makes syncd create each tenant's namespace and ESO
	// service account (first), and delete them when the tenant is
	// off-boarded (last), for platforms where no other system does. Off by
	// default: deleting a namespace deletes everything in it.
	ManageNamespaces bool `json:"manageNamespaces,omitempty"`
}

// Inventory is where syncd records what it owns: a KV v2 path. Instances that
// share a Vault (dev, staging, prod) must use different paths.
type Inventory struct {
	Mount string `json:"mount"` // KV v2 mount (default: vault.mounts.kv)
	Path  string `json:"path"`  // path inside it
}

// Vault holds the address ESO uses and the mount paths syncd manages under.
type Vault struct {
	// Address is the Vault address as seen from inside the cluster (ESO's
	// SecretStore server); syncd itself uses VAULT_ADDR.
	Address string `json:"address"`
	Mounts  Mounts `json:"mounts"`
}

// Mounts are Vault mount paths, without leading or trailing slashes.
type Mounts struct {
	KV             string `json:"kv"`             // KV v2 secrets engine
	Database       string `json:"database"`       // database secrets engine
	KubernetesAuth string `json:"kubernetesAuth"` // Kubernetes auth method
}

// Names are templates for the names syncd derives per tenant. Placeholders:
// {tenant} everywhere, {db} in DatabaseRole.
type Names struct {
	Policy         string `json:"policy"`
	AuthRole       string `json:"authRole"`
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
	KVPrefix       string `json:"kvPrefix"`
	DatabaseRole   string `json:"databaseRole"`
	SecretStore    string `json:"secretStore"`
}

// Auth holds the Kubernetes auth role defaults.
type Auth struct {
	TTL    ttl.Duration `json:"ttl"`
	MaxTTL ttl.Duration `json:"maxTTL"`
	// Audience, when set, is required in the service account token.
	Audience string `json:"audience,omitempty"`
}

// Connection is a platform-owned database connection in the database engine.
// Tenants may only request credentials on connections listed here.
type Connection struct {
	// Vars are extra placeholders for the statements, e.g. {database}.
	Vars       map[string]string    `json:"vars,omitempty"`
	Privileges map[string]Privilege `json:"privileges"`
	DefaultTTL ttl.Duration         `json:"defaultTTL"`
	MaxTTL     ttl.Duration         `json:"maxTTL"`
}

// Privilege is one privilege level's statements. syncd substitutes its own
// single-brace placeholders ({tenant}, {db}, {role}, {connection} and the
// connection's vars) and leaves Vault's {{name}}, {{password}} and
// {{expiration}} untouched.
type Privilege struct {
	CreationStatements   []string `json:"creationStatements"`
	RevocationStatements []string `json:"revocationStatements,omitempty"`
	RenewStatements      []string `json:"renewStatements,omitempty"`
}

// ESO holds External Secrets Operator settings.
type ESO struct {
	APIVersion          string       `json:"apiVersion"`
	GeneratorAPIVersion string       `json:"generatorAPIVersion"`
	RefreshInterval     ttl.Duration `json:"refreshInterval"`
}

// Offboarding holds the off-boarding settings.
type Offboarding struct {
	// GracePeriod is how long a removed tenant's policy stays as
	// <policy>-deprecated before it and its KV metadata are deleted. It must
	// exceed every max TTL so no live token still needs the policy.
	GracePeriod ttl.Duration `json:"gracePeriod"`
}

// Guard limits how much one plan may delete.
type Guard struct {
	MaxDeletes       int `json:"maxDeletes"`       // tenants off-boarded per plan
	MaxDeletePercent int `json:"maxDeletePercent"` // of the owned tenants
}
