// Package par runs independent per-item work concurrently: the one fan-out
// of the offline stages (decoding tenant files, proving isolation) and of
// apply's waves.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls f(i) for every i in [0, n), on up to GOMAXPROCS goroutines,
// and returns when all calls have. f must only write to what index i owns
// (out[i]); callers that collect results in index order stay deterministic.
func Each(n int, f func(i int)) { Bounded(n, runtime.GOMAXPROCS(0), f) }

// Bounded is Each with at most workers calls in flight; indexes start in
// order.
func Bounded(n, workers int, f func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}
