package live

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"sync"

	"github.com/syncd-dev/syncd/internal/object"
)

// Source reads one system's objects among want into st.
type Source interface {
	Read(ctx context.Context, want Wanted, st *State) error
}

// Wanted is what a plan reads: object.Set, or a plan's own (diff.Want).
type Wanted interface {
	Has(id object.ID) bool
	Each(fn func(object.ID)) // every identity, once
}

// ReadAll runs every source concurrently, each into a state of its own,
// and merges the results. All
// reads finish before anything is written anywhere.
func ReadAll(ctx context.Context, want Wanted, sources ...Source) (*State, error) {
	states := make([]*State, len(sources))
	errs := make([]error, len(sources))
	var wg sync.WaitGroup
	for i, src := range sources {
		states[i] = New()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = src.Read(ctx, want, states[i])
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(states) == 0 {
		return New(), nil
	}
	// The largest state takes in the others: at 10,000 tenants a fresh map
	// for all of them was a second copy of every object while it grew.
	out := slices.MaxFunc(states, func(a, b *State) int { return cmp.Compare(a.Len(), b.Len()) })
	for _, s := range states {
		if s == out {
			continue
		}
		maps.Copy(out.Objects, s.Objects)
		maps.Copy(out.Connections, s.Connections)
		maps.Copy(out.KVKeys, s.KVKeys)
		maps.Copy(out.Present, s.Present)
		maps.Copy(out.Looked, s.Looked)
		maps.Copy(out.NamespaceTenants, s.NamespaceTenants)
		maps.Copy(out.Targets, s.Targets)
	}
	return out, nil
}
