// Package vaultauth keeps one Vault token alive for a process: a login
// with a JWT — the pod's service-account token (Kubernetes auth) or a CI
// job's OIDC token (JWT auth) — renewed by vault/api's
// lifetime watcher, and a new login only when the token can no longer be
// renewed or Vault refuses it. A replaced token is revoked and its renewer
// stopped; logins after a refusal back off; Close revokes the last token.
// Never a static token in a cluster, never a login per reconcile.
package vaultauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/safefile"
)

// DefaultJWTFile is where a pod's service-account token is mounted.
const DefaultJWTFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// Backoff bounds between logins that follow a refusal: a role or policy
// that refuses every new token costs one login per interval, not one per
// poll.
const (
	MinBackoff = 5 * time.Second
	MaxBackoff = 5 * time.Minute
)

// Login logs in with the Kubernetes auth method — or the JWT auth
// method, whose login is the same (a role and a JWT) — and keeps the token.
type Login struct {
	Client  *vaultapi.Client
	Mount   string // auth mount, e.g. "kubernetes" or "jwt"
	Role    string
	JWTFile string // default DefaultJWTFile; read at each login (it rotates)
	JWT     string // the token itself, instead of JWTFile (a CI job's)
	Log     *slog.Logger
	// MinBackoff, MaxBackoff override the package's bounds (tests).
	MinBackoff, MaxBackoff time.Duration

	mu        sync.Mutex
	valid     bool   // a token is set and its watcher runs
	gen       uint64 // which login valid speaks of
	token     string // the current token
	stop      func() // stops the current token's renewer
	lastLogin time.Time
	delay     time.Duration // the wait before a login after a refusal
	logins    atomic.Int64
}

// Logins counts the logins made.
func (k *Login) Logins() int64 { return k.logins.Load() }

// ErrBackingOff refuses a login too soon after the last one was refused.
var ErrBackingOff = errors.New("vault login backing off")

// Ensure makes sure the client holds a live token: it logs in the first
// time and after the token could not be renewed; otherwise it does
// nothing. ctx bounds the renewals' life.
func (k *Login) Ensure(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.valid {
		return nil
	}
	if wait := time.Until(k.lastLogin.Add(k.delay)); k.delay > 0 && wait > 0 {
		return fmt.Errorf("%w: Vault refused the token of the last login; the next login in %s", ErrBackingOff, wait.Round(time.Second))
	}
	return k.login(ctx)
}

// Refused reports that Vault refused the token (403 on a request syncd
// must be allowed): the next Ensure logs in again, after a backoff that
// doubles while new tokens keep being refused.
func (k *Login) Refused() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.valid {
		return
	}
	k.valid = false
	minB, maxB := or(k.MinBackoff, MinBackoff), or(k.MaxBackoff, MaxBackoff)
	if k.delay > 0 && time.Since(k.lastLogin) < 2*k.delay+minB {
		k.delay = min(2*k.delay, maxB) // refused again soon after a login
	} else {
		k.delay = minB
	}
}

// Close stops the renewer and revokes the current token.
func (k *Login) Close(ctx context.Context) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.retire(ctx)
	k.valid = false
}

// retire stops the current token's renewer and revokes it (k.mu held).
func (k *Login) retire(ctx context.Context) {
	if k.stop != nil {
		k.stop()
		k.stop = nil
	}
	if k.token == "" {
		return
	}
	old, err := k.Client.Clone()
	if err == nil {
		old.SetToken(k.token)
		err = old.Auth().Token().RevokeSelfWithContext(ctx, "")
	}
	if err != nil {
		k.Log.Warn("revoking the replaced Vault token failed; it expires with its TTL", "error", err)
	}
	k.token = ""
}

func (k *Login) login(ctx context.Context) error {
	path := k.JWTFile
	if path == "" {
		path = DefaultJWTFile
	}
	jwt := []byte(k.JWT)
	if k.JWT == "" {
		var err error
		if jwt, err = safefile.Read(path, 64<<10, safefile.FollowLinks); err != nil { // a projected token: a symlink by design
			return fmt.Errorf("vault login: reading the token to log in with: %w", err)
		}
	} else {
		path = "$SYNCD_VAULT_JWT"
	}
	k.retire(ctx)
	k.lastLogin = time.Now()
	secret, err := k.Client.Logical().WriteWithContext(ctx, "auth/"+k.Mount+"/login",
		map[string]any{"role": k.Role, "jwt": strings.TrimSpace(string(jwt))})
	if err != nil {
		k.delay = max(k.delay, or(k.MinBackoff, MinBackoff))
		return fmt.Errorf("vault login (auth/%s, role %s, token %s): %w", k.Mount, k.Role, path, err)
	}
	if secret == nil || secret.Auth == nil || secret.Auth.ClientToken == "" {
		return errors.New("vault login: no token in the answer")
	}
	k.logins.Add(1)
	k.Client.SetToken(secret.Auth.ClientToken)
	k.token, k.valid = secret.Auth.ClientToken, true
	k.gen++
	gen := k.gen
	k.Log.Info("logged in to Vault", "mount", k.Mount, "role", k.Role, "ttl", time.Duration(secret.Auth.LeaseDuration)*time.Second,
		"renewable", secret.Auth.Renewable, "policies", secret.Auth.Policies)
	if !secret.Auth.Renewable {
		return nil
	}
	w, err := k.Client.NewLifetimeWatcher(&vaultapi.LifetimeWatcherInput{Secret: secret})
	if err != nil {
		return err
	}
	wctx, cancel := context.WithCancel(ctx)
	k.stop = cancel
	go w.Start()
	go func() {
		defer w.Stop()
		for {
			select {
			case <-wctx.Done():
				return
			case r := <-w.RenewCh():
				k.Log.Debug("renewed the Vault token", "ttl", time.Duration(r.Secret.Auth.LeaseDuration)*time.Second)
			case err := <-w.DoneCh():
				k.Log.Info("the Vault token can no longer be renewed; the next reconcile logs in again", "reason", errString(err))
				k.mu.Lock()
				if k.gen == gen { // not a token replaced since
					k.valid, k.token = false, "" // expired: nothing to revoke
				}
				k.mu.Unlock()
				return
			}
		}
	}()
	return nil
}

func or(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func errString(err error) string {
	if err == nil {
		return "maximum TTL reached"
	}
	return err.Error()
}
