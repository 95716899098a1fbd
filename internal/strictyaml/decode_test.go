package strictyaml

import (
	"strings"
	"testing"
)

type doc struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	Items  []any             `json:"items,omitempty"`
	Nested *doc              `json:"nested,omitempty"`
}

func TestDecodeRefuses(t *testing.T) {
	bomb := `a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
`
	tests := map[string]struct {
		in, want string
	}{
		"billion laughs":         {bomb, "unknown field"},
		"alias in a known field": {"name: &n x\nnested: {name: *n}\n", "anchors and aliases are not allowed"},
		"duplicate map key":      {"name: x\nlabels: {a: '1', a: '2'}\n", `f.yaml:2:18: labels.a: duplicate key "a" (first at line 2)`},
		"too deep":               {"name: x\nitems: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n", "nested deeper than"},
		"non-string map value":   {"name: x\nlabels: {a: 1}\n", "f.yaml:2:13: labels.a: expected a string, got an integer"},
		"top-level list":         {"- a\n", "expected a mapping, got a list"},
		"binary tag":             {"name: !!binary aGVsbG8=\n", "expected a string"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var d doc
			_, err := Decode("f.yaml", []byte(tc.in), &d, DefaultLimits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if !strings.Contains(name, "top-level") && d.Name != "x" && d.Name != "" {
				t.Errorf("partial decode holds %+v", d)
			}
		})
	}
}

func TestDecodePositions(t *testing.T) {
	var d doc
	pos, err := Decode("f.yaml", []byte("name: x\nnested:\n  name: y\n  labels:\n    team: a\n"), &d, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"name":               "f.yaml:1:7",
		"nested.name":        "f.yaml:3:9",
		"nested.labels.team": "f.yaml:5:11",
		"nested.missing":     "f.yaml:3:3", // falls back to the parent mapping
	} {
		if got := pos.Of(path).String(); got != want {
			t.Errorf("Of(%q) = %s, want %s", path, got, want)
		}
	}
	if d.Nested == nil || d.Nested.Labels["team"] != "a" {
		t.Errorf("decoded %+v", d)
	}
}
