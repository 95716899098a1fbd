package e2e_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/testbed"
	"github.com/syncd-dev/syncd/internal/vaultauth"
)

// TestVaultLoginLifecycle, on the real Vault: a token replaced after a
// refusal is revoked (its renewer stopped with it), a refusal right after a
// login backs off instead of logging in at every poll, and Close revokes
// the last token.
func TestVaultLoginLifecycle(t *testing.T) {
	testbed.Require(t, bed)
	jwtFile, setTTL := daemonIdentity(t, bed.Vault, "e2e-vauth", "e2e-vauth")
	setTTL("10m", "1h")
	vc, err := vaultapi.NewClient(&vaultapi.Config{Address: bed.VaultAddr})
	must(t, err)
	vc.ClearToken()
	auth := &vaultauth.Login{Client: vc, Mount: "kubernetes", Role: "e2e-vauth", JWTFile: jwtFile,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MinBackoff: 300 * time.Millisecond, MaxBackoff: time.Second}
	ctx := context.Background()
	alive := func(token string) bool {
		c, err := bed.Vault.Clone()
		must(t, err)
		c.SetToken(token)
		_, err = c.Auth().Token().LookupSelf()
		return err == nil
	}

	must(t, auth.Ensure(ctx))
	first := vc.Token()
	must(t, auth.Ensure(ctx)) // a live token: no new login
	if auth.Logins() != 1 {
		t.Fatalf("logins = %d, want 1", auth.Logins())
	}
	auth.Refused()
	if err := auth.Ensure(ctx); !errors.Is(err, vaultauth.ErrBackingOff) {
		t.Fatalf("a login right after a refusal: %v, want a backoff", err)
	}
	eventually(t, "the backoff to pass", 10*time.Second, func() (bool, string) {
		return auth.Ensure(ctx) == nil, "still backing off"
	})
	second := vc.Token()
	if second == first || auth.Logins() != 2 {
		t.Fatalf("logins %d, token replaced: %v", auth.Logins(), second != first)
	}
	if alive(first) {
		t.Error("the replaced token is still alive")
	}
	if !alive(second) {
		t.Fatal("the new token is not alive")
	}
	auth.Close(ctx)
	if alive(second) {
		t.Error("Close left the token alive")
	}
}
