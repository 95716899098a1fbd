package desired

import (
	"strings"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/object"
)

// IDs builds object identities from the platform's mounts. The live readers use
// the same constructors so desired and live objects pair by identity.
type IDs struct{ cfg *config.Config }

// NewIDs returns the identity constructors for cfg.
func NewIDs(cfg *config.Config) IDs { return IDs{cfg: cfg} }

// Policy identifies an ACL policy.
func (i IDs) Policy(name string) object.ID {
	return object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: name}
}

// AuthRole identifies a Kubernetes auth role.
func (i IDs) AuthRole(name string) object.ID {
	return object.ID{System: object.Vault, Kind: object.AuthRole, Scope: "auth/" + i.cfg.Vault.Mounts.KubernetesAuth, Name: name}
}

// DatabaseRole identifies a database secrets engine role.
func (i IDs) DatabaseRole(name string) object.ID {
	return object.ID{System: object.Vault, Kind: object.DatabaseRole, Scope: i.cfg.Vault.Mounts.Database, Name: name}
}

// DatabaseConnection identifies a platform database connection.
func (i IDs) DatabaseConnection(name string) object.ID {
	return object.ID{System: object.Vault, Kind: object.DatabaseConnection, Scope: i.cfg.Vault.Mounts.Database, Name: name}
}

// KVSecret identifies a KV v2 secret by its path inside the mount.
func (i IDs) KVSecret(path string) object.ID {
	return object.ID{System: object.Vault, Kind: object.KVSecret, Scope: i.cfg.Vault.Mounts.KV, Name: path}
}

// Kube identifies a namespaced Kubernetes object.
func (i IDs) Kube(kind object.Kind, namespace, name string) object.ID {
	return object.ID{System: object.Kubernetes, Kind: kind, Scope: namespace, Name: name}
}

// Namespace identifies a namespace.
func (i IDs) Namespace(name string) object.ID {
	return object.ID{System: object.Kubernetes, Kind: object.Namespace, Name: name}
}

// KVPrefix identifies a tenant's whole prefix inside the KV v2 mount.
func (i IDs) KVPrefix(prefix string) object.ID {
	return object.ID{System: object.Vault, Kind: object.KVPrefix, Scope: i.cfg.Vault.Mounts.KV, Name: prefix}
}

// Leases identifies the dynamic leases under a database role's credentials.
func (i IDs) Leases(role string) object.ID {
	return object.ID{System: object.Vault, Kind: object.Leases, Scope: i.cfg.Vault.Mounts.Database + "/creds", Name: role}
}

// LeasesOf identifies the leases of a database role at the role's own
// mount (which may be a recorded one, not the configured one).
func LeasesOf(role object.ID) object.ID {
	return object.ID{System: object.Vault, Kind: object.Leases, Scope: role.Scope + "/creds", Name: role.Name}
}

// RoleOf identifies the database role whose leases l is.
func RoleOf(l object.ID) object.ID {
	return object.ID{System: object.Vault, Kind: object.DatabaseRole, Scope: strings.TrimSuffix(l.Scope, "/creds"), Name: l.Name}
}
