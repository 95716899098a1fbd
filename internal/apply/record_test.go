package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// fakeStore logs the inventory writes.
type fakeStore struct {
	mu      sync.Mutex
	failIdx error
	indexed [][]string // each Index call: "+name" and "-name"
	saved   map[string]int
	deleted []string
	leases  map[string]time.Time // writer ID -> until
}

func (f *fakeStore) Index(_ context.Context, add, remove []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(add)+len(remove) == 0 {
		return nil
	}
	var call []string
	for _, n := range add {
		call = append(call, "+"+n)
	}
	for _, n := range remove {
		call = append(call, "-"+n)
	}
	f.indexed = append(f.indexed, call)
	return f.failIdx
}

func (f *fakeStore) Claim(_ context.Context, w inventory.WriterRef, until time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.leases == nil {
		f.leases = map[string]time.Time{}
	}
	f.leases[w.ID] = until
	return nil
}

func (f *fakeStore) Release(_ context.Context, w inventory.WriterRef) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.leases, w.ID)
	return nil
}

func (f *fakeStore) Held(_ context.Context, w inventory.WriterRef, now time.Time) (bool, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	until, ok := f.leases[w.ID]
	return ok && now.Before(until), until, nil
}

func (f *fakeStore) Recorded(_ context.Context, names []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(names) == 0 {
		return nil
	}
	var call []string
	for _, n := range names {
		call = append(call, "="+n)
	}
	f.indexed = append(f.indexed, call)
	return nil
}

func (f *fakeStore) SaveRecord(_ context.Context, name string, t *inventory.Tenant) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saved[name]++
	t.Version++
	return nil
}

func (f *fakeStore) DeleteRecord(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, name)
	return nil
}

// TestRecorderIndexesOncePerApply: the index is written once for all the
// tenants an apply adds, once to mark them all recorded, and once for all
// it removes, whatever their number
// (it was once per tenant, each a read-modify-write of the whole index under
// check-and-set: quadratic, and contended), and always before the records
// it lists are written or after those it drops are gone.
func TestRecorderIndexesOncePerApply(t *testing.T) {
	const n = 40
	ctx := context.Background()
	st := &desired.State{}
	inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{}}
	changes := map[string][]*diff.Change{}
	versions := map[string]int{}
	var want, marks []string
	for i := range n {
		name := fmt.Sprintf("t%02d", i)
		st.Tenants = append(st.Tenants, desired.Tenant{Name: name})
		changes[name] = []*diff.Change{{ID: vid("K", name+"-policy"), Tenant: name, Action: diff.Create}}
		want = append(want, "+"+name)
		marks = append(marks, "="+name)
	}
	// an existing tenant being off-boarded to completion
	past := time.Now().Add(-48 * time.Hour)
	inv.Tenants["gone"] = &inventory.Tenant{Version: 3, DeprecatedAt: &past, DeprecatedPolicy: "gone-deprecated"}
	versions["gone"] = 3
	changes["gone"] = []*diff.Change{{ID: vid("K", "gone-deprecated"), Tenant: "gone", Action: diff.DeleteDeprecated}}

	fs := &fakeStore{saved: map[string]int{}}
	rec := &InventoryRecorder{Store: fs, Config: config.Default(), Inventory: inv, Tenants: st.Tenants, Parallelism: 3}
	if errs := rec.Begin(ctx, versions, changes); len(errs) != 0 {
		t.Fatalf("Begin: %v", errs)
	}
	if diff := cmp.Diff([][]string{want, marks}, fs.indexed); diff != "" {
		t.Fatalf("index writes after Begin (-want +got):\n%s", diff)
	}
	if fs.saved["t00"] != 1 || fs.saved["gone"] != 1 || len(fs.saved) != n+1 {
		t.Fatalf("records written by Begin: %v", fs.saved)
	}
	results := map[string][]*ChangeResult{}
	for name, cs := range changes {
		for _, c := range cs {
			results[name] = append(results[name], &ChangeResult{ID: c.ID, Tenant: name, Action: c.Action, Status: Applied})
		}
	}
	if errs := rec.Finish(ctx, results); len(errs) != 0 {
		t.Fatalf("Finish: %v", errs)
	}
	if diff := cmp.Diff([][]string{want, marks, {"-gone"}}, fs.indexed); diff != "" {
		t.Fatalf("index writes after Finish (-want +got):\n%s", diff)
	}
	if !slices.Equal(fs.deleted, []string{"gone"}) || fs.saved["gone"] != 1 || fs.saved["t00"] != 2 {
		t.Fatalf("deleted %v, saved %v", fs.deleted, fs.saved)
	}
	if got := inv.Tenants["t07"].Objects; len(got) != 1 || got[0] != vid("K", "t07-policy") {
		t.Fatalf("t07 owns %v, want its policy", got)
	}
}

