package desired

import (
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// SetClaimHash replaces the claims index's hash until restore is called.
func SetClaimHash(h func(object.ID) uint64) (restore func()) {
	prev := claimHash
	claimHash = h
	return func() { claimHash = prev }
}

// TenantFile is a tenant file named name.yaml whose spec is spec (YAML
// lines from "spec:" on).
func TenantFile(name, spec string) tenant.File {
	return tenant.File{Path: name + ".yaml", Data: []byte("apiVersion: syncd.io/v1alpha1\nkind: Tenant\nmetadata:\n  name: " + name + "\n" + spec)}
}
