package graph

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syncd-dev/syncd/internal/object"
)

func id(kind object.Kind, name string) object.ID {
	return object.ID{System: object.Vault, Kind: kind, Name: name}
}

var (
	pol   = id(object.Policy, "p")
	role  = id(object.AuthRole, "r")
	db    = id(object.DatabaseRole, "d")
	conn  = id(object.DatabaseConnection, "c")
	store = object.ID{System: object.Kubernetes, Kind: object.SecretStore, Scope: "ns", Name: "s"}
	es    = object.ID{System: object.Kubernetes, Kind: object.ExternalSecret, Scope: "ns", Name: "e"}
)

// numbered is a graph of ids numbered in identity order, as the plan
// numbers its changes, with the edges given by identity.
type numbered struct {
	*Graph
	ids []object.ID
}

func newNumbered(ids ...object.ID) numbered {
	ids = slices.Clone(ids)
	slices.SortFunc(ids, object.Compare)
	return numbered{New(len(ids), func(i int) object.ID { return ids[i] }), ids}
}

func (n numbered) dependsOn(from, to object.ID) {
	n.DependsOn(slices.Index(n.ids, from), slices.Index(n.ids, to))
}

func (n numbered) names(waves [][]int) [][]string {
	var out [][]string
	for _, w := range waves {
		var ns []string
		for _, i := range w {
			ns = append(ns, n.ids[i].Name)
		}
		out = append(out, ns)
	}
	return out
}

func TestWaves(t *testing.T) {
	tests := map[string]struct {
		nodes   []object.ID
		build   func(g numbered)
		want    [][]string
		reverse [][]string
		cycle   []string // names in the cycle
	}{
		"policy before role before store before external secret": {
			nodes: []object.ID{pol, role, db, conn, store, es},
			build: func(g numbered) {
				g.dependsOn(role, pol)
				g.dependsOn(store, role)
				g.dependsOn(es, store)
				g.dependsOn(db, conn)
				g.dependsOn(es, store) // twice: one edge
			},
			// sorted by ID within a wave: kubernetes < vault, then by kind
			want:    [][]string{{"c", "p"}, {"d", "r"}, {"s"}, {"e"}},
			reverse: [][]string{{"e", "d"}, {"s", "c"}, {"r"}, {"p"}},
		},
		"independent nodes share one wave": {
			nodes: []object.ID{pol, db, es},
			build: func(numbered) {},
			want:  [][]string{{"e", "d", "p"}},
		},
		"a cycle is reported; the rest is still ordered": {
			nodes: []object.ID{role, pol, store, db},
			build: func(g numbered) {
				g.dependsOn(role, pol)
				g.dependsOn(pol, role)
				g.dependsOn(store, role)
			},
			want:  [][]string{{"d"}},
			cycle: []string{"r", "p"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := newNumbered(tc.nodes...)
			tc.build(g)
			waves, err := g.Waves()
			if diff := cmp.Diff(tc.want, g.names(waves)); diff != "" {
				t.Errorf("waves (-want +got):\n%s", diff)
			}
			var cyc *CycleError
			if tc.cycle == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
			} else if !errors.As(err, &cyc) {
				t.Fatalf("err = %v, want *CycleError", err)
			} else {
				var got []string
				for _, id := range cyc.IDs {
					got = append(got, id.Name)
				}
				if diff := cmp.Diff(tc.cycle, got); diff != "" {
					t.Errorf("cycle IDs (-want +got):\n%s", diff)
				}
				if len(cyc.Blocked) != 1 || cyc.Blocked[0] != store {
					t.Errorf("Blocked = %v, want the store behind the cycle", cyc.Blocked)
				}
				want := "dependency cycle among 2 objects: vault/KubernetesAuthRole/r -> vault/Policy/p, vault/Policy/p -> vault/KubernetesAuthRole/r"
				if err.Error() != want {
					t.Errorf("error = %q\nwant    %q", err, want)
				}
			}
			if tc.reverse != nil {
				rw, err := g.Reverse().Waves()
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.reverse, g.names(rw)); diff != "" {
					t.Errorf("reverse waves (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestString(t *testing.T) {
	g := newNumbered(role, pol, db)
	g.dependsOn(role, pol)
	g.dependsOn(role, pol)
	want := "vault/DatabaseRole/d\nvault/KubernetesAuthRole/r -> vault/Policy/p\nvault/Policy/p"
	if got := g.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

func TestDepsAreDistinctInNumberOrder(t *testing.T) {
	g := newNumbered(pol, role, db, conn, store, es)
	g.dependsOn(es, store)
	g.dependsOn(es, pol)
	g.dependsOn(es, store)
	g.dependsOn(es, conn)
	at := func(id object.ID) int { return slices.Index(g.ids, id) }
	want := []int{at(store), at(conn), at(pol)} // identity order: kubernetes first, then by kind
	if diff := cmp.Diff(want, g.Deps(at(es))); diff != "" {
		t.Errorf("Deps (-want +got):\n%s", diff)
	}
	g.dependsOn(es, db) // after a query: indexed again
	want = []int{at(store), at(conn), at(db), at(pol)}
	if diff := cmp.Diff(want, g.Deps(at(es))); diff != "" {
		t.Errorf("Deps after another edge (-want +got):\n%s", diff)
	}
	if got := g.Deps(at(pol)); got != nil {
		t.Errorf("Deps of an object without dependencies = %v, want none", got)
	}
}

func TestAnEdgeOutsideTheGraphPanics(t *testing.T) {
	for name, edge := range map[string][2]int{"from": {2, 0}, "to": {0, 2}, "negative": {-1, 0}} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("DependsOn(%d, %d) on 2 objects did not panic", edge[0], edge[1])
				}
			}()
			New(2, func(int) object.ID { return pol }).DependsOn(edge[0], edge[1])
		})
	}
}
