package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/testbed"
)

// daemonIdentity sets up, on Vault v, the identity the daemon logs in as: a
// (broad, test) policy, a Kubernetes auth role bound to service account
// syncd in ns, with the role name kept readable in the audit log. It returns
// a file holding the service account's token and a function setting the
// role's token TTLs.
func daemonIdentity(t *testing.T, v *vaultapi.Client, ns, role string) (string, func(ttl, maxTTL string)) {
	t.Helper()
	must(t, v.Sys().TuneMount("auth/kubernetes", vaultapi.MountConfigInput{AuditNonHMACRequestKeys: []string{"role"}}))
	must(t, v.Sys().PutPolicy(role, `path "*" { capabilities = ["create", "read", "update", "delete", "list", "sudo"] }`))
	namespace(t, ns, "syncd", "")
	setTTL := func(ttl, maxTTL string) {
		_, err := v.Logical().Write("auth/kubernetes/role/"+role, map[string]any{
			"bound_service_account_names": "syncd", "bound_service_account_namespaces": ns,
			"token_policies": role, "token_ttl": ttl, "token_max_ttl": maxTTL})
		must(t, err)
	}
	jwt, err := testbed.ServiceAccountToken(context.Background(), bed.Kube, ns, "syncd", time.Hour)
	must(t, err)
	jwtFile := filepath.Join(t.TempDir(), "token")
	must(t, os.WriteFile(jwtFile, []byte(jwt), 0o600))
	return jwtFile, setTTL
}

// logins counts the audited Kubernetes auth logins as role.
func logins(entries []auditEntry, role string) int {
	n := 0
	for _, e := range entries {
		if e.Type == "request" && e.Request.Path == "auth/kubernetes/login" && e.Request.Data["role"] == role {
			n++
		}
	}
	return n
}
