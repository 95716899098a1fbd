package output

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// failingWriter takes limit bytes, then fails.
type failingWriter struct {
	bytes.Buffer
	limit int
}

var errFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.Len()+len(p) > f.limit {
		return 0, errFull
	}
	return f.Buffer.Write(p)
}

// inBatches writes every item once, in order, across batch boundaries; a
// render or write error stops it with the items before it written.
func TestInBatches(t *testing.T) {
	boom := errors.New("boom")
	tests := map[string]struct {
		n, failAt, limit int
		wantN            int // items written
		wantErr          error
	}{
		"none":                         {n: 0},
		"one":                          {n: 1, wantN: 1},
		"one batch short":              {n: 511, wantN: 511},
		"one batch exactly":            {n: 512, wantN: 512},
		"one more than a batch":        {n: 513, wantN: 513},
		"three batches":                {n: 1500, wantN: 1500},
		"a render error in the second": {n: 1500, failAt: 700, wantN: 700, wantErr: boom},
		"a render error in the last":   {n: 1500, failAt: 1499, wantN: 1499, wantErr: boom},
		"the writer fails":             {n: 1500, limit: 5 * 1000, wantErr: errFull},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			w := &failingWriter{limit: tc.limit}
			if tc.limit == 0 {
				w.limit = 1 << 30
			}
			err := inBatches(tc.n, func(i int, b *bytes.Buffer) error {
				if tc.failAt > 0 && i == tc.failAt {
					return boom
				}
				fmt.Fprintf(b, "%04d\n", i)
				return nil
			}, w)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			got := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\n")
			if w.Len() == 0 {
				got = nil
			}
			if tc.wantErr == errFull {
				tc.wantN = len(got) // as many as fit, checked in order below
				if tc.wantN == 0 || tc.wantN >= tc.n {
					t.Fatalf("%d items written before the writer failed", tc.wantN)
				}
			}
			if len(got) != tc.wantN {
				t.Fatalf("%d items written, want %d", len(got), tc.wantN)
			}
			for i, l := range got {
				if l != fmt.Sprintf("%04d", i) {
					t.Fatalf("item %d is %q", i, l)
				}
			}
		})
	}
}
