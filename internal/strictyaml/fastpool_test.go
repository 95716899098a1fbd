package strictyaml

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	sigsyaml "sigs.k8s.io/yaml"
)

// Decodes running at once, each on a pooled parser that other files used
// before, decode exactly what sigs.k8s.io/yaml does, and what they decoded
// stays as it was while the parsers go on to other files: nothing decoded
// points into a reused tree. Files of every size, including one larger
// than a pooled parser keeps, and ones the fast parser declines.
func TestPooledParsersShareNothing(t *testing.T) {
	files := make([]string, 400)
	for i := range files {
		var b strings.Builder
		fmt.Fprintf(&b, "name: file-%d\nlabels:\n", i)
		for j := range i % 7 {
			fmt.Fprintf(&b, "  k%d: \"v-%d-%d\"\n", j, i, j)
		}
		b.WriteString("items:\n")
		n := i % 5
		if i == 7 {
			n = 3000 // more nodes than a pooled parser keeps
		}
		for j := range n {
			fmt.Fprintf(&b, "  - item-%d-%d\n", i, j)
		}
		if i%11 == 0 {
			b.WriteString("nested: {name: flow}\n") // declined: yaml.v3 parses it
		}
		files[i] = b.String()
	}
	got := make([]doc, len(files))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(files); i += 4 {
				if _, err := Decode("f.yaml", []byte(files[i]), &got[i], DefaultLimits); err != nil {
					t.Errorf("file %d: %v", i, err)
				}
			}
		}()
	}
	wg.Wait()
	for i, f := range files {
		var want doc
		if err := sigsyaml.UnmarshalStrict([]byte(f), &want); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got[i]); d != "" {
			t.Errorf("file %d (-want +got):\n%s", i, d)
		}
	}
}

// A released parser holds no file's text and no more than it may keep.
func TestReleaseForgets(t *testing.T) {
	p := new(fastParser)
	if _, ok := p.parse("name: x\nitems:\n" + strings.Repeat("  - y\n", 5000)); !ok {
		t.Fatal("the fast parser declined")
	}
	p.release()
	parsers.Get() // take it back out of the pool, if still there
	if p.used != 0 || len(p.lines) != 0 || cap(p.lines) > maxPooledLines || len(p.slabs) > maxPooledSlabs {
		t.Errorf("kept used=%d lines=%d/%d slabs=%d", p.used, len(p.lines), cap(p.lines), len(p.slabs))
	}
	for s, slab := range p.slabs[:cap(p.slabs)] {
		for i, n := range slab {
			if n.Value != "" || n.Content != nil {
				t.Fatalf("slab %d node %d still holds %q", s, i, n.Value)
			}
		}
	}
}
