package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// A tenant's Kubernetes objects go only into a namespace that is the
// tenant's: created by syncd, or labelled with the tenant's name. Its Vault
// objects are planned either way.
func TestTenantObjectsGoOnlyIntoTheTenantsNamespace(t *testing.T) {
	const ns = "bookstore-platform-blog"
	vaultOnly := []string{"0 create Policy bookstore-platform-app-blog", "1 create KubernetesAuthRole bookstore-platform-blog"}
	skipped := []string{
		"error ExternalSecret bookstore-platform-blog/smtp: skipped: depends on Namespace bookstore-platform-blog, which cannot be applied",
		"error SecretStore bookstore-platform-blog/vault-blog: skipped: depends on Namespace bookstore-platform-blog, which cannot be applied",
	}
	refused := func(why string) []string {
		out := append([]string{}, vaultOnly...)
		out = append(out, skipped[0], "error Namespace bookstore-platform-blog: Namespace bookstore-platform-blog "+why+"; nothing of the tenant is written there", skipped[1])
		return out
	}
	all := append(append([]string{}, vaultOnly...), "2 create SecretStore bookstore-platform-blog/vault-blog", "3 create ExternalSecret bookstore-platform-blog/smtp")
	tests := map[string]struct {
		manage bool
		label  *string // the namespace's tenant label; nil: no namespace
		adopt  bool
		want   []string
	}{
		"labelled for the tenant":       {label: ptr("blog"), want: all},
		"labelled for another tenant":   {label: ptr("shop"), want: refused("is labelled syncd.io/tenant=shop: it is not tenant blog's")},
		"not labelled (another team's)": {label: ptr(""), want: refused("is not labelled syncd.io/tenant=blog, so it is not tenant blog's: label it to give it to the tenant")},
		"missing":                       {want: refused("does not exist: create it labelled syncd.io/tenant=blog, or let syncd create it (kubernetes.manageNamespaces)")},
		"created by syncd": {manage: true, want: []string{
			"0 create Namespace bookstore-platform-blog", "0 create Policy bookstore-platform-app-blog",
			"1 create ServiceAccount bookstore-platform-blog/bookstore-platform-eso", "1 create KubernetesAuthRole bookstore-platform-blog",
			"2 create SecretStore bookstore-platform-blog/vault-blog", "3 create ExternalSecret bookstore-platform-blog/smtp",
		}},
		"adopted by syncd, not labelled": {manage: true, label: ptr(""), adopt: true, want: []string{
			"0 create Policy bookstore-platform-app-blog", "1 create KubernetesAuthRole bookstore-platform-blog",
			skipped[0],
			"error Namespace bookstore-platform-blog: Namespace bookstore-platform-blog is not labelled syncd.io/tenant=blog, so it is not tenant blog's: label it to give it to the tenant; nothing of the tenant is written there",
			skipped[1],
			"error ServiceAccount bookstore-platform-blog/bookstore-platform-eso: skipped: depends on Namespace bookstore-platform-blog, which cannot be applied",
		}},
		"adopted by syncd, labelled": {manage: true, label: ptr("blog"), adopt: true, want: []string{
			"0 adopt Namespace bookstore-platform-blog", "0 create Policy bookstore-platform-app-blog",
			"1 create ServiceAccount bookstore-platform-blog/bookstore-platform-eso", "1 create KubernetesAuthRole bookstore-platform-blog",
			"2 create SecretStore bookstore-platform-blog/vault-blog", "3 create ExternalSecret bookstore-platform-blog/smtp",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Kubernetes.ManageNamespaces = tc.manage
			set := tenant.Parse([]tenant.File{{Path: "blog.yaml", Data: []byte(blog)}}, cfg)
			st, err := desired.Build(cfg, set)
			if err != nil || set.Err() != nil {
				t.Fatal(err, set.Err())
			}
			l := converged(cfg, &desired.State{})
			present(l, st)
			nsID := desired.NewIDs(cfg).Namespace(ns)
			l.Looked.Add(nsID)
			delete(l.Present, nsID)
			delete(l.NamespaceTenants, ns)
			if tc.label != nil {
				l.Present.Add(nsID)
				l.NamespaceTenants[ns] = *tc.label
				if tc.manage {
					o, _ := st.Get(nsID)
					l.Objects[nsID] = live.Object{ID: nsID, Spec: o.Spec}
				}
			}
			p := Compute(Input{Config: cfg, Desired: st, Live: l, Now: now, Options: Options{Adopt: tc.adopt}})
			if diff := cmp.Diff(tc.want, lines(p)); diff != "" {
				t.Errorf("plan (-want +got):\n%s\ngot:\n%q", diff, lines(p))
			}
		})
	}
}

func ptr(s string) *string { return &s }
