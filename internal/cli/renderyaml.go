package cli

import (
	"bufio"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/par"
)

// writeYAML writes the state as yaml.Marshal(s) would, byte for byte, but
// one list element at a time (in parallel batches): marshalling the whole
// state at once held several copies of it (JSON, then a YAML node tree) and
// took seconds at 10,000 tenants. sigs.k8s.io/yaml sorts the keys and does
// not indent a sequence under its key, so each element marshalled as a
// one-element list is exactly its part of the document.
func writeYAML(w io.Writer, s *desired.State) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	// the top-level keys in sigs.k8s.io/yaml's (sorted) order
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
	if len(items) == 0 {
		out, err := yaml.Marshal(map[string][]T{key: items}) // "key: null" or "key: []"
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	}
	fmt.Fprintf(w, "%s:\n", key)
	const batch = 512
	out := make([][]byte, batch)
	errs := make([]error, batch)
	for start := 0; start < len(items); start += batch {
		n := min(batch, len(items)-start)
		par.Each(n, func(i int) { out[i], errs[i] = yaml.Marshal([]T{items[start+i]}) })
		for i := range n {
			if errs[i] != nil {
				return fmt.Errorf("%s[%d]: %w", key, start+i, errs[i])
			}
			if _, err := w.Write(out[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
