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
// cannot silently overwrite the inventory: a save based on a stale read fails.
func TestInventoryCheckAndSet(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	store := inventory.Store{KV: bed.Vault.Logical(), Mount: "secret", Path: "syncd/e2e-cas/inventory"}

	empty, err := store.Load(ctx)
	must(t, err)
	if empty.Version != 0 || len(empty.Tenants) != 0 {
		t.Fatalf("a never-saved inventory must be empty at version 0, got %+v", empty)
	}
	a, err := store.Load(ctx)
	must(t, err)
	b, err := store.Load(ctx)
	must(t, err)
	id := object.ID{System: object.Vault, Kind: object.Policy, Scope: "sys", Name: "p"}
	a.Tenants["one"] = &inventory.Tenant{Objects: []object.ID{id}}
	must(t, store.Save(ctx, a))
	if a.Version != 1 {
		t.Errorf("version after first save = %d, want 1", a.Version)
	}
	b.Tenants["two"] = &inventory.Tenant{}
	if err := store.Save(ctx, b); !errors.Is(err, inventory.ErrConflict) {
		t.Fatalf("stale save: err = %v, want ErrConflict", err)
	}
	got, err := store.Load(ctx)
	must(t, err)
	if _, ok := got.Tenants["two"]; ok || got.Version != 1 || got.Owners()[id] != "one" {
		t.Errorf("after the refused save the inventory is %+v (v%d), want only tenant one at v1", got.Tenants, got.Version)
	}
}

// TestInventoryStates proves against real Vault that only a never-written
// inventory reads as "nothing owned": a deleted, destroyed, expired,
// unreachable or corrupt one stops the plan with a clear error.
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
		must(t, s.Save(ctx, &inventory.Inventory{Tenants: map[string]*inventory.Tenant{"one": {Objects: []object.ID{id}}}}))
		return s
	}
	raw := func(t *testing.T, path, value string) inventory.Store {
		t.Helper()
		_, err := logical.Write(kv+"/data/"+path, map[string]any{"data": map[string]any{"inventory": value}})
		must(t, err)
		return inventory.Store{KV: logical, Mount: kv, Path: path}
	}
	tests := map[string]struct {
		store func(t *testing.T) inventory.Store
		err   string // "" : loads
	}{
		"never written: empty at version 0": {store: func(t *testing.T) inventory.Store {
			return inventory.Store{KV: logical, Mount: kv, Path: "never"}
		}},
		"soft-deleted with vault kv delete": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "deleted")
			_, err := logical.Delete(kv + "/data/deleted")
			must(t, err)
			return s
		}, err: "version 1 was deleted at"},
		"destroyed": {store: func(t *testing.T) inventory.Store {
			s := saved(t, "destroyed")
			_, err := logical.Write(kv+"/destroy/destroyed", map[string]any{"versions": []int{1}})
			must(t, err)
			return s
		}, err: "version 1 was destroyed"},
		"expired by delete_version_after": {store: func(t *testing.T) inventory.Store {
			_, err := logical.Write(kv+"/metadata/expiring", map[string]any{"delete_version_after": "1s"})
			must(t, err)
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
		"a tenant without a record": {store: func(t *testing.T) inventory.Store {
			return raw(t, "null-tenant", `{"tenants":{"x":null}}`)
		}, err: `is corrupt: tenant "x" has no record`},
		"one object recorded for two tenants": {store: func(t *testing.T) inventory.Store {
			return raw(t, "two-owners", `{"tenants":{"a":{"objects":[{"system":"vault","kind":"Policy","scope":"sys","name":"p"}]},"b":{"objects":[{"system":"vault","kind":"Policy","scope":"sys","name":"p"}]}}}`)
		}, err: "is corrupt: vault/Policy/sys/p is recorded for tenants a and b"},
		"not JSON": {store: func(t *testing.T) inventory.Store {
			return raw(t, "garbage", `{"tenants":`)
		}, err: "is corrupt: unexpected end of JSON input"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			inv, err := tc.store(t).Load(ctx)
			if tc.err == "" {
				must(t, err)
				if inv.Version != 0 || len(inv.Tenants) != 0 {
					t.Errorf("got %+v at version %d, want empty at 0", inv.Tenants, inv.Version)
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
