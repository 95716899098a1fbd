package vaultwrite

import (
	"context"
	"errors"
	"testing"

	"github.com/syncd-dev/syncd/internal/object"
)

func role(mount, name string) object.ID {
	return object.ID{System: object.Vault, Kind: object.DatabaseRole, Scope: mount, Name: name}
}

// TestRevocationWaitsOnlyForARoleThisApplyDeleted: a revocation whose role
// this apply deleted waits (a cancelled context ends the wait with its
// error); any other revocation, or one without Deletions, starts at once.
func TestRevocationWaitsOnlyForARoleThisApplyDeleted(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	d := &Deletions{}
	d.mark(role("database", "shop-catalog"))
	for name, tc := range map[string]struct {
		d    *Deletions
		role object.ID
		want error
	}{
		"deleted by this apply: waits":   {d: d, role: role("database", "shop-catalog"), want: context.Canceled},
		"another role: no wait":          {d: d, role: role("database", "blog-catalog")},
		"same name, another mount":       {d: d, role: role("db2", "shop-catalog")},
		"no deletions recorded: no wait": {d: nil, role: role("database", "shop-catalog")},
	} {
		t.Run(name, func(t *testing.T) {
			if err := tc.d.wait(cancelled, tc.role); !errors.Is(err, tc.want) {
				t.Errorf("wait = %v, want %v", err, tc.want)
			}
		})
	}
}
