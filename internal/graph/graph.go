// Package graph orders objects by their dependencies: it peels the graph into
// waves (every object in a wave depends only on objects in earlier waves), with
// a stable order inside each wave, and reports cycles as typed errors that list
// their edges deterministically.
package graph

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/object"
)

// Graph is a set of objects and "depends on" edges between them.
type Graph struct {
	nodes object.Set
	deps  map[object.ID]object.Set // from -> the objects it depends on
}

// New returns an empty graph.
func New() *Graph { return &Graph{nodes: object.Set{}, deps: map[object.ID]object.Set{}} }

// Add adds a node.
func (g *Graph) Add(id object.ID) { g.nodes.Add(id) }

// Has reports whether id is a node.
func (g *Graph) Has(id object.ID) bool { return g.nodes.Has(id) }

// DependsOn records that from must come after to. Both become nodes.
func (g *Graph) DependsOn(from, to object.ID) {
	g.Add(from)
	g.Add(to)
	if g.deps[from] == nil {
		g.deps[from] = object.Set{}
	}
	g.deps[from].Add(to)
}

// Deps returns the direct dependencies of id, sorted.
func (g *Graph) Deps(id object.ID) []object.ID { return g.deps[id].Sorted() }

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

// Waves returns the nodes in dependency order: wave 0 holds the nodes with no
// dependencies, wave n those whose dependencies are all in earlier waves. IDs
// are sorted within a wave. Nodes on or behind a cycle are left out and
// reported in a *CycleError; the rest still come back.
func (g *Graph) Waves() ([][]object.ID, error) {
	remaining := map[object.ID]int{} // unmet dependency count
	dependents := map[object.ID][]object.ID{}
	for id := range g.nodes {
		remaining[id] = len(g.deps[id])
		for dep := range g.deps[id] {
			dependents[dep] = append(dependents[dep], id)
		}
	}
	var waves [][]object.ID
	var ready []object.ID
	for id, n := range remaining {
		if n == 0 {
			ready = append(ready, id)
		}
	}
	done := 0
	for len(ready) > 0 {
		slices.SortFunc(ready, object.Compare)
		waves = append(waves, ready)
		done += len(ready)
		var next []object.ID
		for _, id := range ready {
			for _, d := range dependents[id] {
				remaining[d]--
				if remaining[d] == 0 {
					next = append(next, d)
				}
			}
		}
		ready = next
	}
	if done == len(g.nodes) {
		return waves, nil
	}
	stuck := object.Set{}
	for id, n := range remaining {
		if n > 0 {
			stuck.Add(id)
		}
	}
	return waves, g.cycles(stuck)
}

// cycles splits the stuck nodes into cycle members (strongly connected
// components with an edge inside) and the nodes merely blocked behind them.
func (g *Graph) cycles(stuck object.Set) *CycleError {
	index, low := map[object.ID]int{}, map[object.ID]int{}
	onStack := object.Set{}
	var stack []object.ID
	inCycle := object.Set{}
	next := 0
	var visit func(v object.ID)
	visit = func(v object.ID) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack.Add(v)
		for _, w := range g.deps[v].Sorted() {
			if !stuck.Has(w) {
				continue
			}
			if _, seen := index[w]; !seen {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack.Has(w) {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var scc []object.ID
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			delete(onStack, w)
			scc = append(scc, w)
			if w == v {
				break
			}
		}
		if len(scc) > 1 || g.deps[v].Has(v) {
			for _, w := range scc {
				inCycle.Add(w)
			}
		}
	}
	for _, id := range stuck.Sorted() {
		if _, seen := index[id]; !seen {
			visit(id)
		}
	}
	cyc := &CycleError{IDs: inCycle.Sorted(), Blocked: stuck.Diff(inCycle).Sorted()}
	for _, id := range cyc.IDs {
		for _, dep := range g.deps[id].Sorted() {
			if inCycle.Has(dep) {
				cyc.Edges = append(cyc.Edges, Edge{From: id, To: dep})
			}
		}
	}
	return cyc
}

// Reverse returns the graph with every edge reversed: the order deletes run in.
func (g *Graph) Reverse() *Graph {
	r := New()
	for id := range g.nodes {
		r.Add(id)
	}
	for from, tos := range g.deps {
		for to := range tos {
			r.DependsOn(to, from)
		}
	}
	return r
}

// String renders the graph canonically, one "from -> to" per line, for tests.
func (g *Graph) String() string {
	var lines []string
	for _, id := range g.nodes.Sorted() {
		deps := g.deps[id].Sorted()
		if len(deps) == 0 {
			lines = append(lines, id.String())
		}
		for _, d := range deps {
			lines = append(lines, id.String()+" -> "+d.String())
		}
	}
	return strings.Join(lines, "\n")
}
