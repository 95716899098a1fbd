package e2e_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestInventoryCheckAndSet proves against real Vault that a second writer
// cannot silently overwrite a tenant's record (a save based on a stale read
// fails), and that two tenants' records do not contend.
func TestInventoryCheckAndSet(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	store := inventory.Store{KV: bed.Vault.Logical(), Mount: "secret", Path: "syncd/e2e-cas/inventory"}

	empty, err := store.Load(ctx)
	must(t, err)
	if empty.Version != 0 || len(empty.Tenants) != 0 {
		t.Fatalf("a never-saved inventory must be empty at version 0, got %+v", empty)
	}
	id := object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: "p"}
	a := &inventory.Tenant{Objects: []object.ID{id}}
	b := &inventory.Tenant{}
	must(t, store.SaveTenant(ctx, "one", a))
	if a.Version != 1 {
		t.Errorf("version after first save = %d, want 1", a.Version)
	}
	if err := store.SaveTenant(ctx, "one", b); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("a second first save of one: err = %v, want ErrConflict", err)
	}
	must(t, store.SaveTenant(ctx, "two", &inventory.Tenant{})) // another tenant: no contention
	stale, err := store.Load(ctx)
	must(t, err)
	fresh, err := store.Load(ctx)
	must(t, err)
	must(t, store.SaveTenant(ctx, "one", fresh.Tenants["one"]))
	if err := store.SaveTenant(ctx, "one", stale.Tenants["one"]); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("stale save: err = %v, want ErrConflict", err)
	}
	got, err := store.Load(ctx)
	must(t, err)
	if len(got.Tenants) != 2 || got.Tenants["one"].Version != 2 || got.Owners()[id] != "one" {
		t.Errorf("inventory %+v, want tenants one (v2, owning %s) and two", got.Tenants, id)
	}
	must(t, store.DeleteTenant(ctx, "one"))
	got, err = store.Load(ctx)
	must(t, err)
	if _, ok := got.Tenants["one"]; ok || len(got.Tenants) != 1 {
		t.Errorf("after deleting one: %v", got.TenantNames())
	}
}

// TestInventoryStates proves against real Vault that only a never-written
// inventory reads as "nothing owned": a deleted, destroyed, expired,
// unreachable or corrupt index or record stops the plan with a clear error.
func TestInventoryStates(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	kv := bed.Mount(t, "kv", map[string]string{"version": "2"})
	kv1 := bed.Mount(t, "kv", map[string]string{"version": "1"})
	logical := bed.Vault.Logical()
	id := object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: "p"}
	saved := func(t *testing.T, path string) inventory.Store {
		t.Helper()
		s := inventory.Store{KV: logical, Mount: kv, Path: path}
		must(t, s.SaveTenant(ctx, "one", &inventory.Tenant{Objects: []object.ID{id}}))
		return s
	}
	raw := func(t *testing.T, path string, entries map[string]string) inventory.Store {
		t.Helper()
		for p, value := range entries {
			_, err := logical.Write(kv+"/data/"+path+"/"+p, map[string]any{"data": map[string]any{"inventory": value}})
			must(t, err)
		}
		return inventory.Store{KV: logical, Mount: kv, Path: path}
	}
	do := func(t *testing.T, path string, data map[string]any) {
		t.Helper()
		var err error
		if data == nil {
			_, err = logical.Delete(path)
		} else {
			_, err = logical.Write(path, data)
		}
		must(t, err)
	}
	tests := map[string]struct {
		store func(t *testing.T) inventory.Store
		err   string // "" : loads empty
	}{
		"never written: empty at version 0": {store: func(t *testing.T) inventory.Store {
			return inventory.Store{KV: logical, Mount: kv, Path: "never"}
		}},
		"index soft-deleted with vault kv delete": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "deleted")
			do(t, kv+"/data/deleted/index", nil)
			return s
		}, err: "deleted/index: version 2 was deleted at"},
		"a tenant's record soft-deleted": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "rec-deleted")
			do(t, kv+"/data/rec-deleted/tenants/one", nil)
			return s
		}, err: "rec-deleted/tenants/one: version 1 was deleted at"},
		"index hard-deleted with vault kv metadata delete": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "idx-gone")
			do(t, kv+"/metadata/idx-gone/index", nil)
			return s
		}, err: "idx-gone/index: the index is missing but 1 tenant records exist (first: one)"},
		"a tenant's record hard-deleted": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "rec-gone")
			do(t, kv+"/metadata/rec-gone/tenants/one", nil)
			return s
		}, err: "rec-gone/tenants/one: the record of tenant one is missing, though the index says it was written"},
		"indexed, its first record not yet written (a crash in between): empty": {store: func(t *testing.T) inventory.Store {
			s := inventory.Store{KV: logical, Mount: kv, Path: "unrecorded"}
			must(t, s.Index(ctx, []string{"one"}, nil))
			return s
		}},
		"index destroyed": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "destroyed")
			do(t, kv+"/destroy/destroyed/index", map[string]any{"versions": []int{2}}) // 1 indexed, 2 marked recorded
			return s
		}, err: "version 2 was destroyed"},
		"expired by delete_version_after": {store: func(t *testing.T) inventory.Store {
			do(t, kv+"/metadata/expiring/tenants/one", map[string]any{"delete_version_after": "1s"})
			s := saved(t, "expiring")
			waitFor(t, func() bool { _, err := s.Load(ctx); return err != nil })
			return s
		}, err: "was deleted at"},
		"mount missing": {store: func(t *testing.T) inventory.Store {
			return inventory.Store{KV: logical, Mount: "no-such-mount", Path: "inv"}
		}, err: `inventory mount "no-such-mount": cannot confirm it exists`},
		"KV version 1 mount": {store: func(t *testing.T) inventory.Store {
			return inventory.Store{KV: logical, Mount: kv1, Path: "inv"}
		}, err: "not KV v2"},
		"a null record": {store: func(t *testing.T) inventory.Store {
			return raw(t, "null-tenant", map[string]string{"index": `{"tenants":["x"]}`, "tenants/x": "null"})
		}, err: `null-tenant/tenants/x is corrupt: no "inventory" value`},
		"one object recorded for two tenants": {store: func(t *testing.T) inventory.Store {
			obj := `{"objects":[{"system":"vault","kind":"Policy","scope":"sys","name":"p"}]}`
			return raw(t, "two-owners", map[string]string{"index": `{"tenants":["a","b"]}`, "tenants/a": obj, "tenants/b": obj})
		}, err: "is corrupt: vault/Policy/sys/p is recorded for tenants a and b"},
		"an index that is not JSON": {store: func(t *testing.T) inventory.Store {
			return raw(t, "garbage", map[string]string{"index": `{"tenants":`})
		}, err: "garbage/index is corrupt: unexpected end of JSON input"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			inv, err := tc.store(t).Load(ctx)
			if tc.err == "" {
				must(t, err)
				if len(inv.Owned()) != 0 {
					t.Errorf("got %+v at version %d, want nothing owned", inv.Tenants, inv.Version)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want ...%s...", err, tc.err)
			}
		})
	}
}

// waitFor polls cond until it holds, failing the test after a generous bound.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("condition not reached after 30s")
}
