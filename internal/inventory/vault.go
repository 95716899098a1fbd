package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
	"github.com/syncd-dev/syncd/internal/vaulterr"
)

// KV is the part of vault/api's Logical client the store needs.
type KV interface {
	ReadWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
	WriteWithContext(ctx context.Context, path string, data map[string]any) (*vaultapi.Secret, error)
	DeleteWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
	ListWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
}

// Store keeps the inventory under one KV v2 path: an index at <path>/index
// naming the tenants, and one record per tenant at <path>/tenants/<name>.
// Every write uses check-and-set. Records stay far below Vault's 1 MiB entry
// limit at any number of tenants, and the index is only written when a
// tenant is added or removed.
type Store struct {
	KV    KV
	Mount string // KV v2 mount
	Path  string // path inside the mount
	// Workers bounds concurrent record reads (8 when zero).
	Workers int
	// Known, when set, returns an equal identity to hold instead of one
	// read (the desired state's, whose strings it then shares): at 10,000
	// tenants the records' decoded names were 6 MB for a plan's life.
	Known func(object.ID) (object.ID, bool)
}

// ErrConflict means another writer saved an entry since it was read.
var ErrConflict = errors.New("inventory changed since it was read (check-and-set failed)")

const field = "inventory"

// index is the list of tenants with a record.
type index struct {
	Tenants []string `json:"tenants"`
	// Unrecorded are the indexed tenants whose first record may not be
	// written yet (a crash between indexing and recording): only for them
	// is a missing record "nothing owned". Any other tenant's missing
	// record was deleted out of band.
	Unrecorded []string `json:"unrecorded,omitempty"`
}

func (s Store) indexPath() string             { return s.Path + "/index" }
func (s Store) tenantPath(name string) string { return s.Path + "/tenants/" + name }

// Load reads the index and every tenant's record. Only an inventory that was
// never written is empty (Version 0). An entry that cannot be read (missing
// mount, no access), was deleted or destroyed (`vault kv delete`,
// delete_version_after on the mount) or does not decode is an error:
// planning against it would disown what syncd created.
func (s Store) Load(ctx context.Context) (*Inventory, error) { return s.LoadTenants(ctx, nil) }

