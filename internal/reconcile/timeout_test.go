package reconcile

import (
	"testing"
	"time"
)

// The default read timeout grows with the tenants planned: a bound sized
// for a small repository never cuts off a large one.
func TestReadTimeoutScalesWithTheTenants(t *testing.T) {
	tests := map[string]struct {
		n    int
		want time.Duration
	}{
		"none":   {n: 0, want: 2 * time.Minute},
		"one":    {n: 1, want: 2*time.Minute + 25*time.Millisecond},
		"10,000": {n: 10000, want: 2*time.Minute + 250*time.Second},
		"20,000": {n: 20000, want: 2*time.Minute + 500*time.Second},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := ReadTimeout(tc.n); got != tc.want {
				t.Errorf("ReadTimeout(%d) = %s, want %s", tc.n, got, tc.want)
			}
		})
	}
}
