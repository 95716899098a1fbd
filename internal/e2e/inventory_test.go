package e2e_test

import (
	"context"
	"errors"
	"testing"

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