// LoadTenants is Load limited to the named tenants' records (nil: all), so a
// plan scoped to one tenant reads one record, whatever the number of tenants.
func (s Store) LoadTenants(ctx context.Context, only []string) (*Inventory, error) {
	if err := s.checkMount(ctx); err != nil {
		return nil, err
	}
	var idx index
	version, err := s.read(ctx, s.indexPath(), &idx)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		if err := s.checkNoRecords(ctx); err != nil {
			return nil, err
		}
	}
	indexed := len(idx.Tenants)
	if only != nil {
		idx.Tenants = slices.DeleteFunc(idx.Tenants, func(n string) bool { return !slices.Contains(only, n) })
	}
	inv := &Inventory{Tenants: make(map[string]*Tenant, len(idx.Tenants)), Version: version, Unread: indexed - len(idx.Tenants)}
	unrecorded := set(idx.Unrecorded)
	recs := make([]*Tenant, len(idx.Tenants))
	errs := make([]error, len(idx.Tenants))
	workers := s.Workers
	if workers <= 0 {
		workers = 8
	}
	par.Bounded(len(idx.Tenants), workers, func(i int) {
		t := &Tenant{}
		t.Version, errs[i] = s.read(ctx, s.tenantPath(idx.Tenants[i]), t)
		// Decoding grows a slice by doubling: a tenant's 11 identities
		// took room for 16 (10 MB at 10,000 tenants).
		t.Objects, t.Pending = fit(t.Objects), fit(t.Pending)
		s.share(t.Objects)
		s.share(t.Pending)
		recs[i] = t
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, name := range idx.Tenants {
		if _, dup := inv.Tenants[name]; dup {
			return nil, fmt.Errorf("inventory %s/%s is corrupt: tenant %q is listed twice", s.Mount, s.indexPath(), name)
		}
		switch {
		case recs[i].Version == 0 && !unrecorded[name]:
			return nil, fmt.Errorf("inventory %s/%s: the record of tenant %s is missing, though the index says it was written: it was deleted out of band (vault kv metadata delete), and syncd cannot tell what the tenant owns. Restore it from a backup of the mount before planning; never --adopt over it", s.Mount, s.tenantPath(name), name)
		case unrecorded[name]:
			inv.Unrecorded = append(inv.Unrecorded, name)
		}
		inv.Tenants[name] = recs[i]
	}
	if err := inv.Validate(); err != nil {
		return nil, fmt.Errorf("inventory %s/%s is corrupt: %w", s.Mount, s.Path, err)
	}
	return inv, nil
}

// checkNoRecords, for an index never written, confirms no tenant record
// exists either: records without their index mean the index was deleted
// out of band, and reading them as "nothing owned" would disown them.
func (s Store) checkNoRecords(ctx context.Context) error {
	sec, err := s.KV.ListWithContext(ctx, s.Mount+"/metadata/"+s.Path+"/tenants/")
	if err != nil {
		return fmt.Errorf("inventory %s/%s has no index; listing its tenant records to tell a new inventory from a deleted index: %w", s.Mount, s.Path, err)
	}
	if sec == nil || sec.Data == nil {
		return nil
	}
	keys, _ := sec.Data["keys"].([]any)
	if len(keys) == 0 {
		return nil
	}
	return fmt.Errorf("inventory %s/%s: the index is missing but %d tenant records exist (first: %v): it was deleted out of band (vault kv metadata delete), and syncd cannot tell what it owns. Restore it from a backup of the mount before planning; never --adopt over it", s.Mount, s.indexPath(), len(keys), keys[0])
}

// share replaces each identity Known knows by its equal.
func (s Store) share(ids []object.ID) {
	if s.Known == nil {
		return
	}
	for i, id := range ids {
		if k, ok := s.Known(id); ok && k == id {
			ids[i] = k
		}
	}
}

// fit returns ids in a slice of its own length (nil stays nil).
func fit(ids []object.ID) []object.ID {
	if cap(ids) == len(ids) {
		return ids
	}
	return append(make([]object.ID, 0, len(ids)), ids...)
}

// SaveTenant writes one tenant's record with check-and-set on t.Version
// and advances it. A tenant new to the index is added to it first, so a
// record is never written that the index does not list, and marked
// recorded after.
func (s Store) SaveTenant(ctx context.Context, name string, t *Tenant) error {
	fresh := t.Version == 0
	if fresh {
		if err := s.Index(ctx, []string{name}, nil); err != nil {
			return err
		}
	}
	if err := s.SaveRecord(ctx, name, t); err != nil {
		return err
	}
	if fresh {
		return s.Recorded(ctx, []string{name})
	}
	return nil
}

// SaveRecord writes the tenant's record with check-and-set against
// t.Version, without looking at the index: for a caller that indexed the
// tenant first (Index, once for many tenants).
func (s Store) SaveRecord(ctx context.Context, name string, t *Tenant) error {
	v, err := s.write(ctx, s.tenantPath(name), t, t.Version)
	if err != nil {
		return fmt.Errorf("tenant %s: %w", name, err)
	}
	t.Version = v
	return nil
}

// DeleteTenant takes the tenant out of the index, then deletes its record.
func (s Store) DeleteTenant(ctx context.Context, name string) error {
	if err := s.Index(ctx, nil, []string{name}); err != nil {
		return err
	}
	return s.DeleteRecord(ctx, name)
}

// DeleteRecord deletes the tenant's record (every version); the caller took
// it out of the index first.
func (s Store) DeleteRecord(ctx context.Context, name string) error {
	if _, err := s.KV.DeleteWithContext(ctx, s.Mount+"/metadata/"+s.tenantPath(name)); err != nil {
		return fmt.Errorf("deleting inventory record of tenant %s: %w", name, err)
	}
	return nil
}

// Save writes every tenant's record (with check-and-set on each) and the
// index; for tests and migrations, where no other writer runs.
func (s Store) Save(ctx context.Context, inv *Inventory) error {
	for _, name := range inv.TenantNames() {
		if err := s.SaveTenant(ctx, name, inv.Tenants[name]); err != nil {
			return err
		}
	}
	return nil
}

// Index adds and removes tenant names in the index with one
// check-and-set write (none when nothing changes), re-reading and retrying
// on conflict: adding and removing names commute. A tenant is indexed
// before its first record is written (and listed as unrecorded until
// Recorded) and unindexed before its record is deleted, so a crash in
// between leaves an indexed tenant with an empty record, never an unlisted
// one.
func (s Store) Index(ctx context.Context, add, remove []string) error {
	if len(add) == 0 && len(remove) == 0 {
		return nil
	}
	return s.updateIndex(ctx, func(idx *index) {
		listed := set(idx.Tenants)
		fresh := slices.DeleteFunc(slices.Clone(add), func(n string) bool { return listed[n] })
		idx.Tenants = edit(idx.Tenants, add, remove)
		idx.Unrecorded = edit(idx.Unrecorded, fresh, remove)
	})
}

// Recorded marks tenants whose first record is written: from now on a
// missing record of theirs is an error, not "nothing owned".
func (s Store) Recorded(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	return s.updateIndex(ctx, func(idx *index) { idx.Unrecorded = edit(idx.Unrecorded, nil, names) })
}

// updateIndex applies change to the index read, and writes it with
// check-and-set when it changed, re-reading and retrying on conflict.
func (s Store) updateIndex(ctx context.Context, change func(*index)) error {
	for attempt := 0; ; attempt++ {
		var idx index
		version, err := s.read(ctx, s.indexPath(), &idx)
		if err != nil {
			return err
		}
		next := index{Tenants: slices.Clone(idx.Tenants), Unrecorded: slices.Clone(idx.Unrecorded)}
		change(&next)
		if slices.Equal(next.Tenants, idx.Tenants) && slices.Equal(next.Unrecorded, idx.Unrecorded) {
			return nil
		}
		_, err = s.write(ctx, s.indexPath(), next, version)
		if !errors.Is(err, ErrConflict) || attempt == 10 {
			return err
		}
	}
}

// edit returns names with add added and remove removed, sorted and
// distinct (nil when empty).
func edit(names, add, remove []string) []string {
	drop := set(remove)
	out := slices.DeleteFunc(slices.Concat(names, add), func(n string) bool { return drop[n] })
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// read decodes the entry at path into out and returns its version; an entry
// never written leaves out untouched and returns 0.
func (s Store) read(ctx context.Context, path string, out any) (int, error) {
	where := s.Mount + "/" + path
	sec, err := s.KV.ReadWithContext(ctx, s.Mount+"/data/"+path)
	if err != nil {
		return 0, fmt.Errorf("reading inventory %s: %w", where, err)
	}
	if sec == nil || sec.Data == nil {
		return 0, nil // never written
	}
	meta, _ := sec.Data["metadata"].(map[string]any)
	version := number(meta["version"])
	data, _ := sec.Data["data"].(map[string]any)
	if data == nil {
		switch {
		case meta["destroyed"] == true:
			return 0, fmt.Errorf("inventory %s: version %d was destroyed; syncd cannot tell what it owns. Restore the inventory from a backup before planning", where, version)
		case str(meta["deletion_time"]) != "":
			return 0, fmt.Errorf("inventory %s: version %d was deleted at %s (by `vault kv delete` or the mount's delete_version_after); syncd cannot tell what it owns. Restore it: vault kv undelete -mount=%s -versions=%d %s",
				where, version, str(meta["deletion_time"]), s.Mount, version, path)
		}
		return 0, fmt.Errorf("inventory %s: the response holds no data", where)
	}
	raw, ok := data[field].(string)
	if !ok || strings.TrimSpace(raw) == "null" {
		return 0, fmt.Errorf("inventory %s is corrupt: no %q value", where, field)
	}
	if err := json.Unmarshal([]byte(raw), out); err != nil {
		return 0, fmt.Errorf("inventory %s is corrupt: %w", where, err)
	}
	return version, nil
}

// write stores v at path with check-and-set on version and returns the new
// version. A transient failure (reset, timeout, 5xx) is retried; when a retry
// then fails check-and-set, the entry is read back: if it holds exactly what
// was written, the earlier attempt landed and its answer was lost, so the
// write succeeded. Otherwise another writer got there first: ErrConflict.
func (s Store) write(ctx context.Context, path string, v any, version int) (int, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return 0, err
	}
	for attempt := 1; ; attempt++ {
		sec, err := s.KV.WriteWithContext(ctx, s.Mount+"/data/"+path, map[string]any{
			"options": map[string]any{"cas": version},
			"data":    map[string]any{field: string(raw)},
		})
		var re *vaultapi.ResponseError
		switch {
		case err == nil && sec != nil:
			return number(sec.Data["version"]), nil
		case err == nil:
			return 0, fmt.Errorf("saving inventory %s/%s: no version in the response", s.Mount, path)
		case errors.As(err, &re) && re.StatusCode == 400 && slices.ContainsFunc(re.Errors, containsCAS):
			if attempt > 1 {
				if v, ok := s.landed(ctx, path, string(raw)); ok {
					return v, nil
				}
			}
			return 0, fmt.Errorf("saving inventory %s/%s: %w", s.Mount, path, ErrConflict)
		case vaulterr.Transient(err) && attempt < 6:
			select {
			case <-ctx.Done():
				return 0, fmt.Errorf("saving inventory %s/%s: %w", s.Mount, path, errors.Join(err, ctx.Err()))
			case <-time.After(min(2*time.Second, 100*time.Millisecond<<attempt)):
			}
		default:
			return 0, fmt.Errorf("saving inventory %s/%s (attempt %d): %w", s.Mount, path, attempt, err)
		}
	}
}

// landed reports whether the entry at path holds raw, and at which version.
func (s Store) landed(ctx context.Context, path, raw string) (int, bool) {
	sec, err := s.KV.ReadWithContext(ctx, s.Mount+"/data/"+path)
	if err != nil || sec == nil {
		return 0, false
	}
	data, _ := sec.Data["data"].(map[string]any)
	meta, _ := sec.Data["metadata"].(map[string]any)
	if got, _ := data[field].(string); got != raw {
		return 0, false
	}
	return number(meta["version"]), true
}

// checkMount confirms the inventory's mount exists and is KV v2: a missing
// mount must not read as "nothing owned". It asks the endpoint Vault's own
// CLI uses, which any token with access under the mount may read; Vault
// answers a missing mount and a mount out of reach alike, with 403.
func (s Store) checkMount(ctx context.Context) error {
	sec, err := s.KV.ReadWithContext(ctx, "sys/internal/ui/mounts/"+s.Mount)
	if err != nil {
		return fmt.Errorf("inventory mount %q: cannot confirm it exists and is KV v2 (it does not exist, or the token may not read under it): %w", s.Mount, err)
	}
	if sec == nil || sec.Data == nil {
		return fmt.Errorf("inventory mount %q does not exist", s.Mount)
	}
	opts, _ := sec.Data["options"].(map[string]any)
	if typ := str(sec.Data["type"]); typ != "kv" || str(opts["version"]) != "2" {
		return fmt.Errorf("inventory mount %q is %s (version %q), not KV v2", s.Mount, typ, str(opts["version"]))
	}
	return nil
}

func containsCAS(msg string) bool { return strings.Contains(msg, "check-and-set") }

func str(v any) string {
	s, _ := v.(string)
	return s
}

func number(v any) int {
	switch t := v.(type) {
	case json.Number:
		n, _ := t.Int64()
		return int(n)
	case float64:
		return int(t)
	}
	return 0
}

func set(names []string) map[string]bool {
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out
}
