package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/syncd-dev/syncd/internal/inventory"
)

// ErrHeld means another writer holds the tenant: it is not touched.
var ErrHeld = errors.New("another writer holds the tenant")

// now is the recorder's clock: Vault's, or this machine's without Clock.
func (r *InventoryRecorder) now(ctx context.Context) (time.Time, error) {
	if r.Clock == nil {
		return time.Now(), nil
	}
	at, err := r.Clock(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading Vault's clock: %w", err)
	}
	return at, nil
}

// claim takes this apply's writer lease and renews it until Finish.
func (r *InventoryRecorder) claim(ctx context.Context) error {
	ttl := cmp.Or(r.LeaseTTL, inventory.LeaseTTL)
	now, err := r.now(ctx)
	if err != nil {
		return err
	}
	if err := r.Store.Claim(ctx, r.Writer, now.Add(ttl)); err != nil {
		return err
	}
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	r.stopRenew = stop
	go func() {
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				if now, err := r.now(rctx); err == nil {
					_ = r.Store.Claim(rctx, r.Writer, now.Add(ttl)) // a failure is retried at the next tick
				}
			}
		}
	}()
	r.held = map[string]error{}
	return nil
}

// checkWriter refuses a tenant whose record names another writer whose
// lease is live; an expired lease is taken over.
func (r *InventoryRecorder) checkWriter(ctx context.Context, t *inventory.Tenant) error {
	if r.Writer.ID == "" || t.Writer == nil || t.Writer.ID == r.Writer.ID {
		return nil
	}
	r.mu.Lock()
	why, seen := r.held[t.Writer.ID]
	r.mu.Unlock()
	if seen {
		return why
	}
	now, err := r.now(ctx)
	if err == nil {
		var held bool
		var until time.Time
		if held, until, err = r.Store.Held(ctx, *t.Writer, now); err == nil && held {
			err = fmt.Errorf("%s is applying it (its lease runs until %s unless renewed): wait for it to finish, then plan again: %w",
				t.Writer.Holder, until.UTC().Format(time.RFC3339), ErrHeld)
		}
	}
	r.mu.Lock()
	r.held[t.Writer.ID] = err
	r.mu.Unlock()
	return err
}

// release ends the lease: the renewal stops and the entry goes.
func (r *InventoryRecorder) release(ctx context.Context) error {
	if r.stopRenew == nil {
		return nil
	}
	r.stopRenew()
	r.stopRenew = nil
	return r.Store.Release(ctx, r.Writer)
}
