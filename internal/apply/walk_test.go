package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/diff"
	"github.com/syncd-dev/syncd/internal/object"
)

func vid(kind object.Kind, name string) object.ID {
	return object.ID{System: object.Vault, Kind: kind, Scope: "s", Name: name}
}

// fakeWriter fails some changes, transiently for a number of attempts or for
// good, and logs the order of successful writes.
type fakeWriter struct {
	mu        sync.Mutex
	order     []string
	transient map[string]int // name -> transient failures before success
	final     map[string]bool
	inFlight  int
	maxFlight int
}

func (f *fakeWriter) Write(ctx context.Context, c diff.Change) error {
	f.mu.Lock()
	f.inFlight++
	f.maxFlight = max(f.maxFlight, f.inFlight)
	f.mu.Unlock()
	time.Sleep(time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
	if f.transient[c.ID.Name] > 0 {
		f.transient[c.ID.Name]--
		return &Transient{Err: errors.New("503 standby")}
	}
	if f.final[c.ID.Name] {
		return errors.New("403 permission denied")
	}
	f.order = append(f.order, c.ID.Name)
	return nil
}

type fakeRecorder struct {
	mu         sync.Mutex
	refuse     map[string]bool
	deprecated []string
	finished   map[string][]string
}

func (f *fakeRecorder) Begin(_ context.Context, _ map[string]int, changes map[string][]*diff.Change) map[string]error {
	out := map[string]error{}
	for tenant := range changes {
		if f.refuse[tenant] {
			out[tenant] = errors.New("check-and-set failed")
		}
	}
	return out
}

func (f *fakeRecorder) Deprecated(_ context.Context, tenant string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deprecated = append(f.deprecated, tenant)
	return nil
}

func (f *fakeRecorder) Finish(_ context.Context, results map[string][]*ChangeResult) map[string]error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tenant, rs := range results {
		for _, r := range rs {
			f.finished[tenant] = append(f.finished[tenant], fmt.Sprintf("%s %s", r.ID.Name, r.Status))
		}
	}
	return nil
}

// plan: tenant a: policy -> role -> store -> es; dbrole -> gen; tenant b: policy -> role.
func testPlan() *diff.Plan {
	c := func(tenant, name string, wave int, action diff.Action, deps ...string) diff.Change {
		var ids []object.ID
		for _, d := range deps {
			ids = append(ids, vid("K", d))
		}
		return diff.Change{ID: vid("K", name), Tenant: tenant, Action: action, Wave: wave, DependsOn: ids}
	}
	return &diff.Plan{Changes: []diff.Change{
		c("a", "a-policy", 0, diff.Create), c("a", "a-dbrole", 0, diff.Create), c("b", "b-policy", 0, diff.Update),
		c("a", "a-role", 1, diff.Create, "a-policy"), c("b", "b-role", 1, diff.Create, "b-policy"),
		c("a", "a-store", 2, diff.Create, "a-role"), c("a", "a-gen", 2, diff.Create, "a-role", "a-dbrole"),
		c("a", "a-es", 3, diff.Create, "a-store"),
		c("c", "c-policy", 0, diff.DeprecatePolicy),
		{ID: vid("K", "unchanged"), Action: diff.NoOp, Wave: -1},
	}}
}

func statuses(r *Result) []string {
	var out []string
	for _, c := range r.Changes {
		s := fmt.Sprintf("%s %s %d", c.ID.Name, c.Status, c.Attempts)
		if c.Upstream != nil {
			s += " after " + c.Upstream.Name
		}
		out = append(out, s)
	}
	return out
}

