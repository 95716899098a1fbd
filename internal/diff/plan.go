package diff

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// SchemaVersion identifies the JSON form of Plan. It changes only when a field
// changes meaning or goes away; new fields may be added within a version.
const SchemaVersion = "syncd.io/plan/v1"

// Action is what a change does. Before is the live object, After the desired.
type Action string

const (
	// NoOp: the live object matches the desired one. Before == After.
	NoOp Action = "no-op"
	// Create: no live object; After is created.
	Create Action = "create"
	// Update: a live object syncd owns differs; it becomes After. Fields
	// lists what differs.
	Update Action = "update"
	// Adopt: a live object syncd does not own holds a desired name and the
	// plan was made with adopt allowed; syncd takes it over and makes it After.
	Adopt Action = "adopt"
	// Delete: a live object syncd owns is no longer desired; it is deleted.
	Delete Action = "delete"
	// RevokeLeases: revoke every lease issued under a database role's
	// credentials path (sys/leases/revoke-prefix), before the role goes.
	RevokeLeases Action = "revoke-leases"
	// DeprecatePolicy: off-boarding renames a removed tenant's policy to
	// <policy>-deprecated (write the copy, delete the original), so tokens
	// still alive keep working until they expire.
	DeprecatePolicy Action = "deprecate-policy"
	// DeleteDeprecated: once the grace period has passed since the policy
	// was deprecated, the deprecated policy is deleted.
	DeleteDeprecated Action = "delete-deprecated"
	// Confirm: the object is as desired but recorded only as pending (a run
	// was interrupted between writing it and recording it): it is recorded
	// as owned. Nothing is written to Vault or Kubernetes.
	Confirm Action = "confirm"
	// Forget: an object syncd owns is gone and no longer desired (deleted
	// by an interrupted run, or out of band): it leaves the inventory.
	// Nothing is written to Vault or Kubernetes.
	Forget Action = "forget"
	// DeleteKVMetadata: with the deprecated policy, the removed tenant's KV
	// v2 metadata (every version of every secret) under its prefix is deleted.
	DeleteKVMetadata Action = "delete-kv-metadata"
)

// Plan is the ordered set of changes that makes live match desired.
type Plan struct {
	Version string `json:"version"`
	// SyncdVersion is the version of the syncd that planned (syncd version).
	SyncdVersion string    `json:"syncdVersion"`
	CreatedAt    time.Time `json:"createdAt"`
	// Applyable: there are changes and no error stops the plan; Errored:
	// some object could not be planned (Errors). For policies (conftest,
	// OPA) reading the JSON plan.
	Applyable bool `json:"applyable"`
	Errored   bool `json:"errored"`
	// Revision names the files planned from: a Git commit, or "dir:" and a
	// digest of a local directory's files.
	Revision string `json:"revision,omitempty"`
	// Changes are ordered by wave, then by ID. Every change in a wave depends
	// only on changes in earlier waves. No-ops are included, with wave -1.
	Changes []Change  `json:"changes"`
	Errors  []Problem `json:"errors,omitempty"`
	// Warnings gathers every change's warnings (unchanged objects' too).
	Warnings []Problem `json:"warnings,omitempty"`
	// Held lists tenants whose files failed to parse: their live objects are
	// left exactly as they are, neither updated nor deleted.
	Held []string `json:"held,omitempty"`
	// Waiting lists off-boarded tenants whose grace period has not yet
	// passed, with the time their deprecated policy may be deleted.
	Waiting []Waiting `json:"waiting,omitempty"`
	Guard   Guard     `json:"guard"`
	// Live fingerprints the live state the plan was computed from; apply
	// refuses a saved plan when it no longer matches.
	Live     Fingerprint `json:"live"`
	Requests Requests    `json:"requests"`
	Summary  Summary     `json:"summary"`
}

// Change is one step of the plan.
type Change struct {
	ID     object.ID `json:"id"`
	Tenant string    `json:"tenant,omitempty"`
	Action Action    `json:"action"`
	Wave   int       `json:"wave"`
	// Fields lists field-level differences for update and adopt, and the
	// fields set for create. Secret-bearing values are masked. A create
	// computed here lists them when shown (FieldList, and in its JSON),
	// not for the plan's life: at 10,000 tenants from scratch, every field
	// of 76,000 creates held at once was most of apply's memory.
	Fields []Field `json:"fields,omitempty"`
	// After is the desired object for create, update and adopt.
	After desired.Spec `json:"after,omitempty"`
	// UID, for a Kubernetes delete, is the uid of the object the plan saw:
	// the delete requires it, so a recreated object is never deleted.
	UID string `json:"uid,omitempty"`
	// DependsOn are the changes that must succeed before this one.
	DependsOn []object.ID `json:"dependsOn,omitempty"`
	// Note explains a change that is not obvious (off-boarding steps).
	Note string `json:"note,omitempty"`
	// Warnings concern this change only and do not stop it.
	Warnings []string `json:"warnings,omitempty"`
}

