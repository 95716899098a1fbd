package e2e_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live/kuberead"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/tenant"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// removedTenant is what a tenant had before its off-boarding: the
// credentials ESO synced for it ("" when it has no database).
type removedTenant struct {
	name, user, password string
}

// checkInvariants is the one check every crash, fault and soak test ends
// with, after a clean re-run:
//   - the plan has zero changes and the inventory matches the live systems:
//     nothing pending, every recorded object desired, every desired object
//     recorded;
//   - no object of the repository's prefix exists that no record names
//     (Vault policies, auth roles and database roles; syncd's ESO objects);
//   - every present tenant with a database has ESO-synced credentials that
//     log in to Postgres;
//   - every removed tenant's login is refused, and so are the credentials
//     it had.
func checkInvariants(t *testing.T, r *repo, removed []removedTenant) {
	t.Helper()
	ctx := context.Background()
	if code, out, errOut := syncd(t, bed.VaultToken, kubeconfig(t, ""), "plan", "--dir", r.dir, "--detailed-exitcode"); code != 0 {
		t.Fatalf("plan after a clean re-run: exit %d\n%s\n%s", code, out, errOut)
	}
	inv, err := inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}.Load(ctx)
	must(t, err)
	matchesLive(t, r, inv)

	owned := inv.Owned()
	ids := desired.NewIDs(r.cfg)
	for path, id := range map[string]func(string) object.ID{
		"sys/policies/acl": ids.Policy,
		"auth/" + r.cfg.Vault.Mounts.KubernetesAuth + "/role": ids.AuthRole,
		r.cfg.Vault.Mounts.Database + "/roles":                ids.DatabaseRole,
	} {
		sec, err := bed.Vault.Logical().List(path)
		must(t, err)
		if sec == nil {
			continue
		}
		keys, _ := sec.Data["keys"].([]any)
		for _, k := range keys {
			name := fmt.Sprint(k)
			if strings.HasPrefix(name, r.prefix+"-") && !owned.Has(id(name)) {
				t.Errorf("%s/%s exists and no record names it", path, name)
			}
		}
	}
	for kind, gvr := range kuberead.GVRs(r.cfg) {
		list, err := bed.Dynamic.Resource(gvr).List(ctx, metav1.ListOptions{LabelSelector: desired.LabelManagedBy + "=" + desired.ManagedBy})
		must(t, err)
		for _, u := range list.Items {
			if strings.HasPrefix(u.GetNamespace(), r.prefix+"-") && u.GetDeletionTimestamp() == nil && !owned.Has(ids.Kube(kind, u.GetNamespace(), u.GetName())) {
				t.Errorf("%s %s/%s exists and no record names it", kind, u.GetNamespace(), u.GetName())
			}
		}
	}

	set, err := tenant.LoadDir(filepath.Join(r.dir, "tenants"), r.cfg)
	must(t, err)
	namespaces := map[string]string{}
	for _, tn := range r.state(t).Tenants {
		namespaces[tn.Name] = tn.Namespace
	}
	for _, tn := range set.Tenants {
		for _, db := range tn.Spec.Databases {
			ns, secret := namespaces[tn.Metadata.Name], db.TargetName()
			eventually(t, fmt.Sprintf("tenant %s's %s credentials", tn.Metadata.Name, db.Name), 2*time.Minute, func() (bool, string) {
				d := secretData(t, ns, secret)
				if len(d["username"]) == 0 {
					return false, "no Secret yet"
				}
				err := pgLogin(db.Connection, string(d["username"]), string(d["password"]))
				return err == nil, "login: " + errString(err)
			})
		}
	}
	for _, gone := range removed {
		jwt, err := testbed.ServiceAccountToken(ctx, bed.Kube, r.prefix+"-"+gone.name, "eso", 10*time.Minute, "vault")
		must(t, err)
		if _, err := bed.VaultClient(t, "").Logical().Write("auth/"+r.cfg.Vault.Mounts.KubernetesAuth+"/login",
			map[string]any{"role": r.prefix + "-" + gone.name, "jwt": jwt}); err == nil {
			t.Errorf("removed tenant %s still logs in to Vault", gone.name)
		}
		if gone.user != "" {
			if err := pgLogin("catalog", gone.user, gone.password); err == nil {
				t.Errorf("removed tenant %s's credentials (%s) still log in to Postgres", gone.name, gone.user)
			}
		}
	}
}
