package tenant

import (
	"github.com/syncd-dev/syncd/internal/strictyaml"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// APIVersion and Kind identify a tenant file.
const (
	APIVersion = "syncd.io/v1alpha1"
	Kind       = "Tenant"
)

// Tenant is one tenant file.
type Tenant struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`

	// File is the path the tenant was read from, Pos the field positions.
	File string               `json:"-"`
	Pos  strictyaml.Positions `json:"-"`
}

// Metadata names the tenant.
type Metadata struct {
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Spec is what the tenant consumes. Every field is optional.
type Spec struct {
	// Namespace overrides the platform's namespace template.
	Namespace string `json:"namespace,omitempty"`
	// ServiceAccount overrides the service account ESO logs in with.
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// Auth overrides the Kubernetes auth role TTLs.
	Auth AuthSpec `json:"auth,omitempty"`
	// Secrets are static KV v2 secrets, synced into Kubernetes Secrets.
	Secrets []Secret `json:"secrets,omitempty"`
	// Databases are dynamic database credentials.
	Databases []Database `json:"databases,omitempty"`
}

// AuthSpec overrides the auth role TTLs.
type AuthSpec struct {
	TTL    ttl.Duration `json:"ttl,omitempty"`
	MaxTTL ttl.Duration `json:"maxTTL,omitempty"`
}

// Secret is a static KV v2 secret under the tenant's KV prefix.
type Secret struct {
	// Name names the ExternalSecret (and the target Secret by default).
	Name string `json:"name"`
	// Path is relative to the tenant's KV prefix, e.g. "payments/stripe".
	Path string `json:"path"`
	// Keys are the properties copied into the target Secret.
	Keys []string `json:"keys"`
	// Target is the Kubernetes Secret's name (default: Name).
	Target string `json:"target,omitempty"`
	// RefreshInterval is how often ESO re-reads it (default: platform).
	RefreshInterval ttl.Duration `json:"refreshInterval,omitempty"`
}

// Database is a dynamic database credential.
type Database struct {
	// Name is the {db} in the database role's name.
	Name string `json:"name"`
	// Connection is a platform database connection.
	Connection string `json:"connection"`
	// Privilege is one of the connection's privilege levels.
	Privilege string `json:"privilege"`
	// DefaultTTL and MaxTTL are the lease TTLs (default: the connection's).
	DefaultTTL ttl.Duration `json:"defaultTTL,omitempty"`
	MaxTTL     ttl.Duration `json:"maxTTL,omitempty"`
	// Target is the Kubernetes Secret's name (default: <name>-db-credentials).
	Target string `json:"target,omitempty"`
	// RefreshInterval is how often ESO fetches new credentials (default:
	// half the default TTL, so a credential is replaced before it expires).
	RefreshInterval ttl.Duration `json:"refreshInterval,omitempty"`
}
