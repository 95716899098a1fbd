package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestKVPrefixListing proves against real Vault what deleting a tenant's KV
// data deletes: every secret under "<prefix>/", at any depth, and nothing of
// a neighbour whose prefix merely starts the same ("acme" vs "acme-books"),
// nor a secret stored at the prefix itself. The plan's after-grace step
// reads the same listing, in the KV mount recorded for the tenant.
func TestKVPrefixListing(t *testing.T) {
	testbed.Require(t, bed)
	ctx := context.Background()
	kv := bed.Mount(t, "kv", map[string]string{"version": "2"})
	for _, p := range []string{"p/acme/x", "p/acme/deep/y/z", "p/acme-books/w", "p/acme", "p/acmex"} {
		_, err := bed.Vault.Logical().Write(kv+"/data/"+p, map[string]any{"data": map[string]any{"k": "v"}})
		must(t, err)
	}
	got, err := vaultread.ListKV(ctx, bed.Vault.Logical(), kv, "p/acme")
	must(t, err)
	if diff := cmp.Diff([]string{"p/acme/deep/y/z", "p/acme/x"}, got); diff != "" {
		t.Errorf("ListKV (-want +got):\n%s", diff)
	}

	r := newRepo(t, "e2e-kvtree", map[string]string{"keep": ""})
	converge(t, r)
	store := inventory.Store{KV: bed.Vault.Logical(), Mount: r.cfg.Inventory.Mount, Path: r.cfg.Inventory.Path}
	inv, err := store.Load(ctx)
	must(t, err)
	at := time.Now().Add(-25 * time.Hour)
	inv.Tenants["acme"] = &inventory.Tenant{DeprecatedAt: &at, KVMount: kv, KVPrefix: "p/acme"}
	must(t, store.Save(ctx, inv))
	_, p := planJSON(t, r)
	var got2 []string
	for _, c := range p.Changes {
		if c.Action == diff.DeleteKVMetadata {
			got2 = append(got2, c.ID.Short()+": "+c.Note)
		}
	}
	want := []string{"KVPrefix " + kv + "/p/acme: grace period over (deprecated " + at.UTC().Format("2006-01-02T15:04:05Z") +
		"): delete 2 secrets (every version and the metadata) under " + kv + "/p/acme/"}
	if diff := cmp.Diff(want, got2); diff != "" {
		t.Errorf("after-grace KV step (-want +got):\n%s", diff)
	}
}
