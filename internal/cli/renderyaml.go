package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/object"
)

// writeYAML writes the state as YAML, one list element at a time, in
// parallel batches: each element as jsonToYAML writes its JSON (so YAML
// shows exactly the JSON form, field names and all), the state's own types
// directly (yamltyped.go).
func writeYAML(w io.Writer, s *desired.State) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	// the top-level keys in sorted order
	if err := writeYAMLList(bw, "external", s.External, externalYAML, marshal); err != nil {
		return err
	}
	if err := writeYAMLList(bw, "objects", s.Objects, objectYAML, objectJSON); err != nil {
		return err
	}
	out := tenantsOut(s)
	tenant := func(t *transcoder, b *bytes.Buffer, tn *desired.Tenant) error { return tenantYAML(t, b, out(tn)) }
	if err := writeYAMLList(bw, "tenants", s.Tenants, tenant, func(tn *desired.Tenant) ([]byte, error) { return json.Marshal(out(tn)) }); err != nil {
		return err
	}
	return bw.Flush()
}

func marshal[T any](v *T) ([]byte, error) { return json.Marshal(v) }

// objectJSON is json.Marshal(o), but for a manifest, whose canonical JSON
// is written as it is: encoding/json re-reads and compacts what a
// Marshaler returns, a fifth of rendering a 10,000-tenant state. The key
// order differs (jsonToYAML sorts); the value is the same
// (TestObjectJSONIsMarshal).
func objectJSON(o *desired.Object) ([]byte, error) {
	m, ok := o.Spec.(*desired.ManifestSpec)
	if !ok || m == nil {
		return json.Marshal(o)
	}
	rest, err := json.Marshal(struct {
		ID     object.ID   `json:"id"`
		Tenant string      `json:"tenant"`
		Refs   []object.ID `json:"refs,omitempty"`
	}{o.ID, o.Tenant, o.Refs})
	if err != nil {
		return nil, err
	}
	raw := m.JSON()
	out := make([]byte, 0, len(rest)+len(raw)+len(`,"spec":{"object":}}`))
	out = append(out, rest[:len(rest)-1]...) // without its closing brace
	out = append(out, `,"spec":{"object":`...)
	out = append(out, raw...)
	return append(out, "}}"...), nil
}

// writeYAMLList writes `key:` and items, each by direct (yamltyped.go) or,
// where direct declines, as marshal's JSON.
func writeYAMLList[T any](w *bufio.Writer, key string, items []T, direct func(*transcoder, *bytes.Buffer, *T) error, marshal func(*T) ([]byte, error)) error {
	switch {
	case items == nil:
		_, err := fmt.Fprintf(w, "%s: null\n", key)
		return err
	case len(items) == 0:
		_, err := fmt.Fprintf(w, "%s: []\n", key)
		return err
	}
	fmt.Fprintf(w, "%s:\n", key)
	return inBatches(len(items), func(i int, b *bytes.Buffer) error {
		mark := b.Len()
		b.WriteString("- ")
		t := transcoders.Get().(*transcoder)
		err := direct(t, b, &items[i])
		t.data = nil
		transcoders.Put(t)
		if err == nil {
			return nil
		}
		b.Truncate(mark)
		raw, err := marshal(&items[i])
		if err == nil {
			err = yamlItem(b, raw)
		}
		if err != nil {
			return fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		return nil
	}, w)
}

// yamlItem writes the JSON value raw as one element of a top-level list.
func yamlItem(b *bytes.Buffer, raw []byte) error {
	b.WriteString("- ")
	mark := b.Len()
	t := transcoders.Get().(*transcoder)
	err := t.jsonToYAML(b, raw, 2)
	t.data = nil
	transcoders.Put(t)
	if err == nil {
		return nil
	}
	// What the token path leaves (a key with an escape, a duplicate key):
	// the tree path, from what was written so far.
	b.Truncate(mark)
	x, err := decodeTree(raw)
	if err != nil {
		return err
	}
	emitYAML(b, x, 2)
	return nil
}

var transcoders = sync.Pool{New: func() any { return new(transcoder) }}

// decodeTree is what emitYAML writes from: encoding/json's decode of data
// into any, numbers as json.Number.
func decodeTree(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return x, nil
}
