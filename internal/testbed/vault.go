package testbed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startVault runs `vault server -dev` on a random loopback port with a
// generated root token. The dev server also binds port+1 for clustering.
func startVault(ctx context.Context, bin string, o procOpts) (*proc, *vaultapi.Client, error) {
	ports, err := freePorts(2, true)
	if err != nil {
		return nil, nil, err
	}
	token := "root-" + randomHex(12)
	addr := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	o.env = append(o.env, "HOME="+o.dir, "VAULT_ADDR=", "VAULT_TOKEN=")
	p, err := start("vault", bin, []string{
		"server", "-dev",
		fmt.Sprintf("-dev-listen-address=127.0.0.1:%d", ports[0]),
		"-dev-root-token-id=" + token,
		"-dev-no-store-token",
		"-log-level=warn",
	}, o)
	if err != nil {
		return nil, nil, err
	}
	cfg := vaultapi.DefaultConfig()
	cfg.Address = addr
	cfg.MaxRetries = 0
	client, err := vaultapi.NewClient(cfg)
	if err != nil {
		return p, nil, err
	}
	client.SetToken(token)
	err = p.waitReady(ctx, time.Minute, func(ctx context.Context) error {
		h, err := client.Sys().HealthWithContext(ctx)
		if err != nil {
			return err
		}
		if !h.Initialized || h.Sealed {
			return fmt.Errorf("vault not ready: initialized=%v sealed=%v", h.Initialized, h.Sealed)
		}
		return nil
	})
	return p, client, err
}
