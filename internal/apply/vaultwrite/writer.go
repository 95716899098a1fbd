// Package vaultwrite makes the plan's Vault changes: ACL policies,
// Kubernetes auth roles and database roles written and deleted, leases
// revoked, policies deprecated, a tenant's KV data deleted. It mirrors
// live/vaultread: what one reads, the other writes, by the same paths. Every
// write is idempotent, so a change repeated after a crash is harmless.
package vaultwrite

import (
	"context"
	"errors"
	"fmt"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/live/vaultread"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/vaulterr"
)

// Logical is the part of vault/api's Logical client the writer uses.
type Logical interface {
	ReadWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
	WriteWithContext(ctx context.Context, path string, data map[string]any) (*vaultapi.Secret, error)
	DeleteWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
	ListWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
}

// Writer writes Vault objects.
type Writer struct {
	Logical Logical
	// Deletions, shared by one apply's writes, makes a lease revocation
	// wait out the creds reads begun before its role was deleted (nil: no
	// wait).
	Deletions *Deletions
}

// Write makes one change.
func (w Writer) Write(ctx context.Context, c diff.Change) error {
	var err error
	switch c.Action {
	case diff.Create, diff.Update, diff.Adopt:
		err = w.put(ctx, c)
	case diff.Delete, diff.DeleteDeprecated:
		if err = w.delete(ctx, vaultread.Path(c.ID)); err == nil && c.ID.Kind == object.DatabaseRole {
			w.Deletions.mark(c.ID)
		}
	case diff.RevokeLeases:
		// After the role is gone (the plan orders it so) and its last
		// creds reads settled, one sweep is final. Synchronous: when it
		// returns, every lease (and its database user) is gone; Vault
		// revokes a deleted role's leases with the statements each lease
		// stored.
		if err = w.Deletions.wait(ctx, desired.RoleOf(c.ID)); err == nil {
			_, err = w.Logical.WriteWithContext(ctx, "sys/leases/revoke-prefix/"+c.ID.Scope+"/"+c.ID.Name, map[string]any{"sync": true})
		}
	case diff.DeprecatePolicy:
		err = w.deprecate(ctx, c.ID)
	case diff.DeleteKVMetadata:
		err = w.deleteKV(ctx, c.ID)
	default:
		err = fmt.Errorf("unsupported action %s", c.Action)
	}
	return classify(err)
}

func (w Writer) delete(ctx context.Context, p string) error {
	if p == "" {
		return errors.New("no path to delete")
	}
	_, err := w.Logical.DeleteWithContext(ctx, p) // a missing object deletes fine
	return err
}

// deprecate copies the policy to <name>-deprecated and deletes the
// original. Repeated after an interruption it finishes the job: with the
// original gone, the copy must exist.
func (w Writer) deprecate(ctx context.Context, id object.ID) error {
	copyName := id.Name + "-deprecated"
	sec, err := w.Logical.ReadWithContext(ctx, vaultread.Path(id))
	if err != nil {
		return err
	}
	if sec != nil && sec.Data != nil {
		text, _ := sec.Data["policy"].(string)
		if _, err := w.Logical.WriteWithContext(ctx, "sys/policies/acl/"+copyName, map[string]any{"policy": text}); err != nil {
			return fmt.Errorf("writing %s: %w", copyName, err)
		}
		return w.delete(ctx, vaultread.Path(id))
	}
	have, err := w.Logical.ReadWithContext(ctx, "sys/policies/acl/"+copyName)
	if err != nil {
		return err
	}
	if have == nil {
		return fmt.Errorf("neither %s nor its copy %s exists", id.Name, copyName)
	}
	return nil
}

// deleteKV deletes every version and the metadata of each secret under the
// prefix: KV v2 has no recursive delete.
func (w Writer) deleteKV(ctx context.Context, id object.ID) error {
	keys, err := vaultread.ListKV(ctx, w.Logical, id.Scope, id.Name)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := w.Logical.DeleteWithContext(ctx, id.Scope+"/metadata/"+k); err != nil {
			return fmt.Errorf("deleting %s/metadata/%s: %w", id.Scope, k, err)
		}
	}
	return nil
}

// classify marks transient errors for the walker's retry.
func classify(err error) error {
	if vaulterr.Transient(err) {
		return &apply.Transient{Err: err}
	}
	return err
}
