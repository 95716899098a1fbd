package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestAudienceReachesBothSides proves against real Vault and the API server
// that with auth.audience set, the token ESO requests for what syncd
// renders (serviceAccountRef.audiences) logs in with the role syncd renders,
// and that a token without the audience — what ESO requested before the
// fix — is refused.
func TestAudienceReachesBothSides(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	r := newRepo(t, "e2e-aud", map[string]string{"solo": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n"})
	cfgPath := filepath.Join(r.dir, "syncd.yaml")
	body, err := os.ReadFile(cfgPath)
	must(t, err)
	must(t, os.WriteFile(cfgPath, append(body, "auth:\n  audience: https://vault.e2e\n"...), 0o644))
	r.cfg, err = config.Load(cfgPath, false)
	must(t, err)
	st := r.state(t)
	role := obj(t, st, object.AuthRole, "e2e-aud-solo")
	store := obj(t, st, object.SecretStore, "vault-solo")
	namespace(t, "e2e-aud-solo", "eso", "solo")
	writeVault(t, r.cfg, role.Spec)
	createKube(t, r.cfg, store) // the CRD accepts serviceAccountRef.audiences

	login := func(audiences []string) error {
		secs := int64(600)
		tr, err := bed.Kube.CoreV1().ServiceAccounts("e2e-aud-solo").CreateToken(ctx, "eso", &authenticationv1.TokenRequest{
			Spec: authenticationv1.TokenRequestSpec{Audiences: audiences, ExpirationSeconds: &secs}}, metav1.CreateOptions{})
		must(t, err)
		_, err = bed.VaultClient(t, "").Logical().Write("auth/"+r.cfg.Vault.Mounts.KubernetesAuth+"/login",
			map[string]any{"role": role.ID.Name, "jwt": tr.Status.Token})
		return err
	}
	rendered, _, err := store.Spec.(*desired.ManifestSpec).Login()
	must(t, err)
	audiences := rendered.Audiences
	if err := login(audiences); err != nil {
		t.Errorf("login with the rendered audiences %v: %v", audiences, err)
	}
	if err := login(nil); err == nil || !strings.Contains(err.Error(), "audience") {
		t.Errorf("login with the API server's default audience: err = %v, want a refusal naming the audience", err)
	}
}
