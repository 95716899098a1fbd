package cli

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// A manifest syncd builds written as YAML from its typed value
// (desired.ManifestSpec.Built), exactly as jsonToYAML writes its JSON
// (TestTypedYAMLIsTheJSONPath): encoding each of 10,000 tenants' ESO
// objects to JSON and reading that back was a third of writing them. Only
// what the manifests are made of is written — structs with JSON tags,
// pointers, slices, strings, booleans; anything else, and any field
// encoding/json would treat otherwise (a marshaler, an embedded struct, a
// key it escapes), is errTranscode and the caller takes the JSON path.

// structInfo is how encoding/json writes a struct type: its members in the
// order jsonToYAML writes them (sorted by name).
type structInfo struct {
	fields []fieldInfo
	ok     bool
}

type fieldInfo struct {
	index     int
	name      string
	omitEmpty bool
}

var structInfos sync.Map // reflect.Type -> *structInfo

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func infoOf(t reflect.Type) *structInfo {
	if i, ok := structInfos.Load(t); ok {
		return i.(*structInfo)
	}
	info := &structInfo{ok: !marshals(t)}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous { // encoding/json promotes its fields, exported or not
			info.ok = false
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		if (opts != "" && opts != "omitempty") || !plainKey(name) {
			info.ok = false
		}
		info.fields = append(info.fields, fieldInfo{index: i, name: name, omitEmpty: opts == "omitempty"})
	}
	slices.SortFunc(info.fields, func(a, b fieldInfo) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(info.fields); i++ {
		if info.fields[i].name == info.fields[i-1].name {
			info.ok = false
		}
	}
	structInfos.Store(t, info)
	return info
}

// marshals: encoding/json would call a method of t's to encode it.
func marshals(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler) || p.Implements(jsonMarshaler) || p.Implements(textMarshaler)
}

// plainKey: a key encoding/json writes without an escape (the token path
// leaves escaped keys to the tree path).
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// reflectMember writes `key:` and v as a member of a mapping at indent,
// as transcoder.member writes v's JSON.
func reflectMember(b *bytes.Buffer, key string, v reflect.Value, indent int) error {
	emitKey(b, key, indent)
	b.WriteByte(':')
	return reflectMemberValue(b, v, indent)
}

// reflectMemberValue is transcoder.memberValue for v: a struct with
// members and a non-empty list go on the lines below the key, anything
// else (scalars, null, {} and []) after it; reflectEmit writes the value.
func reflectMemberValue(b *bytes.Buffer, v reflect.Value, indent int) error {
	d, null := deref(v)
	switch {
	case !null && d.Kind() == reflect.Struct && hasMembers(d):
		b.WriteByte('\n')
		pad(b, indent+2)
		return reflectEmit(b, d, indent+2)
	case !null && d.Kind() == reflect.Slice && d.Len() > 0:
		b.WriteByte('\n')
		pad(b, indent)
		return reflectEmit(b, d, indent)
	}
	b.WriteByte(' ')
	return reflectEmit(b, v, indent+2)
}

// hasMembers: encoding/json writes struct v with at least one member
// (when it writes it as a struct at all: reflectEmit declines otherwise).
func hasMembers(v reflect.Value) bool {
	info := infoOf(v.Type())
	return info.ok && anyMember(info, v)
}

// reflectEmit is transcoder.emit for v.
func reflectEmit(b *bytes.Buffer, v reflect.Value, indent int) error {
	v, null := deref(v)
	switch {
	case null:
		b.WriteString("null\n")
		return nil
	case marshals(v.Type()):
		return errTranscode
	}
	switch v.Kind() {
	case reflect.Struct:
		info := infoOf(v.Type())
		if !info.ok {
			return errTranscode
		}
		if !anyMember(info, v) {
			b.WriteString("{}\n")
			return nil
		}
		return reflectObject(b, info, v, indent)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return errTranscode // []byte: base64
		}
		if v.Len() == 0 {
			b.WriteString("[]\n")
			return nil
		}
		for i := range v.Len() {
			if i > 0 {
				pad(b, indent)
			}
			b.WriteString("- ")
			if err := reflectEmit(b, v.Index(i), indent+2); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			return errTranscode
		}
		emitString(b, s, indent)
	case reflect.Bool:
		if v.Bool() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	default:
		return errTranscode
	}
	b.WriteByte('\n')
	return nil
}

// reflectObject is transcoder.object for a struct v of info.
func reflectObject(b *bytes.Buffer, info *structInfo, v reflect.Value, indent int) error {
	first := true
	for _, f := range info.fields {
		fv := v.Field(f.index)
		if f.omitEmpty && empty(fv) {
			continue
		}
		if !first {
			pad(b, indent)
		}
		first = false
		if err := reflectMember(b, f.name, fv, indent); err != nil {
			return err
		}
	}
	return nil
}

// deref follows pointers and interfaces; null when one is nil, or v is a
// nil slice (JSON null).
func deref(v reflect.Value) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return v, true
		}
		v = v.Elem()
	}
	return v, v.Kind() == reflect.Slice && v.IsNil()
}

// anyMember: encoding/json writes at least one member of struct v.
func anyMember(info *structInfo, v reflect.Value) bool {
	for _, f := range info.fields {
		if !f.omitEmpty || !empty(v.Field(f.index)) {
			return true
		}
	}
	return false
}

// empty is encoding/json's omitempty test.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	}
	return false
}
