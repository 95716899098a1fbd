package cli

import (
	"context"
	"fmt"
	"os"

	vaultapi "github.com/hashicorp/vault/api"
	"github.com/spf13/cobra"

	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/suggest"
	"github.com/syncd-dev/syncd/internal/vaultauth"
)

// vaultLogin chooses how syncd gets its Vault token: VAULT_TOKEN (local
// use), a Kubernetes auth login with the pod's service-account token (the
// daemon), or a JWT auth login with a CI job's OIDC token (a PR check: a
// token bound to the repository, short-lived, nothing stored).
type vaultLogin struct {
	method, mount, role, jwtFile string
}

func (v *vaultLogin) flags(cmd *cobra.Command, defaultRole string) {
	fl := cmd.Flags()
	fl.StringVar(&v.method, "vault-auth", envOr("SYNCD_VAULT_AUTH", "token"),
		"token (VAULT_TOKEN), kubernetes (log in with the pod's service-account token, renewed) or jwt (log in with a CI job's OIDC token) ($SYNCD_VAULT_AUTH)")
	fl.StringVar(&v.mount, "vault-auth-mount", os.Getenv("SYNCD_VAULT_AUTH_MOUNT"), "auth mount to log in with (default kubernetes, or jwt) ($SYNCD_VAULT_AUTH_MOUNT)")
	_ = cmd.RegisterFlagCompletionFunc("vault-auth", cobra.FixedCompletions([]string{"token", "kubernetes", "jwt"}, cobra.ShellCompDirectiveNoFileComp))
	fl.StringVar(&v.role, "vault-role", envOr("SYNCD_VAULT_ROLE", defaultRole), "auth role to log in as ($SYNCD_VAULT_ROLE)")
	fl.StringVar(&v.jwtFile, "vault-jwt-file", os.Getenv("SYNCD_VAULT_JWT_FILE"),
		"file holding the token to log in with (default the pod's service-account token; for jwt, $SYNCD_VAULT_JWT holds it when no file is given) ($SYNCD_VAULT_JWT_FILE)")
}

// check refuses an unknown method: a flag is checked before any
// credential or cluster is touched.
func (v *vaultLogin) check() error {
	switch v.method {
	case "token", "kubernetes", "jwt":
		return nil
	}
	return fmt.Errorf("--vault-auth must be token, kubernetes or jwt, got %q%s", v.method, suggest.Hint(v.method, []string{"token", "kubernetes", "jwt"}))
}

// session is a Vault client and what keeps its token: ensure before each
// use, refused on a 403, close at the end (revokes a token syncd made).
type session struct {
	client  *vaultapi.Client
	ensure  func(context.Context) error
	refused func()
	close   func(context.Context)
}

// vaultSession builds the client v describes, counting requests.
func (o *options) vaultSession(v vaultLogin, counter *live.Counter) (*session, error) {
	s := &session{ensure: func(context.Context) error { return nil }, refused: func() {}, close: func(context.Context) {}}
	if err := v.check(); err != nil {
		return nil, err
	}
	var err error
	if v.method == "token" {
		s.client, err = o.vaultClient(counter)
		return s, err
	}
	if s.client, err = o.vaultClientNoToken(counter); err != nil {
		return nil, err
	}
	if s.client.Token() != "" {
		return nil, fmt.Errorf("--vault-auth %s with VAULT_TOKEN set: unset it; syncd logs in itself", v.method)
	}
	auth := &vaultauth.Login{Client: s.client, Mount: v.mount, Role: v.role, JWTFile: v.jwtFile, Log: o.log}
	if auth.Mount == "" {
		auth.Mount = v.method
	}
	if v.method == "jwt" && v.jwtFile == "" {
		if auth.JWT = os.Getenv("SYNCD_VAULT_JWT"); auth.JWT == "" {
			return nil, fmt.Errorf("--vault-auth jwt needs the job's OIDC token: --vault-jwt-file or $SYNCD_VAULT_JWT")
		}
	}
	s.ensure, s.refused, s.close = auth.Ensure, auth.Refused, auth.Close
	return s, nil
}
