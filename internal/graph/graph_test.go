package graph

import (
	"errors"
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

func names(waves [][]object.ID) [][]string {
	var out [][]string
	for _, w := range waves {
		var ns []string
		for _, id := range w {
			ns = append(ns, id.Name)
		}
		out = append(out, ns)
	}
	return out
}

func TestWaves(t *testing.T) {
	tests := map[string]struct {
		build   func(g *Graph)
		want    [][]string
		reverse [][]string
		cycle   []string // names in the cycle
	}{
		"policy before role before store before external secret": {
			build: func(g *Graph) {
				g.DependsOn(role, pol)
				g.DependsOn(store, role)
				g.DependsOn(es, store)
				g.DependsOn(db, conn)
			},
			// sorted by ID within a wave: kubernetes < vault, then by kind
			want:    [][]string{{"c", "p"}, {"d", "r"}, {"s"}, {"e"}},
			reverse: [][]string{{"e", "d"}, {"s", "c"}, {"r"}, {"p"}},
		},
		"independent nodes share one wave": {
			build: func(g *Graph) { g.Add(pol); g.Add(db); g.Add(es) },
			want:  [][]string{{"e", "d", "p"}},
		},
		"a cycle is reported; the rest is still ordered": {
			build: func(g *Graph) {
				g.DependsOn(role, pol)
				g.DependsOn(pol, role)
				g.DependsOn(store, role)
				g.Add(db)
			},
			want:  [][]string{{"d"}},
			cycle: []string{"r", "p"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			g := New()
			tc.build(g)
			waves, err := g.Waves()
			if diff := cmp.Diff(tc.want, names(waves)); diff != "" {
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
				if diff := cmp.Diff(tc.reverse, names(rw)); diff != "" {
					t.Errorf("reverse waves (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestString(t *testing.T) {
	g := New()
	g.DependsOn(role, pol)
	g.Add(db)
	want := "vault/DatabaseRole/d\nvault/KubernetesAuthRole/r -> vault/Policy/p\nvault/Policy/p"
	if got := g.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}
