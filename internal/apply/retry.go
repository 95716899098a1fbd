package apply

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Transient marks an error worth retrying: the connection was refused or
// reset, the server answered 5xx or 429, or Vault answered as a standby.
// Writers wrap such errors; every other error (400, 403, 404, a conflict) is
// final.
type Transient struct{ Err error }

func (e *Transient) Error() string { return e.Err.Error() }
func (e *Transient) Unwrap() error { return e.Err }

// IsTransient reports whether err is marked Transient.
func IsTransient(err error) bool {
	var t *Transient
	return errors.As(err, &t)
}

// Retry is the backoff for transient failures: Attempts tries in all, the
// n-th wait drawn uniformly from [0, min(Max, Base·2^n)] ("full jitter", so
// many retrying changes do not hit a recovering Vault in step).
type Retry struct {
	Attempts  int
	Base, Max time.Duration
}

// DefaultRetry suits one Vault: about 15 s of retrying in the worst case.
var DefaultRetry = Retry{Attempts: 6, Base: 250 * time.Millisecond, Max: 8 * time.Second}

// do runs fn until it succeeds, fails for good, or attempts run out; it
// returns the attempts made and the last error.
func (r Retry) do(ctx context.Context, fn func() error) (int, error) {
	attempts := max(r.Attempts, 1)
	for n := 1; ; n++ {
		err := fn()
		if err == nil || !IsTransient(err) || n == attempts || ctx.Err() != nil {
			return n, err
		}
		wait := min(r.Max, r.Base<<(n-1))
		if wait > 0 {
			wait = rand.N(wait + 1)
		}
		select {
		case <-ctx.Done():
			return n, errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
	}
}
