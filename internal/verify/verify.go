// Package verify proves isolation against the live systems: for each tenant
// it logs in to Vault exactly as ESO does (a service-account token from the
// Kubernetes TokenRequest API, the tenant's auth role) and asks Vault, with
// sys/capabilities-self, what that token may do — read each of the tenant's
// declared paths, and nothing of any other tenant's paths or of a fixed list
// of sensitive ones. It also checks that the tenant's role refuses a token of
// another tenant's service account. Every Vault token it creates is revoked
// before it returns. It needs no Vault token of its own.
package verify

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
)

// Kubernetes mints service-account tokens.
type Kubernetes interface {
	Token(ctx context.Context, namespace, serviceAccount string, audiences []string, ttl time.Duration) (string, error)
}

// Vault logs in, asks for capabilities and revokes, all as the tenant.
type Vault interface {
	Login(ctx context.Context, mount, role, jwt string) (token string, err error)
	Capabilities(ctx context.Context, token string, paths []string) (map[string][]string, error)
	Revoke(ctx context.Context, token string) error
}

// Kinds of check.
const (
	Own       = "own"       // the tenant's declared path: must be readable
	Other     = "other"     // another tenant's path: nothing allowed
	Sensitive = "sensitive" // outside every tenant: nothing allowed
	Login     = "login"     // the role with another tenant's service account: refused
)

// Check is one cell of the matrix.
type Check struct {
	Tenant string   `json:"tenant"`
	Kind   string   `json:"kind"`
	Path   string   `json:"path"`
	Got    []string `json:"got"` // the capabilities, or ["refused"]/["allowed"] for a login
	OK     bool     `json:"ok"`
	// Problem says what is wrong: a violation (access beyond the tenant)
	// or a missing grant (its own path not readable).
	Problem string `json:"problem,omitempty"`
}

// Report is the verification of every tenant asked for.
type Report struct {
	Checks []Check `json:"checks"`
	// Violations are accesses beyond a tenant; Missing are own paths it
	// cannot read; Errors are tenants that could not be verified at all.
	Violations int      `json:"violations"`
	Missing    int      `json:"missing"`
	Errors     []string `json:"errors,omitempty"`
	// Failed names the tenants behind Errors.
	Failed []string `json:"failedTenants,omitempty"`
	// Tokens counts the Vault tokens created, Revoked those revoked again.
	Tokens, Revoked int
}

// OK reports whether every tenant verified cleanly.
func (r *Report) OK() bool { return r.Violations == 0 && r.Missing == 0 && len(r.Errors) == 0 }

// Options bound the work.
type Options struct {
	// MaxOthers bounds the other tenants' paths checked per tenant; past
	// it, a deterministic sample (every n-th in a stable order).
	MaxOthers int
	// TokenTTL is the life of the service-account tokens minted.
	TokenTTL time.Duration
}

// Run verifies the named tenants of the state (all when none).
func Run(ctx context.Context, cfg *config.Config, st *desired.State, only []string, k Kubernetes, v Vault, opts Options) *Report {
	if opts.MaxOthers == 0 {
		opts.MaxOthers = 200
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 10 * time.Minute
	}
	paths := tenantPaths(cfg, st)
	all := allPaths(paths)
	r := &Report{}
	for i, t := range st.Tenants {
		if len(only) > 0 && !slices.Contains(only, t.Name) {
			continue
		}
		if err := r.tenant(ctx, cfg, st, i, paths[t.Name], others(all, paths[t.Name], t.Name, opts.MaxOthers), k, v, opts); err != nil {
			r.Errors = append(r.Errors, fmt.Sprintf("tenant %s: %v", t.Name, err))
			r.Failed = append(r.Failed, t.Name)
		}
	}
	for _, c := range r.Checks {
		switch {
		case c.OK:
		case c.Kind == Own:
			r.Missing++
		default:
			r.Violations++
		}
	}
	return r
}

// tenant verifies tenant i of st.
func (r *Report) tenant(ctx context.Context, cfg *config.Config, st *desired.State, i int, own, others []string, k Kubernetes, v Vault, opts Options) error {
	t := st.Tenants[i]
	role := cfg.AuthRoleName(t.Name)
	aud := audiences(cfg)
	jwt, err := k.Token(ctx, t.Namespace, t.ServiceAccount, aud, opts.TokenTTL)
	if err != nil {
		return fmt.Errorf("minting a token for %s/%s: %w", t.Namespace, t.ServiceAccount, err)
	}
	token, err := v.Login(ctx, cfg.Vault.Mounts.KubernetesAuth, role, jwt)
	if err != nil {
		return fmt.Errorf("logging in as role %s with %s/%s: %w", role, t.Namespace, t.ServiceAccount, err)
	}
	r.Tokens++
	defer func() {
		if err := v.Revoke(context.WithoutCancel(ctx), token); err != nil {
			r.Errors = append(r.Errors, fmt.Sprintf("tenant %s: revoking its verification token: %v", t.Name, err))
			return
		}
		r.Revoked++
	}()
	sensitive := sensitivePaths(cfg, st)
	all := append(append(slices.Clone(own), others...), sensitive...)
	caps, err := v.Capabilities(ctx, token, all)
	if err != nil {
		return fmt.Errorf("asking Vault for capabilities: %w", err)
	}
	add := func(kind string, paths []string) {
		for _, p := range paths {
			got := caps[p]
			c := Check{Tenant: t.Name, Kind: kind, Path: p, Got: got}
			switch {
			case kind == Own:
				c.OK = slices.Contains(got, "read")
				if !c.OK {
					c.Problem = "missing grant: the tenant cannot read its own declared path"
				}
			default:
				c.OK = len(got) == 1 && got[0] == "deny"
				if !c.OK {
					c.Problem = fmt.Sprintf("violation: %v on a path outside the tenant", got)
				}
			}
			r.Checks = append(r.Checks, c)
		}
	}
	add(Own, own)
	add(Other, others)
	add(Sensitive, sensitive)
	// The role must refuse another tenant's service account.
	for j, o := range st.Tenants {
		if j == i {
			continue
		}
		foreign, err := k.Token(ctx, o.Namespace, o.ServiceAccount, aud, opts.TokenTTL)
		if err != nil {
			return fmt.Errorf("minting a token for %s/%s: %w", o.Namespace, o.ServiceAccount, err)
		}
		c := Check{Tenant: t.Name, Kind: Login, Path: fmt.Sprintf("auth/%s/login role=%s as %s/%s", cfg.Vault.Mounts.KubernetesAuth, role, o.Namespace, o.ServiceAccount)}
		stolen, err := v.Login(ctx, cfg.Vault.Mounts.KubernetesAuth, role, foreign)
		if err != nil {
			c.Got, c.OK = []string{"refused"}, true
		} else {
			r.Tokens++
			if v.Revoke(context.WithoutCancel(ctx), stolen) == nil {
				r.Revoked++
			}
			c.Got, c.Problem = []string{"allowed"}, "violation: the role accepts another tenant's service account"
		}
		r.Checks = append(r.Checks, c)
		break // one foreign identity suffices: the role binds one namespace and service account
	}
	return nil
}
