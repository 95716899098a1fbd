package strictyaml

import "sync"

// parsers are fast parsers whose nodes and lines are reused from one file
// to the next: Decode's tree is garbage once it has filled the struct, and
// allocating it afresh was a quarter of what loading 10,000 tenants
// allocated.
var parsers = sync.Pool{New: func() any { return new(fastParser) }}

// What a pooled parser keeps between files; a larger file's excess is left
// to the garbage collector.
const (
	maxPooledSlabs = 64 // 2,048 nodes
	maxPooledLines = 1024
)

// pooledParser returns a parser to build a tree that is read only until
// release.
func pooledParser() *fastParser { return parsers.Get().(*fastParser) }

// release returns p to the pool. Nothing may read the tree it built after:
// the nodes are cleared (so the pool holds no file's text) and reused.
func (p *fastParser) release() {
	for s := 0; s*slabSize < p.used; s++ {
		clear(p.slabs[s])
	}
	if len(p.slabs) > maxPooledSlabs {
		clear(p.slabs[maxPooledSlabs:])
		p.slabs = p.slabs[:maxPooledSlabs]
	}
	clear(p.lines)
	p.lines = p.lines[:0]
	if cap(p.lines) > maxPooledLines {
		p.lines = nil
	}
	p.used, p.unresolved, p.depth = 0, false, 0
	parsers.Put(p)
}
