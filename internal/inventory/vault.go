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

// Load reads the inventory; a missing one is empty with Version 0.
func (s Store) Load(ctx context.Context) (*Inventory, error) {
	sec, err := s.KV.ReadWithContext(ctx, s.Mount+"/data/"+s.Path)
	if err != nil {
		return nil, fmt.Errorf("reading inventory %s/%s: %w", s.Mount, s.Path, err)
	}
	inv := &Inventory{Tenants: map[string]*Tenant{}}
	if sec == nil || sec.Data["data"] == nil {
		return inv, nil // never saved (or deleted): nothing is owned
	}
	data, _ := sec.Data["data"].(map[string]any)
	raw, _ := data[field].(string)
	if err := json.Unmarshal([]byte(raw), inv); err != nil {
		return nil, fmt.Errorf("inventory %s/%s is corrupt: %w", s.Mount, s.Path, err)
	}
	if inv.Tenants == nil {
		inv.Tenants = map[string]*Tenant{}
	}
	meta, _ := sec.Data["metadata"].(map[string]any)
	if v, ok := meta["version"].(json.Number); ok {
		n, _ := v.Int64()
		inv.Version = int(n)
	}
	return inv, nil
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
		if v, ok := sec.Data["version"].(json.Number); ok {
			n, _ := v.Int64()
			inv.Version = int(n)
		}
	}
	return nil
}

func containsCAS(msg string) bool { return strings.Contains(msg, "check-and-set") }
