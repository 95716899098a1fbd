// Package vaultauth keeps one Vault token alive for a process: a Kubernetes
// auth login with the pod's service-account token, renewed by vault/api's
// lifetime watcher, and a new login only when the token can no longer be
// renewed or Vault refuses it. Never a static token in a cluster, never a
// login per reconcile.
package vaultauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/safefile"
)

// DefaultJWTFile is where a pod's service-account token is mounted.
const DefaultJWTFile = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// Kubernetes logs in with the Kubernetes auth method and keeps the token.
type Kubernetes struct {
	Client  *vaultapi.Client
	Mount   string // auth mount, e.g. "kubernetes"
	Role    string
	JWTFile string // default DefaultJWTFile; read at each login (it rotates)
	Log     *slog.Logger

	mu     sync.Mutex
	valid  bool   // a token is set and its watcher runs
	gen    uint64 // which login valid speaks of
	logins atomic.Int64
}

// Logins counts the logins made.
func (k *Kubernetes) Logins() int64 { return k.logins.Load() }

// Ensure makes sure the client holds a live token: it logs in the first
// time and after the token could not be renewed; otherwise it does
// nothing. ctx bounds the renewals' life.
func (k *Kubernetes) Ensure(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.valid {
		return nil
	}
	return k.login(ctx)
}

// Refused reports that Vault refused the token (403 on a request syncd
// must be allowed): the next Ensure logs in again.
func (k *Kubernetes) Refused() {
	k.mu.Lock()
	k.valid = false
	k.mu.Unlock()
}

func (k *Kubernetes) login(ctx context.Context) error {
	path := k.JWTFile
	if path == "" {
		path = DefaultJWTFile
	}
	jwt, err := safefile.Read(path, 64<<10, safefile.FollowLinks) // a projected token: a symlink by design
	if err != nil {
		return fmt.Errorf("vault kubernetes login: reading the service account token: %w", err)
	}
	secret, err := k.Client.Logical().WriteWithContext(ctx, "auth/"+k.Mount+"/login",
		map[string]any{"role": k.Role, "jwt": strings.TrimSpace(string(jwt))})
	if err != nil {
		return fmt.Errorf("vault kubernetes login (auth/%s, role %s, token %s): %w", k.Mount, k.Role, path, err)
	}
	if secret == nil || secret.Auth == nil || secret.Auth.ClientToken == "" {
		return errors.New("vault kubernetes login: no token in the answer")
	}
	k.logins.Add(1)
	k.Client.SetToken(secret.Auth.ClientToken)
	k.valid = true
	k.gen++
	gen := k.gen
	k.Log.Info("logged in to Vault", "mount", k.Mount, "role", k.Role, "ttl_seconds", secret.Auth.LeaseDuration,
		"renewable", secret.Auth.Renewable, "policies", secret.Auth.Policies)
	if !secret.Auth.Renewable {
		return nil
	}
	w, err := k.Client.NewLifetimeWatcher(&vaultapi.LifetimeWatcherInput{Secret: secret})
	if err != nil {
		return err
	}
	go w.Start()
	go func() {
		defer w.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case r := <-w.RenewCh():
				k.Log.Debug("renewed the Vault token", "ttl_seconds", r.Secret.Auth.LeaseDuration)
			case err := <-w.DoneCh():
				k.Log.Info("the Vault token can no longer be renewed; the next reconcile logs in again", "reason", errString(err))
				k.mu.Lock()
				if k.gen == gen { // not a token replaced since
					k.valid = false
				}
				k.mu.Unlock()
				return
			}
		}
	}()
	return nil
}

func errString(err error) string {
	if err == nil {
		return "maximum TTL reached"
	}
	return err.Error()
}
