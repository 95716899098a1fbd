package desired_test

import (
	"testing"
	"unsafe"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// Database roles' statements that come out the same for two tenants are
// held once: at 10,000 tenants they were a tenth of the state.
func TestEqualStatementsShareStorage(t *testing.T) {
	cfg := config.Default()
	db := "spec:\n  databases:\n    - {name: main, connection: catalog, privilege: readonly}\n"
	st, err := desired.Build(cfg, tenant.Parse([]tenant.File{file("a", db), file("b", db)}, cfg))
	if err != nil {
		t.Fatal(err)
	}
	var roles []*desired.DatabaseRoleSpec
	for _, o := range st.Objects {
		if r, ok := o.Spec.(*desired.DatabaseRoleSpec); ok {
			roles = append(roles, r)
		}
	}
	if len(roles) != 2 {
		t.Fatalf("%d database roles, want 2", len(roles))
	}
	a, b := roles[0], roles[1]
	stmts := func(r *desired.DatabaseRoleSpec) []string {
		return append(append(append([]string{}, r.CreationStatements...), r.RevocationStatements...), r.RenewStatements...)
	}
	as, bs := stmts(a), stmts(b)
	if len(as) == 0 || len(as) != len(bs) {
		t.Fatalf("statements %q and %q", as, bs)
	}
	for i := range as {
		if as[i] != bs[i] {
			t.Errorf("statement %d differs between tenants: %q, %q", i, as[i], bs[i])
		} else if unsafe.StringData(as[i]) != unsafe.StringData(bs[i]) {
			t.Errorf("statement %d (%q) is held twice", i, as[i])
		}
	}
}
