// Package graph orders objects by their dependencies: it peels the graph into
// waves (every object in a wave depends only on objects in earlier waves), with
// a stable order inside each wave, and reports cycles as typed errors that list
// their edges deterministically.
package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/object"
)

// Graph is a caller's objects, numbered 0 to n-1, and "depends on" edges
// between them. The caller names each number (for errors) and chooses the
// numbering: ties inside a wave are broken by number, so numbering in
// identity order gives a stable order. Numbers and one array of edges, not
// sets keyed by identity: at 10,000 tenants from scratch (76,667 changes)
// the sets were 36 MB while the plan was ordered.
type Graph struct {
	n     int
	id    func(int) object.ID
	edges []edge // as added; sorted and made distinct by build
	from  []int32
	built bool
}

type edge struct{ from, to int32 }

// New returns a graph of n objects without edges; id names object i.
func New(n int, id func(int) object.ID) *Graph { return &Graph{n: n, id: id} }

// Len is the number of objects.
func (g *Graph) Len() int { return g.n }

// DependsOn records that object from must come after object to.
func (g *Graph) DependsOn(from, to int) {
	if from < 0 || from >= g.n || to < 0 || to >= g.n {
		panic(fmt.Sprintf("graph: edge %d -> %d outside 0..%d", from, to, g.n-1))
	}
	g.edges = append(g.edges, edge{int32(from), int32(to)})
	g.built = false
}

// build sorts the edges by (from, to), drops repeats and indexes where each
// object's edges start.
func (g *Graph) build() {
	if g.built {
		return
	}
	slices.SortFunc(g.edges, func(a, b edge) int {
		return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(a.to, b.to))
	})
	g.edges = slices.Compact(g.edges)
	g.from = make([]int32, g.n+1)
	for _, e := range g.edges {
		g.from[e.from+1]++
	}
	for i := range g.n {
		g.from[i+1] += g.from[i]
	}
	g.built = true
}

// deps returns the edges out of object i, sorted by target.
func (g *Graph) deps(i int) []edge {
	g.build()
	return g.edges[g.from[i]:g.from[i+1]]
}

// Deps returns the objects i depends on directly, in number order.
func (g *Graph) Deps(i int) []int {
	es := g.deps(i)
	if len(es) == 0 {
		return nil
	}
	out := make([]int, len(es))
	for k, e := range es {
		out[k] = int(e.to)
	}
	return out
}

// Edge is one dependency, From after To.
type Edge struct{ From, To object.ID }

// CycleError lists the objects in dependency cycles, the edges among them, and
// the objects that depend on a cycle and so cannot be ordered either.
type CycleError struct {
	IDs     []object.ID
	Edges   []Edge
	Blocked []object.ID
}

func (e *CycleError) Error() string {
	var parts []string
	for _, ed := range e.Edges {
		parts = append(parts, ed.From.String()+" -> "+ed.To.String())
	}
	return fmt.Sprintf("dependency cycle among %d objects: %s", len(e.IDs), strings.Join(parts, ", "))
}

// Waves returns the objects in dependency order: wave 0 holds the objects
// with no dependencies, wave n those whose dependencies are all in earlier
// waves, each wave in number order. Objects on or behind a cycle are left
// out and reported in a *CycleError; the rest still come back.
func (g *Graph) Waves() ([][]int, error) {
	g.build()
	remaining := make([]int32, g.n) // unmet dependencies
	// dependents of object i: dependents[first[i]:first[i+1]]
	first := make([]int32, g.n+1)
	for _, e := range g.edges {
		remaining[e.from]++
		first[e.to+1]++
	}
	for i := range g.n {
		first[i+1] += first[i]
	}
	dependents := make([]int32, len(g.edges))
	fill := slices.Clone(first[:g.n])
	for _, e := range g.edges {
		dependents[fill[e.to]] = e.from
		fill[e.to]++
	}
	var waves [][]int
	var ready []int
	for i, n := range remaining {
		if n == 0 {
			ready = append(ready, i)
		}
	}
	done := 0
	for len(ready) > 0 {
		slices.Sort(ready)
		waves = append(waves, ready)
		done += len(ready)
		var next []int
		for _, i := range ready {
			for _, d := range dependents[first[i]:first[i+1]] {
				remaining[d]--
				if remaining[d] == 0 {
					next = append(next, int(d))
				}
			}
		}
		ready = next
	}
	if done == g.n {
		return waves, nil
	}
	stuck := make([]bool, g.n)
	for i, n := range remaining {
		stuck[i] = n > 0
	}
	return waves, g.cycles(stuck)
}

// cycles splits the stuck objects into cycle members (strongly connected
// components with an edge inside) and the objects merely blocked behind
// them (Tarjan's algorithm).
func (g *Graph) cycles(stuck []bool) *CycleError {
	const unseen = -1
	index, low := make([]int, g.n), make([]int, g.n)
	for i := range index {
		index[i] = unseen
	}
	onStack, inCycle := make([]bool, g.n), make([]bool, g.n)
	var stack []int
	next := 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, e := range g.deps(v) {
			w := int(e.to)
			if !stuck[w] {
				continue
			}
			if index[w] == unseen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var scc []int
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			scc = append(scc, w)
			if w == v {
				break
			}
		}
		if len(scc) > 1 || slices.ContainsFunc(g.deps(v), func(e edge) bool { return int(e.to) == v }) {
			for _, w := range scc {
				inCycle[w] = true
			}
		}
	}
	for i := range g.n {
		if stuck[i] && index[i] == unseen {
			visit(i)
		}
	}
	cyc := &CycleError{}
	for i := range g.n {
		switch {
		case inCycle[i]:
			cyc.IDs = append(cyc.IDs, g.id(i))
		case stuck[i]:
			cyc.Blocked = append(cyc.Blocked, g.id(i))
		}
	}
	for i := range g.n {
		for _, e := range g.deps(i) {
			if inCycle[i] && inCycle[e.to] {
				cyc.Edges = append(cyc.Edges, Edge{From: g.id(i), To: g.id(int(e.to))})
			}
		}
	}
	return cyc
}

// Reverse returns the graph with every edge reversed: the order deletes run in.
func (g *Graph) Reverse() *Graph {
	r := New(g.n, g.id)
	for _, e := range g.edges {
		r.DependsOn(int(e.to), int(e.from))
	}
	return r
}

// String renders the graph, one "from -> to" per line (an object without
// dependencies alone), in number order, for tests.
func (g *Graph) String() string {
	var lines []string
	for i := range g.n {
		es := g.deps(i)
		if len(es) == 0 {
			lines = append(lines, g.id(i).String())
		}
		for _, e := range es {
			lines = append(lines, g.id(i).String()+" -> "+g.id(int(e.to)).String())
		}
	}
	return strings.Join(lines, "\n")
}
