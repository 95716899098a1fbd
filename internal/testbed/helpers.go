package testbed

import (
	"context"
	"fmt"
	"strings"
	"testing"

	vaultapi "github.com/hashicorp/vault/api"
	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Namespace creates a namespace unique to the test, deleted at its end.
func (b *Bed) Namespace(t testing.TB, prefix string) string {
	t.Helper()
	ns, err := b.Kube.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	t.Cleanup(func() {
		_ = b.Kube.CoreV1().Namespaces().Delete(context.Background(), ns.Name, metav1.DeleteOptions{})
	})
	return ns.Name
}

// Mount enables a secrets engine of type at a path unique to the test.
func (b *Bed) Mount(t testing.TB, typ string, options map[string]string) string {
	t.Helper()
	path := fmt.Sprintf("%s-%s", strings.ToLower(strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())), randomHex(3))
	if err := b.Vault.Sys().Mount(path, &vaultapi.MountInput{Type: typ, Options: options}); err != nil {
		t.Fatalf("mount %s at %s: %v", typ, path, err)
	}
	t.Cleanup(func() { _ = b.Vault.Sys().Unmount(path) })
	return path
}

// VaultClient returns a new client for the bed's Vault with token (empty:
// no token), independent of the admin client.
func (b *Bed) VaultClient(t testing.TB, token string) *vaultapi.Client {
	t.Helper()
	c, err := b.Vault.Clone()
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(token)
	return c
}

// Postgres returns an admin connection to database db, closed when the test ends.
func (b *Bed) Postgres(t testing.TB, db string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), b.PostgresURL(db))
	if err != nil {
		t.Fatalf("connect to postgres database %s: %v", db, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// WireMounts enables a second Kubernetes auth mount and a second database
// mount (with the bed's connections), as a platform moving mounts does.
func (b *Bed) WireMounts(ctx context.Context, kubernetesAuth, database string) error {
	if err := wireKubernetesAuth(ctx, b.Vault, b.Kube, b.RESTConfig, kubernetesAuth); err != nil {
		return err
	}
	return wireDatabase(ctx, b.Vault, database, b.pg)
}
