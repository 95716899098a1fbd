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