// TestRecorderIndexFailureTouchesNoTenant: without the index entry a record
// would be invisible, so no record is written and every tenant is refused.
func TestRecorderIndexFailureTouchesNoTenant(t *testing.T) {
	fs := &fakeStore{saved: map[string]int{}, failIdx: errors.New("503")}
	rec := &InventoryRecorder{Store: fs, Config: config.Default(), Inventory: &inventory.Inventory{Tenants: map[string]*inventory.Tenant{}}}
	errs := rec.Begin(context.Background(), nil, map[string][]*diff.Change{"a": {{ID: vid("K", "a"), Action: diff.Create}}, "b": {{ID: vid("K", "b"), Action: diff.Create}}})
	if len(errs) != 2 || errs["a"] == nil || errs["b"] == nil || len(fs.saved) != 0 {
		t.Fatalf("errors %v, records written %v: want both tenants refused and nothing written", errs, fs.saved)
	}
}

// TestOffboardingCompletesOnlyWhenTheRecordIsEmpty: the grace period's
// last steps end a removed tenant's record only when it names nothing else,
// pending or confirmed; an object still recorded keeps the record (and the
// object owned, to be retried).
func TestOffboardingCompletesOnlyWhenTheRecordIsEmpty(t *testing.T) {
	past := time.Now().Add(-48 * time.Hour)
	for name, tc := range map[string]struct {
		objects, pending []string
		complete         bool
	}{
		"nothing else recorded":      {complete: true},
		"a confirmed object remains": {objects: []string{"role"}},
		"a pending object remains":   {pending: []string{"role"}},
	} {
		t.Run(name, func(t *testing.T) {
			rec := &inventory.Tenant{Version: 3, DeprecatedAt: &past, DeprecatedPolicy: "gone-deprecated"}
			for _, n := range tc.objects {
				rec.Objects = append(rec.Objects, vid("K", n))
			}
			for _, n := range tc.pending {
				rec.Pending = append(rec.Pending, vid("K", n))
			}
			inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{"gone": rec}}
			fs := &fakeStore{saved: map[string]int{}}
			r := &InventoryRecorder{Store: fs, Config: config.Default(), Inventory: inv}
			results := map[string][]*ChangeResult{"gone": {
				{ID: vid("K", "gone-deprecated"), Tenant: "gone", Action: diff.DeleteDeprecated, Status: Applied},
				{ID: vid("K", "kv"), Tenant: "gone", Action: diff.DeleteKVMetadata, Status: Applied},
			}}
			if errs := r.Finish(context.Background(), results); len(errs) != 0 {
				t.Fatalf("Finish: %v", errs)
			}
			if got := slices.Equal(fs.deleted, []string{"gone"}); got != tc.complete {
				t.Fatalf("record deleted = %v (deleted %v, saved %v), want %v", got, fs.deleted, fs.saved, tc.complete)
			}
			if !tc.complete && len(rec.Objects)+len(rec.Pending) != len(tc.objects)+len(tc.pending) {
				t.Errorf("the record lost what it names: %+v", rec)
			}
		})
	}
}

// TestADeletedDatabaseRoleStaysRecordedUntilItsLeasesAreRevoked: deleting
// a role (or forgetting one gone already) takes it off the record only when
// the same run revoked its leases; otherwise the next plan, seeing the
// record, revokes them.
func TestADeletedDatabaseRoleStaysRecordedUntilItsLeasesAreRevoked(t *testing.T) {
	for name, tc := range map[string]struct {
		action diff.Action
		revoke Status
		stays  bool
	}{
		"deleted and revoked":             {action: diff.Delete, revoke: Applied},
		"deleted, revocation failed":      {action: diff.Delete, revoke: Failed, stays: true},
		"gone already, revocation failed": {action: diff.Forget, revoke: Failed, stays: true},
		"gone already, revoked":           {action: diff.Forget, revoke: Applied},
	} {
		t.Run(name, func(t *testing.T) {
			id := object.ID{System: object.Vault, Kind: object.DatabaseRole, Scope: "database", Name: "shop-catalog"}
			rec := &inventory.Tenant{Version: 1, Objects: []object.ID{id}}
			inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{"shop": rec}}
			r := &InventoryRecorder{Store: &fakeStore{saved: map[string]int{}}, Config: config.Default(), Inventory: inv}
			results := map[string][]*ChangeResult{"shop": {
				{ID: id, Tenant: "shop", Action: tc.action, Status: Applied},
				{ID: object.ID{System: object.Vault, Kind: object.Leases, Scope: "database/creds", Name: "shop-catalog"}, Tenant: "shop", Action: diff.RevokeLeases, Status: tc.revoke},
			}}
			if errs := r.Finish(context.Background(), results); len(errs) != 0 {
				t.Fatalf("Finish: %v", errs)
			}
			if got := slices.Contains(inv.Tenants["shop"].Objects, id); got != tc.stays {
				t.Errorf("role recorded = %v, want %v", got, tc.stays)
			}
		})
	}
}

