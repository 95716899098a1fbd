package par

import (
	"sync/atomic"
	"testing"
)

// TestEachCallsEveryIndexOnce, for sizes around the worker count.
func TestEachCallsEveryIndexOnce(t *testing.T) {
	for name, n := range map[string]int{"none": 0, "one": 1, "two": 2, "many": 1000} {
		t.Run(name, func(t *testing.T) {
			calls := make([]atomic.Int32, n)
			Each(n, func(i int) { calls[i].Add(1) })
			for i := range calls {
				if got := calls[i].Load(); got != 1 {
					t.Errorf("index %d called %d times, want 1", i, got)
				}
			}
		})
	}
}

// TestBoundedKeepsTheBound: never more than workers calls at once.
func TestBoundedKeepsTheBound(t *testing.T) {
	for name, workers := range map[string]int{"one": 1, "three": 3} {
		t.Run(name, func(t *testing.T) {
			var inFlight, most atomic.Int32
			gate := make(chan struct{})
			done := make(chan struct{})
			go func() {
				Bounded(50, workers, func(int) {
					n := inFlight.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					if n == int32(workers) || workers == 1 {
						select {
						case <-gate:
						default:
							close(gate)
						}
					}
					<-gate
					inFlight.Add(-1)
				})
				close(done)
			}()
			<-done
			if got := most.Load(); got != int32(workers) {
				t.Errorf("at most %d calls in flight, want %d", got, workers)
			}
		})
	}
}
