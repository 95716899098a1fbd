package desired

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// ManifestSpec is a Kubernetes object in its canonical JSON: the bytes
// encoding/json writes for the object as a map (keys sorted, no blanks).
// One encoded form instead of nested maps makes the spec immutable (Object
// returns a copy), is what server-side apply sends, and lets the diff see a
// converged object as equal bytes before it decodes anything.
//
// A manifest read back (NewManifest, a plan) holds its bytes. One syncd
// builds holds its recipe instead — a func that builds the typed manifest
// from the tenant's names and file, which the state holds anyway — and is
// built and encoded when asked (each call anew, so concurrent readers share
// nothing). At 10,000 tenants the ESO objects' JSON took 27 MB and their
// typed values 20 MB, for the state's whole life; their recipes take 3 MB,
// and each is built once per use — by the isolation proof, render, the
// plan's comparison, the writer.
type ManifestSpec struct {
	raw   []byte
	build func() any // a typed manifest whose encoding is canonical (manifestOf)
}

// NewManifest encodes obj, which must hold only JSON values (maps, slices,
// strings, numbers, booleans, nil): what a Kubernetes object decodes to.
func NewManifest(obj map[string]any) (*ManifestSpec, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	return &ManifestSpec{raw: raw}, nil
}

// MustManifest is NewManifest for objects built in code, which always encode.
func MustManifest(obj map[string]any) *ManifestSpec {
	m, err := NewManifest(obj)
	if err != nil {
		panic(err)
	}
	return m
}

// manifestOf holds build, which returns a typed manifest whose fields are
// declared in sorted order of their JSON names, so its encoding is already
// canonical (TestManifestsAreCanonical holds every builder to that). build
// must return the same manifest on every call: it may read only what does
// not change (the config, the tenant's names and file).
func manifestOf(build func() any) *ManifestSpec { return &ManifestSpec{build: build} }

// Built returns the typed value a manifest syncd built encodes to JSON(),
// built anew; nil for a manifest read back. It is for writers that render
// the same object in another form without its JSON.
func (m *ManifestSpec) Built() any {
	if m.build == nil {
		return nil
	}
	return m.build()
}

// JSON returns the canonical encoding. The caller must not modify it.
func (m *ManifestSpec) JSON() []byte {
	if m.build == nil {
		return m.raw
	}
	raw, err := json.Marshal(m.build())
	if err != nil {
		panic(fmt.Sprintf("encoding a built manifest: %v", err)) // typed strings only: cannot fail
	}
	return raw
}

// Object decodes a fresh copy of the object, with numbers as int64 where
// they are integers and float64 otherwise (as Kubernetes' unstructured
// objects hold them).
func (m *ManifestSpec) Object() map[string]any {
	obj, err := decodeObject(m.JSON())
	if err != nil {
		panic(fmt.Sprintf("decoding a manifest syncd encoded: %v", err)) // raw is always json.Marshal output
	}
	return obj
}

// Equal reports whether two manifests hold the same object.
func (m *ManifestSpec) Equal(o *ManifestSpec) bool { return bytes.Equal(m.JSON(), o.JSON()) }

// MarshalJSON writes {"object": ...}, the plan's form of a manifest.
func (m *ManifestSpec) MarshalJSON() ([]byte, error) {
	raw := m.JSON()
	out := make([]byte, 0, len(raw)+len(`{"object":}`))
	out = append(out, `{"object":`...)
	out = append(out, raw...)
	return append(out, '}'), nil
}

// UnmarshalJSON reads the plan's form back, canonicalising the object.
func (m *ManifestSpec) UnmarshalJSON(data []byte) error {
	var w struct {
		Object json.RawMessage `json:"object"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if len(w.Object) == 0 || bytes.Equal(w.Object, []byte("null")) {
		return fmt.Errorf("manifest without an object")
	}
	obj, err := decodeObject(w.Object)
	if err != nil {
		return err
	}
	n, err := NewManifest(obj)
	if err != nil {
		return err
	}
	*m = *n
	return nil
}

// decodeObject decodes a JSON object with Kubernetes' number types.
func decodeObject(raw []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var obj map[string]any
	if err := d.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("manifest is not an object")
	}
	return convertNumbers(obj).(map[string]any), nil
}

func convertNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = convertNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = convertNumbers(e)
		}
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}
