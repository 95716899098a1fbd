package reconcile

import (
	"testing"

	vaultapi "github.com/hashicorp/vault/api"
)

// Apply's writes run without vault/api's retries on a twin of the shared
// client; the shared client keeps its retries, token and namespace.
func TestWriteClientLeavesTheSharedClientAlone(t *testing.T) {
	shared, err := vaultapi.NewClient(&vaultapi.Config{Address: "https://vault.example:8200", MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	shared.SetToken("t0ken")
	shared.SetNamespace("team-a")
	w, err := writeClient(shared)
	if err != nil {
		t.Fatal(err)
	}
	if w.MaxRetries() != 0 || w.Token() != "t0ken" || w.Namespace() != "team-a" || w.Address() != shared.Address() {
		t.Errorf("write client: retries %d, token %q, namespace %q, address %q", w.MaxRetries(), w.Token(), w.Namespace(), w.Address())
	}
	if shared.MaxRetries() != 2 {
		t.Errorf("the shared client's retries became %d", shared.MaxRetries())
	}
}
