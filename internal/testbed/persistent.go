package testbed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
)

// PersistentVault is a second Vault, with file storage, that a test can stop
// and start again: a restart is then a real fault (tokens, policies and
// mounts survive it; the server comes back sealed and is unsealed as an
// operator would). It is wired like the bed's dev Vault: Kubernetes auth
// against the bed's API server at "kubernetes", KV v2 at "secret".
type PersistentVault struct {
	Addr   string
	Client *vaultapi.Client // root token
	bed    *Bed
	dir    string
	bin    string
	port   int
	unseal string
	proc   *proc
}

// PersistentVault starts one for the test; it is stopped at its end.
func (b *Bed) PersistentVault(t testing.TB) *PersistentVault {
	t.Helper()
	bins, err := FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	ports, err := freePorts(2, true)
	if err != nil {
		t.Fatal(err)
	}
	v := &PersistentVault{bed: b, dir: t.TempDir(), bin: bins.Vault, port: ports[0],
		Addr: fmt.Sprintf("http://127.0.0.1:%d", ports[0])}
	config := fmt.Sprintf(`storage "file" { path = %q }
listener "tcp" {
  address = "127.0.0.1:%d"
  cluster_address = "127.0.0.1:%d"
  tls_disable = true
}
api_addr = %q
disable_mlock = true
`, filepath.Join(v.dir, "data"), ports[0], ports[1], v.Addr)
	if err := os.WriteFile(filepath.Join(v.dir, "vault.hcl"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Stop)
	ctx := context.Background()
	if err := v.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init, err := v.Client.Sys().InitWithContext(ctx, &vaultapi.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	v.unseal = init.Keys[0]
	v.Client.SetToken(init.RootToken)
	if err := v.unsealNow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := v.Client.Sys().MountWithContext(ctx, "secret", &vaultapi.MountInput{Type: "kv", Options: map[string]string{"version": "2"}}); err != nil {
		t.Fatal(err)
	}
	if err := wireKubernetesAuth(ctx, v.Client, b.Kube, b.RESTConfig, KubernetesAuthMount); err != nil {
		t.Fatal(err)
	}
	return v
}

// Start starts the server (sealed once initialised; Restart unseals it).
func (v *PersistentVault) Start(ctx context.Context) error {
	p, err := start("vault-persistent", v.bin, []string{"server", "-config=" + filepath.Join(v.dir, "vault.hcl"), "-log-level=warn"},
		procOpts{dir: v.dir, env: []string{"HOME=" + v.dir, "VAULT_ADDR=", "VAULT_TOKEN="}})
	if err != nil {
		return err
	}
	v.proc = p
	if v.Client == nil {
		cfg := vaultapi.DefaultConfig()
		cfg.Address, cfg.MaxRetries = v.Addr, 0
		if v.Client, err = vaultapi.NewClient(cfg); err != nil {
			return err
		}
	}
	return p.waitReady(ctx, time.Minute, func(ctx context.Context) error {
		_, err := v.Client.Sys().SealStatusWithContext(ctx)
		return err
	})
}

// Stop stops the server.
func (v *PersistentVault) Stop() {
	if v.proc != nil {
		v.proc.stop(10 * time.Second)
		v.proc = nil
	}
}

// Restart stops the server, starts it again and unseals it.
func (v *PersistentVault) Restart(ctx context.Context) error {
	v.Stop()
	if err := v.Start(ctx); err != nil {
		return err
	}
	return v.unsealNow(ctx)
}

func (v *PersistentVault) unsealNow(ctx context.Context) error {
	if _, err := v.Client.Sys().UnsealWithContext(ctx, v.unseal); err != nil {
		return err
	}
	return v.proc.waitReady(ctx, time.Minute, func(ctx context.Context) error {
		h, err := v.Client.Sys().HealthWithContext(ctx)
		if err != nil {
			return err
		}
		if h.Sealed || h.Standby {
			return fmt.Errorf("vault not active yet: sealed=%v standby=%v", h.Sealed, h.Standby)
		}
		return nil
	})
}
