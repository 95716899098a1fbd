package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// KubeTokens mints tokens with the TokenRequest API.
type KubeTokens struct{ Client kubernetes.Interface }

// Token mints a short-lived token for namespace/serviceAccount.
func (k KubeTokens) Token(ctx context.Context, namespace, sa string, audiences []string, ttl time.Duration) (string, error) {
	secs := int64(ttl / time.Second)
	tr, err := k.Client.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, sa, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{Audiences: audiences, ExpirationSeconds: &secs}}, metav1.CreateOptions{})
	if err != nil {
		return "", err
	}
	return tr.Status.Token, nil
}

// VaultClient talks to Vault with tenant tokens only; its own token, if
// any, is never used.
type VaultClient struct{ Client *vaultapi.Client }

func (v VaultClient) as(token string) (*vaultapi.Client, error) {
	c, err := v.Client.Clone()
	if err != nil {
		return nil, err
	}
	c.SetToken(token)
	return c, nil
}

// Login logs in with the Kubernetes auth method.
func (v VaultClient) Login(ctx context.Context, mount, role, jwt string) (string, error) {
	c, err := v.as("")
	if err != nil {
		return "", err
	}
	s, err := c.Logical().WriteWithContext(ctx, "auth/"+mount+"/login", map[string]any{"role": role, "jwt": jwt})
	if err != nil {
		return "", err
	}
	if s == nil || s.Auth == nil {
		return "", errors.New("no token in the answer")
	}
	return s.Auth.ClientToken, nil
}

// Capabilities asks sys/capabilities-self about many paths at once.
func (v VaultClient) Capabilities(ctx context.Context, token string, paths []string) (map[string][]string, error) {
	c, err := v.as(token)
	if err != nil {
		return nil, err
	}
	s, err := c.Logical().WriteWithContext(ctx, "sys/capabilities-self", map[string]any{"paths": paths})
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errors.New("empty answer")
	}
	out := map[string][]string{}
	for _, p := range paths {
		raw, _ := s.Data[p].([]any)
		for _, c := range raw {
			out[p] = append(out[p], fmt.Sprint(c))
		}
	}
	return out, nil
}

// Revoke revokes the token itself.
func (v VaultClient) Revoke(ctx context.Context, token string) error {
	c, err := v.as(token)
	if err != nil {
		return err
	}
	_, err = c.Logical().WriteWithContext(ctx, "auth/token/revoke-self", nil)
	return err
}
