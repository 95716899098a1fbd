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
	Limits      Limits                `json:"limits"`

	// compiled by validate from Kubernetes' patterns (or their defaults)
	nsPattern, nsOverride, saPattern *regexp.Regexp
}

// Limits bound every duration a tenant file may set. Left out, each takes
// the platform's own value, so a tenant can only ask for less than the
// platform grants.
type Limits struct {
	// MinTTL is the shortest TTL a tenant may set (spec.auth.ttl, maxTTL,
	// a database's defaultTTL and maxTTL): tokens and leases shorter than
	// it make ESO log in and mint credentials continuously. Default 1m.
	MinTTL ttl.Duration `json:"minTTL,omitempty"`
	// MaxAuthTTL is the longest spec.auth.ttl and spec.auth.maxTTL.
	// Default: auth.maxTTL. A database's lease TTLs are bounded by its
	// connection's maxTTL.
	MaxAuthTTL ttl.Duration `json:"maxAuthTTL,omitempty"`
	// MinRefreshInterval and MaxRefreshInterval bound every refreshInterval
	// (each refresh is a Vault read, and for a database a new login and a
	// new database role). Defaults: 1m and eso.refreshInterval.
	MinRefreshInterval ttl.Duration `json:"minRefreshInterval,omitempty"`
	MaxRefreshInterval ttl.Duration `json:"maxRefreshInterval,omitempty"`
}

// Kubernetes holds the cluster-side settings.
type Kubernetes struct {
	// PlatformNamespaces are the namespaces the platform itself runs in
	// (Vault, ESO, syncd). No tenant may use them; "default" and every
	// "kube-*" namespace are reserved as well.
	PlatformNamespaces []string `json:"platformNamespaces,omitempty"`
	// TenantNamespacePattern is a regular expression (RE2) that every
	// derived tenant namespace must match whole. Default: the namespace
	// template with {tenant} standing for any DNS label.
	TenantNamespacePattern string `json:"tenantNamespacePattern,omitempty"`
	// NamespaceOverridePattern is a regular expression (RE2) that a
	// tenant's spec.namespace must match whole. Default: none, so a tenant
	// lives in its derived namespace and spec.namespace is refused.
	NamespaceOverridePattern string `json:"namespaceOverridePattern,omitempty"`
	// ServiceAccountPattern is a regular expression (RE2) that a tenant's
	// spec.serviceAccount must match whole ("default" never does: every
	// pod of the namespace runs as it). Default: the service-account
	// template with {tenant} standing for any DNS label.
	ServiceAccountPattern string `json:"serviceAccountPattern,omitempty"`
	// TenantLabel is the label a tenant namespace that syncd does not
	// create must carry, with the tenant's name as its value, before syncd
	// writes anything into it or posts Events there; namespaces syncd
	// creates carry it. Default: syncd.io/tenant.
	TenantLabel string `json:"tenantLabel,omitempty"`
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
	// AllowInsecureHTTP accepts an http:// Address: every tenant's
	// service-account token would cross the network in clear text.
	// For a loopback test bed only.
	AllowInsecureHTTP bool   `json:"allowInsecureHTTP,omitempty"`
	Mounts            Mounts `json:"mounts"`
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
	// Audience is required in the service-account tokens that log in
	// (default "vault"): a token minted for another audience — the API
	// server's own, another service's — is refused by the role.
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
