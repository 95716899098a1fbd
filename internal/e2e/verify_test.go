package e2e_test

import (
	"encoding/json"
	"strings"
	"testing"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/testbed"
	"github.com/syncd-dev/syncd/internal/verify"
)

// TestVerify proves isolation live on two onboarded tenants, then breaks
// it out of band three ways; verify names each break. Every Vault token it
// creates is revoked: Vault's audit log shows a revoke-self for each login.
func TestVerify(t *testing.T) {
	testbed.Require(t, bed)
	audit := auditDevice(t)
	must(t, bed.Vault.Sys().TuneMount("auth/kubernetes", vaultapi.MountConfigInput{AuditNonHMACRequestKeys: []string{"role"}}))
	r := newRepo(t, "e2e-ver", map[string]string{
		"shop": "  secrets:\n    - {name: s, path: a/b, keys: [k]}\n  databases:\n    - {name: catalog, connection: catalog, privilege: readonly}\n",
		"blog": "  secrets:\n    - {name: m, path: mail, keys: [k]}\n",
	})
	for _, n := range []string{"shop", "blog"} {
		namespace(t, "e2e-ver-"+n, "eso", n)
	}
	admin := kubeconfig(t, "")
	if code, out, errOut := syncd(t, bed.VaultToken, admin, "apply", "--dir", r.dir, "--auto-approve"); code != 0 {
		t.Fatalf("apply: %d\n%s\n%s", code, out, errOut)
	}
	run := func() (int, verify.Report) {
		t.Helper()
		code, out, errOut := syncd(t, "", admin, "verify", "--dir", r.dir, "-o", "json")
		var rep verify.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("verify: exit %d: %v\n%s\n%s", code, err, out, errOut)
		}
		return code, rep
	}
	problems := func(rep verify.Report) []string {
		var out []string
		for _, c := range rep.Checks {
			if !c.OK {
				out = append(out, c.Tenant+" "+c.Kind+" "+c.Path+": "+c.Problem)
			}
		}
		return out
	}
	t.Run("isolated tenants pass", func(t *testing.T) {
		code, rep := run()
		own, others, sensitive, logins := 0, 0, 0, 0
		for _, c := range rep.Checks {
			switch c.Kind {
			case verify.Own:
				own++
			case verify.Other:
				others++
			case verify.Sensitive:
				sensitive++
			case verify.Login:
				logins++
			}
		}
		// shop: 2 KV paths + 1 creds; blog: 2 KV paths; each sees the other's.
		if code != 0 || !rep.OK() || own != 5 || others != 5 || sensitive == 0 || logins != 2 {
			t.Errorf("exit %d, own %d, others %d, sensitive %d, logins %d, problems %v", code, own, others, sensitive, logins, problems(rep))
		}
	})
	policy := policyOf("e2e-ver-app-blog")
	t.Run("a policy widened to another tenant's path is a violation, named", func(t *testing.T) {
		must(t, bed.Vault.Sys().PutPolicy("e2e-ver-app-blog", policy+"\npath \"secret/data/e2e-ver/shop/a/b\" { capabilities = [\"read\"] }\n"))
		defer func() { must(t, bed.Vault.Sys().PutPolicy("e2e-ver-app-blog", policy)) }()
		code, rep := run()
		if code != 1 || rep.Violations != 1 || !strings.Contains(strings.Join(problems(rep), "\n"), "blog other secret/data/e2e-ver/shop/a/b: violation") {
			t.Errorf("exit %d, %v", code, problems(rep))
		}
	})
	t.Run("a grant removed is a missing grant", func(t *testing.T) {
		must(t, bed.Vault.Sys().PutPolicy("e2e-ver-app-blog", `path "secret/metadata/e2e-ver/blog/mail" { capabilities = ["read"] }`))
		defer func() { must(t, bed.Vault.Sys().PutPolicy("e2e-ver-app-blog", policy)) }()
		code, rep := run()
		if code != 1 || rep.Missing != 1 || !strings.Contains(strings.Join(problems(rep), "\n"), "blog own secret/data/e2e-ver/blog/mail: missing grant") {
			t.Errorf("exit %d, %v", code, problems(rep))
		}
	})
	t.Run("a role widened to another namespace is a violation", func(t *testing.T) {
		_, err := bed.Vault.Logical().Write("auth/kubernetes/role/e2e-ver-shop", map[string]any{"bound_service_account_namespaces": []string{"e2e-ver-shop", "e2e-ver-blog"}})
		must(t, err)
		defer func() {
			_, err := bed.Vault.Logical().Write("auth/kubernetes/role/e2e-ver-shop", map[string]any{"bound_service_account_namespaces": []string{"e2e-ver-shop"}})
			must(t, err)
		}()
		code, rep := run()
		if code != 1 || !strings.Contains(strings.Join(problems(rep), "\n"), "shop login auth/kubernetes/login role=e2e-ver-shop as e2e-ver-blog/eso: violation") {
			t.Errorf("exit %d, %v", code, problems(rep))
		}
	})
	t.Run("every token verify created is revoked", func(t *testing.T) {
		before := accessors(t)
		_, rep := run()
		// Looked up afterwards: no token verify logged in for is still alive.
		for a := range accessors(t) {
			if before[a] {
				continue
			}
			s, err := bed.Vault.Logical().Write("auth/token/lookup-accessor", map[string]any{"accessor": a})
			if err != nil || s == nil {
				continue // gone meanwhile
			}
			meta, _ := s.Data["meta"].(map[string]any)
			if strings.HasPrefix(stringOf(meta["role"]), "e2e-ver-") {
				t.Errorf("a token of role %v outlived verify", s.Data["meta"])
			}
		}
		logins, revokes := 0, 0
		for _, e := range audit() {
			if e.Type != "response" || e.Error != "" {
				continue
			}
			switch {
			case e.Request.Path == "auth/kubernetes/login" && strings.HasPrefix(stringOf(e.Request.Data["role"]), "e2e-ver-"):
				logins++
			case e.Request.Path == "auth/token/revoke-self":
				revokes++
			}
		}
		if rep.Tokens != rep.Revoked || rep.Tokens == 0 || logins == 0 || revokes < logins {
			t.Errorf("tokens %d, revoked %d; audit: %d logins, %d revoke-self", rep.Tokens, rep.Revoked, logins, revokes)
		}
	})
}

// accessors lists every live token's accessor.
func accessors(t *testing.T) map[string]bool {
	t.Helper()
	s, err := bed.Vault.Logical().List("auth/token/accessors")
	must(t, err)
	out := map[string]bool{}
	for _, k := range s.Data["keys"].([]any) {
		out[k.(string)] = true
	}
	return out
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}