// TestOneWriterPerTenant: a tenant whose record names another writer with a
// live lease is refused with the holder's name, and Finish leaves that
// record alone; once the writer finished (lease released, record cleared)
// or its lease expired, the next writer takes the tenant.
func TestOneWriterPerTenant(t *testing.T) {
	ctx := context.Background()
	change := map[string][]*diff.Change{"shop": {{ID: vid("K", "shop-policy"), Tenant: "shop", Action: diff.Create}}}
	st := []desired.Tenant{{Name: "shop"}}
	fs := &fakeStore{saved: map[string]int{}}
	start := time.Now()
	recorder := func(holder string, rec inventory.Tenant, at time.Time) *InventoryRecorder {
		inv := &inventory.Inventory{Tenants: map[string]*inventory.Tenant{"shop": &rec}}
		return &InventoryRecorder{Store: fs, Config: config.Default(), Inventory: inv, Tenants: st,
			Writer: inventory.NewWriter(holder), Clock: func(context.Context) (time.Time, error) { return at, nil }}
	}
	a := recorder("laptop-a pid 1", inventory.Tenant{}, start)
	if errs := a.Begin(ctx, nil, change); len(errs) != 0 {
		t.Fatalf("a: %v", errs)
	}
	during := *a.Inventory.Tenants["shop"] // as a plan taken now reads it
	if during.Writer == nil || during.Writer.Holder != "laptop-a pid 1" {
		t.Fatalf("a's record names writer %+v", during.Writer)
	}

	for name, tc := range map[string]struct {
		at      time.Time
		refused bool
	}{
		"while a's lease is live":           {at: start.Add(time.Second), refused: true},
		"after a's lease expired unrenewed": {at: start.Add(inventory.LeaseTTL + time.Second)},
	} {
		t.Run(name, func(t *testing.T) {
			b := recorder("syncd-0", during, tc.at)
			errs := b.Begin(ctx, map[string]int{"shop": during.Version}, change)
			err := errs["shop"]
			if tc.refused != (err != nil) || tc.refused && (!errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), "laptop-a pid 1 is applying it")) {
				t.Fatalf("b's Begin: %v; want refused = %v, naming a", err, tc.refused)
			}
			saved := fs.saved["shop"]
			b.Finish(ctx, map[string][]*ChangeResult{"shop": {{ID: vid("K", "shop-policy"), Tenant: "shop", Action: diff.Create, Status: Skipped}}})
			if tc.refused && fs.saved["shop"] != saved {
				t.Error("b's Finish wrote the record of a tenant it was refused")
			}
			if got := b.Inventory.Tenants["shop"].Writer; tc.refused && (got == nil || got.ID != during.Writer.ID) {
				t.Errorf("the record's writer after b: %+v, want a still", got)
			}
			if held, _, _ := fs.Held(ctx, b.Writer, tc.at); held {
				t.Error("b's lease outlived its Finish")
			}
		})
	}

	a.Finish(ctx, map[string][]*ChangeResult{"shop": {{ID: vid("K", "shop-policy"), Tenant: "shop", Action: diff.Create, Status: Applied}}})
	after := *a.Inventory.Tenants["shop"]
	if after.Writer != nil {
		t.Errorf("a's Finish left writer %+v", after.Writer)
	}
	if held, _, _ := fs.Held(ctx, a.Writer, start.Add(time.Second)); held {
		t.Error("a's lease is held after its Finish")
	}
	c := recorder("syncd-1", after, start.Add(time.Second))
	if errs := c.Begin(ctx, map[string]int{"shop": after.Version}, change); len(errs) != 0 {
		t.Errorf("after a finished: %v", errs)
	}
}
