package desired

import "github.com/syncd-dev/syncd/internal/object"

// SetClaimHash replaces the claims index's hash until restore is called.
func SetClaimHash(h func(object.ID) uint64) (restore func()) {
	prev := claimHash
	claimHash = h
	return func() { claimHash = prev }
}
