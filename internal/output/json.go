package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/par"
)

// stateJSON writes the state exactly as JSON(w, s) would (indented JSON,
// the fields in State's order), one list element at a time in parallel
// batches: memory holds a batch of output, not the whole state's.
func stateJSON(w io.Writer, s *desired.State) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("{\n")
	if err := writeJSONList(bw, "tenants", s.Tenants, tenantsOut(s), ",\n"); err != nil {
		return err
	}
	if err := writeJSONList(bw, "objects", s.Objects, asIs, ",\n"); err != nil {
		return err
	}
	if err := writeJSONList(bw, "external", s.External, asIs, "\n"); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

func asIs[T any](v *T) *T { return v }

// writeJSONList writes `  "key": [...]` and then after, each element as
// out returns it, indented two levels as json.Encoder with SetIndent("",
// "  ") does.
func writeJSONList[T, O any](w *bufio.Writer, key string, items []T, out func(*T) O, after string) error {
	fmt.Fprintf(w, "  %q: ", key)
	switch {
	case items == nil:
		w.WriteString("null")
	case len(items) == 0:
		w.WriteString("[]")
	default:
		w.WriteString("[\n")
		err := inBatches(len(items), func(i int, b *bytes.Buffer) error {
			raw, err := json.MarshalIndent(out(&items[i]), "    ", "  ")
			if err != nil {
				return fmt.Errorf("%s[%d]: %w", key, i, err)
			}
			b.WriteString("    ")
			b.Write(raw)
			if i < len(items)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
			return nil
		}, w)
		if err != nil {
			return err
		}
		w.WriteString("  ]")
	}
	_, err := w.WriteString(after)
	return err
}

// inBatches renders items 0..n-1 on every core, a batch at a time, and
// writes them to w in order.
func inBatches(n int, render func(i int, b *bytes.Buffer) error, w io.Writer) error {
	const batch = 512
	out := make([]bytes.Buffer, min(batch, n))
	errs := make([]error, len(out))
	for start := 0; start < n; start += batch {
		k := min(batch, n-start)
		par.Each(k, func(i int) {
			out[i].Reset()
			errs[i] = render(start+i, &out[i])
		})
		for i := range k {
			if errs[i] != nil {
				return errs[i]
			}
			if _, err := w.Write(out[i].Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

// JSON writes v as indented JSON, the form every -o json output takes.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