func TestRun(t *testing.T) {
	fast := Retry{Attempts: 3, Base: time.Microsecond, Max: time.Microsecond}
	tests := map[string]struct {
		writer  *fakeWriter
		rec     *fakeRecorder
		cancel  bool
		want    []string
		written []string // in order, for checks across waves
	}{
		"every change applied, waves in order": {
			writer: &fakeWriter{},
			want: []string{"a-policy applied 1", "a-dbrole applied 1", "b-policy applied 1", "a-role applied 1", "b-role applied 1",
				"a-store applied 1", "a-gen applied 1", "a-es applied 1", "c-policy applied 1"},
		},
		"a failure skips exactly its dependents, naming the root failure": {
			writer: &fakeWriter{final: map[string]bool{"a-policy": true}},
			want: []string{"a-policy failed 1", "a-dbrole applied 1", "b-policy applied 1", "a-role skipped 0 after a-policy", "b-role applied 1",
				"a-store skipped 0 after a-policy", "a-gen skipped 0 after a-policy", "a-es skipped 0 after a-policy", "c-policy applied 1"},
		},
		"transient failures are retried; final ones are not": {
			writer: &fakeWriter{transient: map[string]int{"a-role": 2, "b-role": 5}, final: map[string]bool{"a-dbrole": true}},
			want: []string{"a-policy applied 1", "a-dbrole failed 1", "b-policy applied 1", "a-role applied 3", "b-role failed 3",
				"a-store applied 1", "a-gen skipped 0 after a-dbrole", "a-es applied 1", "c-policy applied 1"},
		},
		"a tenant whose inventory record cannot be written is not touched": {
			writer: &fakeWriter{}, rec: &fakeRecorder{refuse: map[string]bool{"b": true}},
			want: []string{"a-policy applied 1", "a-dbrole applied 1", "b-policy skipped 0", "a-role applied 1", "b-role skipped 0",
				"a-store applied 1", "a-gen applied 1", "a-es applied 1", "c-policy applied 1"},
		},
		"interrupted: nothing new starts": {
			writer: &fakeWriter{}, cancel: true,
			want: []string{"a-policy skipped 0", "a-dbrole skipped 0", "b-policy skipped 0", "a-role skipped 0 after a-policy", "b-role skipped 0 after b-policy",
				"a-store skipped 0 after a-policy", "a-gen skipped 0 after a-policy", "a-es skipped 0 after a-policy", "c-policy skipped 0"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rec := tc.rec
			if rec == nil {
				rec = &fakeRecorder{}
			}
			rec.finished = map[string][]string{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				cancel()
			}
			var progress int
			res := Run(ctx, testPlan(), map[object.System]Writer{object.Vault: tc.writer}, rec,
				Options{Parallelism: 2, Retry: fast, Progress: func(Progress) { progress++ }})
			if diff := cmp.Diff(tc.want, statuses(res)); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if progress != len(tc.want) {
				t.Errorf("%d progress reports, want %d", progress, len(tc.want))
			}
			if tc.writer.maxFlight > 2 {
				t.Errorf("%d writes in flight, parallelism is 2", tc.writer.maxFlight)
			}
			// Across waves, a change is written after what it depends on.
			pos := func(n string) int { return slices.Index(tc.writer.order, n) }
			for _, pair := range [][2]string{{"a-policy", "a-role"}, {"a-role", "a-store"}, {"a-store", "a-es"}, {"b-policy", "b-role"}} {
				if pos(pair[0]) >= 0 && pos(pair[1]) >= 0 && pos(pair[0]) > pos(pair[1]) {
					t.Errorf("%s written before %s: %v", pair[1], pair[0], tc.writer.order)
				}
			}
			applied := 0
			for _, c := range res.Changes {
				if c.Status == Applied {
					applied++
				}
			}
			if res.Summary.Applied != applied || res.OK() != (applied == len(tc.want)) {
				t.Errorf("summary %+v, OK %v", res.Summary, res.OK())
			}
			if len(rec.finished["a"]) != 6 || len(rec.finished["b"]) != 2 {
				t.Errorf("finished %v: every tenant's changes are recorded, whatever their end", rec.finished)
			}
			wantDeprecated := 1
			if tc.cancel {
				wantDeprecated = 0
			}
			if len(rec.deprecated) != wantDeprecated {
				t.Errorf("deprecations recorded: %v", rec.deprecated)
			}
		})
	}
}

// gateWriter holds every write until released, and says when want writes
// are in flight at once.
type gateWriter struct {
	mu        sync.Mutex
	inFlight  int
	maxFlight int
	want      int
	filled    bool
	full      chan struct{}
	release   chan struct{}
}

func (g *gateWriter) Write(ctx context.Context, c diff.Change) error {
	g.mu.Lock()
	g.inFlight++
	g.maxFlight = max(g.maxFlight, g.inFlight)
	if g.inFlight == g.want && !g.filled {
		g.filled = true
		close(g.full)
	}
	g.mu.Unlock()
	<-g.release
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	return nil
}

// With Parallelism left zero, exactly DefaultParallelism independent
// changes are in flight at once: the pool fills to it and no further.
func TestDefaultParallelism(t *testing.T) {
	var changes []diff.Change
	for i := range 3 * DefaultParallelism {
		changes = append(changes, diff.Change{ID: vid("K", fmt.Sprintf("p%02d", i)), Tenant: "a", Action: diff.Create})
	}
	g := &gateWriter{want: DefaultParallelism, full: make(chan struct{}), release: make(chan struct{})}
	done := make(chan *Result)
	go func() {
		done <- Run(context.Background(), &diff.Plan{Changes: changes}, map[object.System]Writer{object.Vault: g}, &fakeRecorder{finished: map[string][]string{}}, Options{})
	}()
	// every slot taken, the rest wait for one to end; a pool that never
	// fills (a smaller bound) fails here instead of hanging
	select {
	case <-g.full:
	case <-time.After(30 * time.Second):
	}
	g.mu.Lock()
	held := g.inFlight
	g.mu.Unlock()
	close(g.release)
	res := <-done
	if held != DefaultParallelism || g.maxFlight != DefaultParallelism {
		t.Errorf("%d writes in flight when the pool filled, %d at most; want %d", held, g.maxFlight, DefaultParallelism)
	}
	if got := statuses(res); len(got) != len(changes) || got[0] != "p00 applied 1" {
		t.Errorf("results %v, want all %d applied", got, len(changes))
	}
}
