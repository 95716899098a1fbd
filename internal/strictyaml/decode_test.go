package strictyaml

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	yamlv3 "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
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
		// YAML 1.1 (kubectl, sigs.k8s.io/yaml's parser) reads these as other
		// types; sigs.k8s.io/yaml then turned `y` into the string "true".
		"yaml 1.1 boolean": {"name: x\nlabels: {a: on}\n", `f.yaml:2:13: labels.a: "on" is a string here but a boolean to YAML 1.1 tools such as kubectl (quote it)`},
		"yaml 1.1 short":   {"name: x\nnested: {name: y}\n", `nested.name: "y" is a string here but a boolean`},
		"yaml 1.1 octal":   {"name: x\nlabels: {a: 0o17}\n", "expected a string, got an integer"},
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
	in := "name: x\nnested:\n  name: z\n  labels:\n    team: a\n    team.lead: b\n    team: c\nitems:\n- [p, q]\n- r\n"
	pos, err := Decode("f.yaml", []byte(in), &d, DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "duplicate key") {
		t.Fatalf("err = %v, want the duplicate key", err)
	}
	for path, want := range map[string]string{
		"":                        "f.yaml:1:1",
		"name":                    "f.yaml:1:7",
		"nested.name":             "f.yaml:3:9",
		"nested.labels.team":      "f.yaml:5:11", // the first of two, as decoded
		"nested.labels.team.lead": "f.yaml:6:16", // a key with a dot
		"nested.missing":          "f.yaml:3:3",  // falls back to the parent mapping
		"items[0][1]":             "f.yaml:9:7",
		"items[1]":                "f.yaml:10:3",
		"items[2]":                "f.yaml:9:1", // out of range: the list
		"items[x]":                "f.yaml:9:1",
		"name[0]":                 "f.yaml:1:7", // not a list
	} {
		if got := pos.Of(path).String(); got != want {
			t.Errorf("Of(%q) = %s, want %s", path, got, want)
		}
	}
	if !pos.Partial() || d.Nested == nil || d.Nested.Labels["team"] != "a" {
		t.Errorf("decoded %+v (partial %v)", d, pos.Partial())
	}
}

// TestDecodeQuotedWordsAndNumbers: quoted, the YAML 1.1 words are plain
// strings; words that merely start like them are untouched.
func TestDecodeQuotedWordsAndNumbers(t *testing.T) {
	var d doc
	_, err := Decode("f.yaml", []byte("name: \"on\"\nlabels: {a: 'y', b: '0777', c: orders, d: token, e: \"~\", f: no-op}\nnested: {name: ~}\n"), &d, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "y", "b": "0777", "c": "orders", "d": "token", "e": "~", "f": "no-op"}
	if d.Name != "on" || len(d.Labels) != len(want) || d.Nested == nil || d.Nested.Name != "" {
		t.Fatalf("decoded %+v", d)
	}
	for k, v := range want {
		if d.Labels[k] != v {
			t.Errorf("labels.%s = %q, want %q", k, d.Labels[k], v)
		}
	}
}

// FuzzDecodeAgreesWithSigsYAML: whatever Decode accepts, sigs.k8s.io/yaml
// (the decoder it replaced) decodes to the same value.
func FuzzDecodeAgreesWithSigsYAML(f *testing.F) {
	for _, s := range []string{
		"name: x\nlabels: {a: b}\n", "name: 'x'\nnested: {name: z, labels: {k: \"v\"}}\nitems: [1, a, {b: c}, [d]]\n",
		"name: \"on\"\n", "name: x\nitems: [1.5, true, null, 0x1F]\n", "name: |\n  multi\n  line\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var got, want doc
		if _, err := Decode("f.yaml", []byte(in), &got, DefaultLimits); err != nil {
			return
		}
		if err := sigsyaml.UnmarshalStrict([]byte(in), &want); err != nil {
			t.Fatalf("Decode accepted %q, sigs.k8s.io/yaml refuses it: %v", in, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q (-sigs.k8s.io/yaml +Decode):\n%s", in, diff)
		}
	})
}

// FuzzYAML11WordsAgreeWithYAMLv2: the table of words gives what asking
// yaml.v2 gives, for every plain scalar starting with a letter (yaml.v3
// trims a plain scalar, so none has blanks at its ends).
func FuzzYAML11WordsAgreeWithYAMLv2(f *testing.F) {
	for _, s := range []string{"y", "Yes", "on", "OFF", "n", "null", "Null", "nULL", "true", "tenant-1", "no-such", "Nan", "o", "f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || s != strings.TrimSpace(s) || !strings.ContainsRune("yYnNoOtTfF", rune(s[0])) || strings.ContainsAny(s, "\n\r#:{}[],&*!|>'\"%@`") {
			return
		}
		if got, want := yaml11(&yamlv3.Node{Kind: yamlv3.ScalarNode, Value: s}), yaml11Parse(s); got != want {
			t.Errorf("yaml11(%q) = %q, yaml.v2 says %q", s, got, want)
		}
	})
}

// Positions are placed from any goroutine (the tenant checks run on every
// core); the file is parsed once, on the first.
func TestPositionsFromManyGoroutines(t *testing.T) {
	var d doc
	pos, err := Decode("f.yaml", []byte("name: x\nitems:\n- a\n- b\n"), &d, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() { got[i] = pos.Of("items[1]").String() })
	}
	wg.Wait()
	for i, g := range got {
		if g != "f.yaml:4:3" {
			t.Errorf("goroutine %d: Of(items[1]) = %s, want f.yaml:4:3", i, g)
		}
	}
	if pos.text.root == nil {
		t.Error("the tree is not kept after the first placement")
	}
	if got := (Positions{file: "g.yaml"}).Of("a").String(); got != "g.yaml" {
		t.Errorf("zero Positions: %s", got)
	}
}
