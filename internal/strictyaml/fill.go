package strictyaml

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
)

// fill decodes a node the walker accepted into v, in the same pass over the
// tree: the types and keys are known good, so it only converts scalars. It
// gives what sigs.k8s.io/yaml's decode gave (JSON semantics: fields by json
// name, null leaves the zero value, numbers through strconv), without a
// second parse of the file, a JSON document and a third decode.
func fill(n *yamlv3.Node, v reflect.Value) error {
	if n.Tag == "!!null" {
		return nil
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if v.CanAddr() {
		switch u := v.Addr().Interface().(type) {
		case encoding.TextUnmarshaler:
			return u.UnmarshalText([]byte(n.Value))
		case json.Unmarshaler:
			b, err := scalarJSON(n)
			if err != nil {
				return err
			}
			return u.UnmarshalJSON(b)
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		fields := fieldIndex(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			f := fields[n.Content[i].Value]
			if err := fill(n.Content[i+1], v.FieldByIndex(f.index)); err != nil {
				return fmt.Errorf("%s: %w", n.Content[i].Value, err)
			}
		}
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(v.Type(), len(n.Content)/2))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			e := reflect.New(v.Type().Elem()).Elem()
			if err := fill(n.Content[i+1], e); err != nil {
				return fmt.Errorf("%s: %w", n.Content[i].Value, err)
			}
			v.SetMapIndex(reflect.ValueOf(n.Content[i].Value).Convert(v.Type().Key()), e)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if err := fill(c, s.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		v.Set(s)
	case reflect.String:
		v.SetString(n.Value)
	case reflect.Int, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 0, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		i, err := strconv.ParseUint(n.Value, 0, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetUint(i)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Interface: // free-form: as JSON would hold it
		var x any
		if err := n.Decode(&x); err != nil {
			return err
		}
		b, err := json.Marshal(jsonable(x))
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v.Addr().Interface())
	default:
		return fmt.Errorf("unsupported field type %s", v.Type())
	}
	return nil
}

// scalarJSON is a scalar node as a JSON value, for a json.Unmarshaler.
func scalarJSON(n *yamlv3.Node) ([]byte, error) {
	switch n.Tag {
	case "!!int", "!!float", "!!bool":
		var x any
		if err := n.Decode(&x); err != nil {
			return nil, err
		}
		return json.Marshal(x)
	}
	return json.Marshal(n.Value)
}

// jsonable turns yaml.v3's map[string]any and []any trees into what
// encoding/json takes (it already is, but for non-string keys).
func jsonable(x any) any {
	switch t := x.(type) {
	case map[string]any:
		for k, v := range t {
			t[k] = jsonable(v)
		}
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, v := range t {
			m[fmt.Sprint(k)] = jsonable(v)
		}
		return m
	case []any:
		for i, v := range t {
			t[i] = jsonable(v)
		}
	}
	return x
}

type field struct {
	index []int
	typ   reflect.Type
}

var fieldCache sync.Map // reflect.Type -> map[string]field

// fieldIndex maps the JSON names of t's exported fields to where they are,
// flattening embedded structs like encoding/json does; cached per type.
func fieldIndex(t reflect.Type) map[string]field {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]field)
	}
	out := map[string]field{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range fieldIndex(f.Type) {
				out[k] = field{index: append([]int{i}, v.index...), typ: v.typ}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = field{index: []int{i}, typ: f.Type}
	}
	fieldCache.Store(t, out)
	return out
}

// yaml11 names what a YAML 1.1 parser (yaml.v2, and so sigs.k8s.io/yaml,
// kubectl and most Kubernetes tooling) makes of a plain scalar that YAML
// 1.2 reads as a string, or "" when they agree: `on`, `yes`, `n` are
// booleans there, `0777` an octal number, `~` null. Such a value means two
// things to two tools, so it is refused (quote it).
func yaml11(n *yamlv3.Node) string {
	if n.Style != 0 || n.Value == "" || !strings.ContainsRune("yYnNoOtTfF~0123456789+-.", rune(n.Value[0])) {
		return ""
	}
	if c := n.Value[0]; c >= 'A' {
		// No YAML 1.1 number starts with a letter: only the words do.
		return yaml11Words[n.Value]
	}
	return yaml11Parse(n.Value)
}

// yaml11Words are the plain scalars starting with a letter that yaml.v2
// resolves to something other than a string (its resolve table).
var yaml11Words = func() map[string]string {
	out := map[string]string{}
	for _, w := range strings.Fields("y Y yes Yes YES on On ON true True TRUE n N no No NO off Off OFF false False FALSE") {
		out[w] = "a boolean"
	}
	for _, w := range strings.Fields("null Null NULL") {
		out[w] = "null"
	}
	return out
}()

// yaml11Parse asks yaml.v2 itself what a plain scalar is.
func yaml11Parse(s string) string {
	var x any
	if err := yamlv2.Unmarshal([]byte(s), &x); err != nil {
		return ""
	}
	switch x.(type) {
	case string:
		return ""
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case int, int64, uint64, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", x)
}
