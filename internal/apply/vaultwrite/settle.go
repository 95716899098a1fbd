package vaultwrite

import (
	"context"
	"sync"
	"time"

	"github.com/syncd-dev/syncd/internal/object"
)

// DefaultSettle is how long a lease revocation waits after its database
// role was deleted. A creds read that found the role before it went still
// creates its Postgres user and registers its lease after the deletion; a
// sweep that starts before that lease exists misses it, and nothing would
// revoke it before its TTL. The window is one creds read (a CREATE ROLE on
// Postgres: milliseconds); the wait is that, with a wide margin.
const DefaultSettle = 2 * time.Second

// Deletions remembers when this apply deleted each database role, so the
// revocation of the role's leases starts only once every creds read that
// began before has registered its lease. Revocations of roles deleted long
// ago (a retried off-boarding) do not wait. Safe for concurrent use.
type Deletions struct {
	// Settle is the wait after a deletion (DefaultSettle when zero).
	Settle time.Duration

	mu sync.Mutex
	at map[object.ID]time.Time // database role -> deleted
}

func (d *Deletions) mark(role object.ID) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.at == nil {
		d.at = map[object.ID]time.Time{}
	}
	d.at[role] = time.Now()
}

// wait returns once the role's deletion by this apply (if any) has
// settled, or when ctx ends.
func (d *Deletions) wait(ctx context.Context, role object.ID) error {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	at, ok := d.at[role]
	d.mu.Unlock()
	if !ok {
		return nil
	}
	settle := d.Settle
	if settle == 0 {
		settle = DefaultSettle
	}
	t := time.NewTimer(time.Until(at.Add(settle)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
