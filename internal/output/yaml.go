package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	yaml "go.yaml.in/yaml/v3"

	"github.com/syncd-dev/syncd/internal/desired"
)

// stateYAML writes the state as YAML: each list element's JSON, as
// yaml.v3 encodes what encoding/json decodes from it (so YAML shows exactly
// the JSON form, field names and all), in sigs.k8s.io/yaml's layout.
func stateYAML(w io.Writer, s *desired.State) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	// What syncd manages first, then each tenant's names, then what it
	// only reads.
	if err := writeYAMLList(bw, "objects", s.Objects, marshal); err != nil {
		return err
	}
	out := tenantsOut(s)
	if err := writeYAMLList(bw, "tenants", s.Tenants, func(tn *desired.Tenant) ([]byte, error) { return json.Marshal(out(tn)) }); err != nil {
		return err
	}
	bw.WriteString("# external: what the objects above need and syncd never writes (namespaces, service accounts, KV secrets)\n")
	if err := writeYAMLList(bw, "external", s.External, marshal); err != nil {
		return err
	}
	return bw.Flush()
}

func marshal[T any](v *T) ([]byte, error) { return json.Marshal(v) }

// writeYAMLList writes `key:` and items, each as marshal's JSON.
func writeYAMLList[T any](w *bufio.Writer, key string, items []T, marshal func(*T) ([]byte, error)) error {
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
		raw, err := marshal(&items[i])
		var x any
		if err == nil {
			x, err = decodeTree(raw)
		}
		if err == nil {
			// a one-element list: the element as the list's member
			enc := yaml.NewEncoder(b)
			enc.SetIndent(2)
			enc.CompactSeqIndent() // sigs.k8s.io/yaml's layout: "- " at the key's column
			err = errors.Join(enc.Encode([]any{x}), enc.Close())
		}
		if err != nil {
			return fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		return nil
	}, w)
}

// decodeTree is what yaml.v3 encodes: encoding/json's decode of data into
// any, numbers as json.Number (written as the number they spell).
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
