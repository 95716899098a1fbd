package daemon

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/apply"
	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

// logLines runs f against a daemon logging JSON and returns each line's
// message, tenant, object, error, cause and repeated count.
func logLines(t *testing.T, d *Daemon, logs *bytes.Buffer, f func()) []map[string]any {
	t.Helper()
	logs.Reset()
	f()
	var out []map[string]any
	dec := json.NewDecoder(logs)
	for dec.More() {
		var line map[string]any
		if err := dec.Decode(&line); err != nil {
			t.Fatal(err)
		}
		keep := map[string]any{}
		for _, k := range []string{"level", "msg", "tenant", "object", "error", "cause", "repeated"} {
			if v, ok := line[k]; ok {
				keep[k] = v
			}
		}
		out = append(out, keep)
	}
	return out
}

func jsonDaemon() (*Daemon, *bytes.Buffer) {
	var logs bytes.Buffer
	return New(Config{Log: slog.New(slog.NewJSONHandler(&logs, nil))}), &logs
}

// A failed reconcile is logged at ERROR with its root cause, each failed or
// skipped change with its tenant and object; the same failures in the next
// cycle are not logged again.
func TestFailuresAreLoggedOnceWithTheirTenantObjectAndCause(t *testing.T) {
	d, logs := jsonDaemon()
	policy := object.ID{System: object.Vault, Kind: object.Kind("policy"), Name: "shop-read"}
	role := object.ID{System: object.Vault, Kind: object.Kind("auth-role"), Name: "shop"}
	refused := errors.New("dial tcp 127.0.0.1:8200: connect: connection refused")
	out := Outcome{
		Revision: "abc123",
		Err:      fmt.Errorf("vault login: %w", refused),
		Plan:     &diff.Plan{Errors: []diff.Problem{{Tenant: "web", ID: policy, Message: "reading: permission denied"}}},
		Result: &apply.Result{Changes: []apply.ChangeResult{
			{ID: policy, Tenant: "shop", Action: diff.Create, Status: apply.Failed, Error: "writing: 500 internal error", Attempts: 3},
			{ID: role, Tenant: "shop", Action: diff.Create, Status: apply.Skipped, Upstream: &policy},
			{ID: role, Tenant: "ok", Action: diff.Create, Status: apply.Applied},
		}},
	}
	want := []map[string]any{
		{"level": "ERROR", "msg": "reconcile failed", "error": "vault login: " + refused.Error(), "cause": refused.Error()},
		{"level": "ERROR", "msg": "planning failed", "tenant": "web", "object": "policy shop-read", "error": "reading: permission denied"},
		{"level": "ERROR", "msg": "change failed", "tenant": "shop", "object": "policy shop-read", "error": "writing: 500 internal error"},
		{"level": "ERROR", "msg": "change not applied", "tenant": "shop", "object": "auth-role shop", "error": "not applied: it depends on policy shop-read, which failed"},
	}
	if diff := cmp.Diff(want, logLines(t, d, logs, func() { d.logOutcome(out) })); diff != "" {
		t.Errorf("first cycle (-want +got):\n%s", diff)
	}
	if got := logLines(t, d, logs, func() { d.logOutcome(out) }); len(got) != 0 {
		t.Errorf("the same failures again were logged: %v", got)
	}
}

// One reconcile writes at most perCycle lines about its changes, then one
// that counts the rest.
func TestOneCycleLogsAtMostPerCycleChanges(t *testing.T) {
	d, logs := jsonDaemon()
	res := &apply.Result{}
	for i := range perCycle + 5 {
		res.Changes = append(res.Changes, apply.ChangeResult{ID: object.ID{System: object.Vault, Kind: "policy", Name: fmt.Sprintf("t%d", i)},
			Tenant: fmt.Sprintf("t%d", i), Status: apply.Failed, Error: "boom"})
	}
	got := logLines(t, d, logs, func() { d.logOutcome(Outcome{Result: res}) })
	if len(got) != perCycle+1 || got[perCycle]["msg"] != "5 more failures in this reconcile; /status lists each tenant's" {
		t.Errorf("%d lines, the last %v", len(got), got[len(got)-1])
	}
}

func TestLimiterLogsARepeatEveryRepeatEvery(t *testing.T) {
	var l limiter
	t0 := time.Now()
	type call struct {
		Key  string
		At   time.Duration
		OK   bool
		Held int
	}
	calls := []call{
		{Key: "a", At: 0, OK: true},
		{Key: "a", At: time.Minute},
		{Key: "b", At: time.Minute, OK: true},
		{Key: "a", At: 2 * time.Minute},
		{Key: "a", At: repeatEvery, OK: true, Held: 2},
		{Key: "a", At: repeatEvery + time.Second},
	}
	for _, c := range calls {
		ok, held := l.allow(c.Key, t0.Add(c.At))
		if got := (call{Key: c.Key, At: c.At, OK: ok, Held: held}); got != c {
			t.Errorf("allow(%s, +%s) = %v, %d; want %v, %d", c.Key, c.At, ok, held, c.OK, c.Held)
		}
	}
}