// FieldList returns c's fields: Fields, or for a create that does not hold
// them, every field of After.
func (c *Change) FieldList() []Field {
	if c.Fields == nil && c.Action == Create && c.After != nil {
		return Compare(c.After, nil)
	}
	return c.Fields
}

// MarshalJSON writes c with its fields listed (FieldList).
func (c Change) MarshalJSON() ([]byte, error) {
	type plain Change // without this method
	c.Fields = c.FieldList()
	return json.Marshal(plain(c))
}

// Field is one field's before and after, as normalised text.
type Field struct {
	Path   string `json:"path"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Sensitive fields have their values replaced by "(sensitive)".
	Sensitive bool `json:"sensitive,omitempty"`
}

// Problem is an error or warning about one object (or the whole plan when ID
// is zero). An object with an error has no change; its dependents are skipped.
type Problem struct {
	ID      object.ID `json:"id"`
	Tenant  string    `json:"tenant,omitempty"`
	Message string    `json:"message"`
}

// Waiting is an off-boarded tenant inside its grace period.
type Waiting struct {
	Tenant      string    `json:"tenant"`
	Policy      string    `json:"policy"`
	DeleteAfter time.Time `json:"deleteAfter"`
}

// Guard is the deletion guard's verdict.
type Guard struct {
	// OwnedTenants are the tenants in the inventory; ActiveTenants those of
	// them neither held nor waiting out a grace period (the base of
	// guard.maxDeletePercent).
	OwnedTenants  int `json:"ownedTenants"`
	ActiveTenants int `json:"activeTenants"`
	// TouchedTenants have at least one destructive step (delete,
	// revoke-leases, deprecate-policy, delete-deprecated,
	// delete-kv-metadata); RemovedTenants are those of them whose file is gone.
	TouchedTenants   int    `json:"touchedTenants"`
	RemovedTenants   int    `json:"removedTenants"`
	DestructiveSteps int    `json:"destructiveSteps"`
	Refused          bool   `json:"refused"`
	Reason           string `json:"reason,omitempty"`
}

// Fingerprint identifies the live state read.
type Fingerprint struct {
	Hash string `json:"hash"`
	// Files digests the platform config and tenant files planned from.
	Files string `json:"files,omitempty"`
	// InventoryVersion is the version of the inventory's index.
	InventoryVersion int `json:"inventoryVersion"`
	// TenantVersions are the versions of the tenants' inventory records:
	// apply's first write of a tenant's record checks-and-sets against it,
	// so a tenant changed since the plan (by another instance, or an
	// earlier apply) is not touched.
	TenantVersions map[string]int `json:"tenantVersions,omitempty"`
}

// Requests counts what reading the live state cost.
type Requests struct {
	Vault      int64 `json:"vault"`
	Kubernetes int64 `json:"kubernetes"`
}

// Summary counts changes by action.
type Summary struct {
	Create   int `json:"create"`
	Update   int `json:"update"`
	Adopt    int `json:"adopt"`
	Delete   int `json:"delete"`
	Offboard int `json:"offboard"` // revoke-leases, deprecate and delete-after-grace steps
	Record   int `json:"record"`   // confirm and forget: inventory only
	NoOp     int `json:"noOp"`
	Errors   int `json:"errors"`
}

// HasChanges reports whether applying the plan would change anything.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp {
			return true
		}
	}
	return false
}

// UnmarshalJSON decodes a change, including its typed After, so a saved plan
// reads back into the same Plan.
func (c *Change) UnmarshalJSON(data []byte) error {
	type plain Change
	var aux struct {
		plain
		After json.RawMessage `json:"after,omitempty"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*c = Change(aux.plain)
	if len(aux.After) > 0 && string(aux.After) != "null" {
		spec, err := desired.DecodeSpec(c.ID.Kind, aux.After)
		if err != nil {
			return fmt.Errorf("change %s: %w", c.ID, err)
		}
		c.After = spec
	}
	return nil
}
