package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/syncd-dev/syncd/internal/desired"
)

// writeYAML writes the state as YAML, one list element at a time, in
// parallel batches: each element goes through encoding/json (so YAML shows
// exactly the JSON form, field names and all) and emitYAML.
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
	x, err := jsonTree(raw)
	if err != nil { // not on encoding/json's own output; kept for safety
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&x); err != nil {
			return err
		}
	}
	b.WriteString("- ")
	emitYAML(b, x, 2)
	return nil
}
