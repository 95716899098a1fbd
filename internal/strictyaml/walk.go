package strictyaml

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"

	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/syncd-dev/syncd/internal/suggest"
)

type walker struct {
	file string
	lim  Limits
	errs Errors
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func typeOf(v any) reflect.Type {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func (w *walker) errAt(n *yamlv3.Node, path, format string, args ...any) {
	w.errs = append(w.errs, &FieldError{
		Pos:   Pos{File: w.file, Line: n.Line, Column: n.Column},
		Field: path,
		Msg:   fmt.Sprintf(format, args...),
	})
}

// drop turns an offending value into null, so that the rest of the document
// can still be decoded for further checks. Every error about a node itself
// drops it; errors inside a mapping or list drop only the inner values.
func drop(n *yamlv3.Node) {
	*n = yamlv3.Node{Kind: yamlv3.ScalarNode, Tag: "!!null", Value: "null", Line: n.Line, Column: n.Column}
}

func kindName(n *yamlv3.Node) string {
	switch n.Kind {
	case yamlv3.MappingNode:
		return "a mapping"
	case yamlv3.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return n.Tag
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// walk checks node n against type t at path; it records errors.
func (w *walker) walk(n *yamlv3.Node, t reflect.Type, path string, depth int) {
	if n.Kind == yamlv3.AliasNode || n.Anchor != "" {
		w.errAt(n, path, "YAML anchors and aliases are not allowed")
		drop(n)
		return
	}
	if depth > w.lim.MaxDepth {
		w.errAt(n, path, "nested deeper than %d levels", w.lim.MaxDepth)
		drop(n)
		return
	}
	if n.Tag == "!!null" {
		return // absent value: the zero value, checked semantically later
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if n.Kind != yamlv3.ScalarNode {
			w.errAt(n, path, "expected a scalar value, got %s", kindName(n))
			drop(n)
			return
		}
		// Parse it here too, so a bad value is reported where it stands.
		v := reflect.New(t).Interface().(encoding.TextUnmarshaler)
		if err := v.UnmarshalText([]byte(n.Value)); err != nil {
			w.errAt(n, path, "%v", err)
			drop(n)
		}
		return
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		if n.Kind != yamlv3.ScalarNode {
			w.errAt(n, path, "expected a scalar value, got %s", kindName(n))
			drop(n)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		w.walkStruct(n, t, path, depth)
	case reflect.Map:
		w.walkMap(n, t, path, depth)
	case reflect.Slice:
		if n.Kind != yamlv3.SequenceNode {
			w.errAt(n, path, "expected a list, got %s", kindName(n))
			drop(n)
			return
		}
		for i, item := range n.Content {
			w.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case reflect.String:
		w.scalar(n, path, "a string", "!!str")
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		w.scalar(n, path, "an integer", "!!int")
	case reflect.Bool:
		w.scalar(n, path, "a boolean (true/false)", "!!bool")
	case reflect.Interface:
		// free-form; only the generic limits apply
		for i, c := range n.Content {
			w.walk(c, t, fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	default:
		w.errAt(n, path, "unsupported field type %s", t)
		drop(n)
	}
}

func (w *walker) scalar(n *yamlv3.Node, path, want, tag string) {
	if n.Kind != yamlv3.ScalarNode || n.Tag != tag {
		hint := ""
		if tag == "!!str" && n.Kind == yamlv3.ScalarNode {
			hint = " (quote it)"
		}
		w.errAt(n, path, "expected %s, got %s%s", want, kindName(n), hint)
		drop(n)
		return
	}
	if tag == "!!str" {
		if other := yaml11(n); other != "" {
			w.errAt(n, path, "%q is a string here but %s to YAML 1.1 tools such as kubectl (quote it)", n.Value, other)
			drop(n)
		}
	}
}

func (w *walker) walkMap(n *yamlv3.Node, t reflect.Type, path string, depth int) {
	if n.Kind != yamlv3.MappingNode {
		w.errAt(n, path, "expected a mapping, got %s", kindName(n))
		drop(n)
		return
	}
	seen := map[string]int{}
	keep := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		sub := join(path, key)
		if k.Kind != yamlv3.ScalarNode {
			w.errAt(k, path, "map keys must be strings")
			continue
		}
		if line, dup := seen[key]; dup {
			w.errAt(k, sub, "duplicate key %q (first at line %d)", key, line)
			continue
		}
		seen[key] = k.Line
		w.walk(v, t.Elem(), sub, depth+1)
		keep = append(keep, k, v)
	}
	n.Content = keep
}

func (w *walker) walkStruct(n *yamlv3.Node, t reflect.Type, path string, depth int) {
	if n.Kind != yamlv3.MappingNode {
		w.errAt(n, path, "expected a mapping, got %s", kindName(n))
		drop(n)
		return
	}
	fields := fieldIndex(t)
	seen := map[string]int{}
	keep := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub := join(path, k.Value)
		if k.Kind != yamlv3.ScalarNode || k.Tag != "!!str" {
			w.errAt(k, path, "field names must be strings, got %s", kindName(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			w.errAt(k, sub, "duplicate field %q (first at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		ft, ok := fields[k.Value]
		if !ok {
			w.errAt(k, sub, "unknown field %q%s", k.Value, didYouMean(k.Value, fields))
			continue
		}
		w.walk(v, ft.typ, sub, depth+1)
		keep = append(keep, k, v)
	}
	n.Content = keep
}

// didYouMean names the known field nearest to name.
func didYouMean(name string, fields map[string]field) string {
	return suggest.Hint(name, slices.Sorted(maps.Keys(fields)))
}
