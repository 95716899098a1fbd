package inventory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/syncd-dev/syncd/internal/vaulterr"
)

// LeaseTTL is how long a writer's lease lives unless renewed (by default);
// the holder renews it every third of that, so a writer that dies (SIGKILL, a lost node)
// frees its tenants within LeaseTTL, and one that lives never loses them
// while Vault answers.
const LeaseTTL = 30 * time.Second

// WriterRef names, in a tenant's record, the apply that writes the tenant
// now: Begin sets it, Finish clears it. It is live while the writer's
// lease entry (<path>/writers/<id>) is unexpired on Vault's clock.
type WriterRef struct {
	ID     string `json:"id"`
	Holder string `json:"holder"`
}

// lease is a writer's entry.
type lease struct {
	Holder string    `json:"holder"`
	Until  time.Time `json:"until"`
}

// NewWriter names a new writer: holder is what another writer's refusal
// shows ("syncd-7c9f/pod syncd-0", "alice-laptop pid 4242").
func NewWriter(holder string) WriterRef {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return WriterRef{ID: hex.EncodeToString(b), Holder: holder}
}

func (s Store) leasePath(id string) string { return s.Path + "/writers/" + id }

// Claim writes (or renews) w's lease until until. The entry is the
// writer's own: no other writer writes it, so no check-and-set; a
// transient failure is retried.
func (s Store) Claim(ctx context.Context, w WriterRef, until time.Time) error {
	raw, err := json.Marshal(lease{Holder: w.Holder, Until: until.UTC()})
	if err != nil {
		return err
	}
	err = retryTransient(ctx, func() error {
		_, err := s.KV.WriteWithContext(ctx, s.Mount+"/data/"+s.leasePath(w.ID), map[string]any{"data": map[string]any{field: string(raw)}})
		return err
	})
	if err != nil {
		return fmt.Errorf("claiming the writer lease %s/%s: %w", s.Mount, s.leasePath(w.ID), err)
	}
	return nil
}

// Release deletes w's lease: its tenants are free at once.
func (s Store) Release(ctx context.Context, w WriterRef) error {
	err := retryTransient(ctx, func() error {
		_, err := s.KV.DeleteWithContext(ctx, s.Mount+"/metadata/"+s.leasePath(w.ID))
		return err
	})
	if err != nil {
		return fmt.Errorf("releasing the writer lease %s/%s: %w", s.Mount, s.leasePath(w.ID), err)
	}
	return nil
}

// retryTransient runs fn until it succeeds, fails for good, or has failed
// transiently (reset, timeout, 5xx) six times, backing off as write does.
func retryTransient(ctx context.Context, fn func() error) error {
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !vaulterr.Transient(err) || attempt == 6 {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(min(2*time.Second, 100*time.Millisecond<<attempt)):
		}
	}
}

// Held reports whether w's lease is unexpired at now (Vault's time), and
// until when. A lease never written, released or unreadable as a lease is
// not held; a read that fails is an error (the caller must not take over).
func (s Store) Held(ctx context.Context, w WriterRef, now time.Time) (bool, time.Time, error) {
	var l lease
	var v int
	err := retryTransient(ctx, func() (err error) {
		v, err = s.read(ctx, s.leasePath(w.ID), &l)
		return err
	})
	if err != nil {
		return false, time.Time{}, err
	}
	if v == 0 {
		return false, time.Time{}, nil
	}
	return now.Before(l.Until), l.Until, nil
}
