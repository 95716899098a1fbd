package e2e_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestPlanWithACIJobsOIDCToken is the PR check's credential path, on the
// real Vault: the JWT auth method trusts the CI's signing key, and a role
// bound by claims (the repository, the event) gives the read-only plan
// policy for ten minutes. The right claims plan; another repository's
// token is refused at login; the token the check gets cannot write.
func TestPlanWithACIJobsOIDCToken(t *testing.T) {
	testbed.Require(t, bed)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	must(t, err)
	mount := "jwt-e2e-ci"
	if err := bed.Vault.Sys().EnableAuthWithOptions(mount, &vaultapi.EnableAuthOptions{Type: "jwt"}); err != nil && !strings.Contains(err.Error(), "path is already in use") {
		t.Fatal(err)
	}
	_, err = bed.Vault.Logical().Write("auth/"+mount+"/config", map[string]any{
		"jwt_validation_pubkeys": []string{string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))},
		"bound_issuer":           "https://token.actions.githubusercontent.com"})
	must(t, err)
	r := newRepo(t, "e2e-ci", map[string]string{"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	namespace(t, "e2e-ci-shop", "eso", "shop")
	must(t, bed.Vault.Sys().PutPolicy("e2e-ci-plan", string(policy.Render(desired.ReadOnlyPolicy(r.cfg)))))
	_, err = bed.Vault.Logical().Write("auth/"+mount+"/role/syncd-plan", map[string]any{
		"role_type": "jwt", "user_claim": "sub", "bound_audiences": []string{"vault"},
		"bound_claims":   map[string]any{"repository": "platform/tenants", "event_name": "pull_request"},
		"token_policies": []string{"e2e-ci-plan"}, "token_ttl": "10m", "token_max_ttl": "10m", "token_no_default_policy": true})
	must(t, err)

	sign := func(repository string) string {
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
		must(t, err)
		now := time.Now()
		tok, err := jwt.Signed(signer).Claims(jwt.Claims{
			Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:" + repository + ":pull_request",
			Audience: jwt.Audience{"vault"}, IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
			Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)),
		}).Claims(map[string]any{"repository": repository, "event_name": "pull_request"}).Serialize()
		must(t, err)
		return tok
	}
	plan := func(token string) (int, string) {
		t.Setenv("SYNCD_VAULT_JWT", token)
		code, out, errOut := syncd(t, "", kubeconfig(t, ""), "plan", "--dir", r.dir, "--vault-auth", "jwt", "--vault-auth-mount", mount)
		return code, out + errOut
	}
	if code, out := plan(sign("platform/tenants")); code != 0 || !strings.Contains(out, "to create") {
		t.Fatalf("the repository's own token: exit %d\n%s", code, out)
	}
	if code, out := plan(sign("someone/fork")); code != 1 || !strings.Contains(out, `claim "repository" does not match`) || strings.Contains(out, "to create") {
		t.Errorf("another repository's token: exit %d\n%s", code, out)
	}
	login, err := bed.Vault.Logical().Write("auth/"+mount+"/login", map[string]any{"role": "syncd-plan", "jwt": sign("platform/tenants")})
	must(t, err)
	vc, err := bed.Vault.Clone()
	must(t, err)
	vc.SetToken(login.Auth.ClientToken)
	if _, err := vc.Logical().Read("sys/policies/acl/e2e-ci-app-shop"); err != nil {
		t.Errorf("the plan token cannot read what plan reads: %v", err)
	}
	_, err = vc.Logical().Write("sys/policies/acl/e2e-ci-app-shop", map[string]any{"policy": `path "*" { capabilities = ["sudo"] }`})
	var re *vaultapi.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 403 {
		t.Errorf("the plan token wrote a policy: %v", err)
	}
}
