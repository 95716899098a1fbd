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
)

// writeYAML writes the state as YAML, one list element at a time, in
// parallel batches: each element goes through encoding/json (so YAML shows
// exactly the JSON form, field names and all) and jsonToYAML.
func writeYAML(w io.Writer, s *desired.State) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	// the top-level keys in sorted order
	if err := writeYAMLList(bw, "external", s.External); err != nil {
		return err
	}
	if err := writeYAMLList(bw, "objects", s.Objects); err != nil {
		return err
	}
	if err := writeYAMLList(bw, "tenants", s.Tenants); err != nil {
		return err
	}
	return bw.Flush()
}

func writeYAMLList[T any](w *bufio.Writer, key string, items []T) error {
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
		if err := yamlItem(b, items[i]); err != nil {
			return fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		return nil
	}, w)
}

// yamlItem writes v as one element of a top-level list.
func yamlItem(b *bytes.Buffer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.WriteString("- ")
	mark := b.Len()
	t := transcoders.Get().(*transcoder)
	err = t.jsonToYAML(b, raw, 2)
	t.data = nil
	transcoders.Put(t)
	if err == nil {
		return nil
	}
	// Not on encoding/json's own output; kept for safety.
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
