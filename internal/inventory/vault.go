package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	vaultapi "github.com/hashicorp/vault/api"
)

// KV is the part of vault/api's Logical client the store needs.
type KV interface {
	ReadWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
	WriteWithContext(ctx context.Context, path string, data map[string]any) (*vaultapi.Secret, error)
}

// Store keeps the inventory at one KV v2 path.
type Store struct {
	KV    KV
	Mount string // KV v2 mount
	Path  string // path inside the mount
}

// ErrConflict means another writer saved the inventory since it was read.
var ErrConflict = errors.New("inventory changed since it was read (check-and-set failed)")

const field = "inventory"

// Load reads the inventory. Only an inventory that was never written is
// empty (Version 0). One that cannot be read (a missing mount, no access),
// was deleted or destroyed (`vault kv delete`, delete_version_after on the
// mount) or does not decode is an error: planning against it would disown
// every object syncd created, and every save would then fail check-and-set.
func (s Store) Load(ctx context.Context) (*Inventory, error) {
	where := s.Mount + "/" + s.Path
	if err := s.checkMount(ctx); err != nil {
		return nil, err
	}
	sec, err := s.KV.ReadWithContext(ctx, s.Mount+"/data/"+s.Path)
	if err != nil {
		return nil, fmt.Errorf("reading inventory %s: %w", where, err)
	}
	if sec == nil || sec.Data == nil {
		return &Inventory{Tenants: map[string]*Tenant{}}, nil // never written: nothing is owned yet
	}
	meta, _ := sec.Data["metadata"].(map[string]any)
	version := number(meta["version"])
	data, _ := sec.Data["data"].(map[string]any)
	if data == nil {
		switch {
		case meta["destroyed"] == true:
			return nil, fmt.Errorf("inventory %s: version %d was destroyed; syncd cannot tell what it owns. Restore the inventory from a backup before planning", where, version)
		case str(meta["deletion_time"]) != "":
			return nil, fmt.Errorf("inventory %s: version %d was deleted at %s (by `vault kv delete` or the mount's delete_version_after); syncd cannot tell what it owns. Restore it: vault kv undelete -mount=%s -versions=%d %s",
				where, version, str(meta["deletion_time"]), s.Mount, version, s.Path)
		}
		return nil, fmt.Errorf("inventory %s: the response holds no data", where)
	}
	raw, ok := data[field].(string)
	if !ok {
		return nil, fmt.Errorf("inventory %s is corrupt: no %q field", where, field)
	}
	inv := &Inventory{}
	if err := json.Unmarshal([]byte(raw), inv); err != nil {
		return nil, fmt.Errorf("inventory %s is corrupt: %w", where, err)
	}
	if inv.Tenants == nil {
		inv.Tenants = map[string]*Tenant{}
	}
	if err := inv.Validate(); err != nil {
		return nil, fmt.Errorf("inventory %s is corrupt: %w", where, err)
	}
	inv.Version = version
	return inv, nil
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

// Save writes inv with check-and-set on inv.Version and advances it.
func (s Store) Save(ctx context.Context, inv *Inventory) error {
	raw, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	sec, err := s.KV.WriteWithContext(ctx, s.Mount+"/data/"+s.Path, map[string]any{
		"options": map[string]any{"cas": inv.Version},
		"data":    map[string]any{field: string(raw)},
	})
	if err != nil {
		var re *vaultapi.ResponseError
		if errors.As(err, &re) && re.StatusCode == 400 {
			for _, e := range re.Errors {
				if containsCAS(e) {
					return fmt.Errorf("saving inventory %s/%s: %w", s.Mount, s.Path, ErrConflict)
				}
			}
		}
		return fmt.Errorf("saving inventory %s/%s: %w", s.Mount, s.Path, err)
	}
	if sec != nil {
		if v := number(sec.Data["version"]); v > 0 {
			inv.Version = v
		}
	}
	return nil
}

func containsCAS(msg string) bool { return strings.Contains(msg, "check-and-set") }
