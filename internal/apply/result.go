package apply

import (
	"fmt"
	"time"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

// SchemaVersion identifies the JSON form of Result.
const SchemaVersion = "syncd.io/apply/v1"

// Status is how a change ended.
type Status string

const (
	// Applied: the change was made (or was already in place).
	Applied Status = "applied"
	// Failed: the change was tried and failed; Error says why.
	Failed Status = "failed"
	// Skipped: the change was not tried because a change it depends on
	// failed or was skipped (Upstream), its tenant's inventory record
	// changed since the plan, or the run was interrupted.
	Skipped Status = "skipped"
)

// Result is what applying a plan did, change by change.
type Result struct {
	Version    string           `json:"version"`
	StartedAt  time.Time        `json:"startedAt"`
	FinishedAt time.Time        `json:"finishedAt"`
	Plan       diff.Fingerprint `json:"plan"`
	// Revision names the files applied from (the plan's).
	Revision string `json:"revision,omitempty"`
	// Changes are in the plan's order; no-ops are left out.
	Changes []ChangeResult `json:"changes"`
	// Errors concern the run rather than one change (recording ownership).
	Errors  []string `json:"errors,omitempty"`
	Summary Summary  `json:"summary"`
	// Requests are the HTTP requests the run made, inventory included
	// (filled in by the caller that owns the clients).
	Requests Requests `json:"requests"`
}

// Requests counts HTTP requests per system, and the writes among them.
type Requests struct {
	Vault            int64 `json:"vault"`
	VaultWrites      int64 `json:"vaultWrites"`
	Kubernetes       int64 `json:"kubernetes"`
	KubernetesWrites int64 `json:"kubernetesWrites"`
}

// ChangeResult is how one change of the plan ended.
type ChangeResult struct {
	ID       object.ID   `json:"id"`
	Tenant   string      `json:"tenant,omitempty"`
	Action   diff.Action `json:"action"`
	Wave     int         `json:"wave"`
	Status   Status      `json:"status"`
	Attempts int         `json:"attempts"`
	Error    string      `json:"error,omitempty"`
	// Upstream is the failed change a skipped change depends on.
	Upstream *object.ID `json:"upstream,omitempty"`
}

// Summary counts the changes by status, and the writes made.
type Summary struct {
	Applied int `json:"applied"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	// Writes are the write attempts made to Vault and Kubernetes for the
	// plan's changes (inventory records not included).
	Writes int `json:"writes"`
}

// OK reports whether every change was applied and nothing else failed.
func (r *Result) OK() bool {
	return r.Summary.Failed == 0 && r.Summary.Skipped == 0 && len(r.Errors) == 0
}

// ChangeError is a failed change, carrying the object it concerns.
type ChangeError struct {
	ID     object.ID
	Action diff.Action
	Err    error
}

func (e *ChangeError) Error() string { return fmt.Sprintf("%s %s: %v", e.Action, e.ID, e.Err) }
func (e *ChangeError) Unwrap() error { return e.Err }
