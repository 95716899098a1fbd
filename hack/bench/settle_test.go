package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCPULine(t *testing.T) {
	for name, tc := range map[string]struct {
		line    string
		want    ticks
		wantErr bool
	}{
		// user nice system idle iowait irq softirq steal guest guest_nice
		"linux 2.6.33+": {line: "cpu  100 5 20 800 50 3 2 1 40 0\n", want: ticks{busy: 131, total: 981}},
		"four fields":   {line: "cpu 10 0 10 80", want: ticks{busy: 20, total: 100}},
		"per-cpu line":  {line: "cpu0 1 2 3 4 5", wantErr: true},
		"too short":     {line: "cpu 1 2 3", wantErr: true},
		"not a number":  {line: "cpu 1 x 3 4 5", wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := parseCPULine(tc.line)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(ticks{})); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestBusyShare(t *testing.T) {
	before := ticks{busy: 100, total: 1000}
	for name, tc := range map[string]struct {
		now  ticks
		want float64
	}{
		"half busy":       {now: ticks{busy: 150, total: 1100}, want: 0.5},
		"idle":            {now: ticks{busy: 100, total: 1200}, want: 0},
		"all busy":        {now: ticks{busy: 300, total: 1200}, want: 1},
		"no time elapsed": {now: before, want: 0},
	} {
		t.Run(name, func(t *testing.T) {
			if got := tc.now.busyShare(before); got != tc.want {
				t.Errorf("busyShare = %v, want %v", got, tc.want)
			}
		})
	}
}
