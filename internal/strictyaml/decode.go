package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"
)

// Limits bound what an untrusted file may cost to decode.
type Limits struct {
	MaxBytes int // whole file
	MaxDepth int // nesting of mappings and sequences
}

// DefaultLimits fit any sane tenant or platform file with room to spare.
var DefaultLimits = Limits{MaxBytes: 256 << 10, MaxDepth: 24}

// Positions places dotted field paths ("spec.secrets[0].path") in one file.
// It keeps the file's text, not a table: positions are needed only for
// errors, so the text is parsed again when the first one is placed, and the
// tree kept for the next (a file can hold thousands of errors). A table of
// every field's position was a fifth of what 10,000 loaded tenants held.
type Positions struct {
	file string
	text *text
	// partial is set when Decode returned shape errors but still decoded what
	// remained (offending values zeroed, unknown keys dropped) into out.
	partial bool
}

// text is a file's content and, once an error has been placed in it, its
// tree.
type text struct {
	data string
	once sync.Once
	root *yamlv3.Node // nil when the text does not parse
}

// Partial reports whether out holds a best-effort decode despite errors: the
// caller may run its own checks on it to report more problems at once, but
// must never use it as valid.
func (p Positions) Partial() bool { return p.partial }

// Of returns the position of path, or of its nearest parent that has one, or
// the file itself. It is safe to call from several goroutines.
func (p Positions) Of(path string) Pos {
	if p.text == nil {
		return Pos{File: p.file}
	}
	p.text.once.Do(func() { p.text.root = p.tree() })
	if p.text.root == nil {
		return Pos{File: p.file}
	}
	n := find(p.text.root, path)
	return Pos{File: p.file, Line: n.Line, Column: n.Column}
}

func (p Positions) tree() *yamlv3.Node {
	root, err := parse(p.file, p.text.data)
	if err != nil {
		return nil
	}
	return root
}

// find follows path ("a.b[2].c") from n as far as the tree goes. A mapping
// key may itself hold dots: the longest key that fits is taken.
func find(n *yamlv3.Node, path string) *yamlv3.Node {
	for path != "" {
		path = strings.TrimPrefix(path, ".")
		switch {
		case path[0] == '[' && n.Kind == yamlv3.SequenceNode:
			end := strings.IndexByte(path, ']')
			i, err := strconv.Atoi(path[1:max(end, 1)])
			if end < 0 || err != nil || i < 0 || i >= len(n.Content) {
				return n
			}
			n, path = n.Content[i], path[end+1:]
		case n.Kind == yamlv3.MappingNode:
			var next *yamlv3.Node
			rest := ""
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				r, ok := strings.CutPrefix(path, k)
				if ok && (r == "" || r[0] == '.' || r[0] == '[') && (next == nil || len(r) < len(rest)) {
					next, rest = n.Content[i+1], r // the first of duplicate keys, as decoded
				}
			}
			if next == nil {
				return n
			}
			n, path = next, rest
		default:
			return n
		}
	}
	return n
}

// Errorf returns a FieldError for path at its position.
func (p Positions) Errorf(path, format string, args ...any) *FieldError {
	return &FieldError{Pos: p.Of(path), Field: path, Msg: fmt.Sprintf(format, args...)}
}

// Decode checks data against the shape of out (a pointer to a struct with json
// tags) and, when it fits, decodes it into out. All shape errors are returned
// together as Errors. After shape errors, what remains is still decoded into
// out and Positions.Partial is true; after syntax or limit errors out is
// untouched.
func Decode(file string, data []byte, out any, lim Limits) (Positions, error) {
	pos := Positions{file: file}
	fail := func(line, col int, msg string) (Positions, error) {
		return pos, Errors{{Pos: Pos{File: file, Line: line, Column: col}, Msg: msg}}
	}
	if len(data) > lim.MaxBytes {
		return fail(0, 0, fmt.Sprintf("file is %d bytes, larger than the limit of %d", len(data), lim.MaxBytes))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail(0, 0, "file is empty")
	}
	// The text is kept for placing errors; the parse shares its strings.
	pos.text = &text{data: string(data)}
	root, err := parse(file, pos.text.data)
	if err != nil {
		return pos, err
	}
	if root.Kind == yamlv3.ScalarNode && root.Tag == "!!null" {
		return fail(root.Line, root.Column, "the document is null; expected a mapping")
	}
	w := walker{file: file, lim: lim}
	w.walk(root, typeOf(out), "", 0)
	if len(w.errs) > 0 {
		// Decode what is left, for the caller's further checks.
		if rest, err := yamlv3.Marshal(root); err == nil && yaml.UnmarshalStrict(rest, out) == nil {
			pos.partial = true
		}
		return pos, w.errs.Err()
	}
	// The shape is right: decode from the same tree.
	if err := fill(root, reflect.ValueOf(out)); err != nil {
		return fail(root.Line, root.Column, "cannot decode: "+err.Error())
	}
	return pos, nil
}

// parse returns the root of data's one document, as yaml.v3 parses it.
func parse(file, data string) (*yamlv3.Node, error) {
	root, err := parseV3(file, []byte(data))
	if err != nil {
		return nil, err
	}
	if root.Kind == yamlv3.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	return root, nil
}

// parseV3 is yaml.v3's parse of data, which must be one document.
func parseV3(file string, data []byte) (*yamlv3.Node, error) {
	fail := func(line int, msg string) error {
		return Errors{{Pos: Pos{File: file, Line: line}, Msg: msg}}
	}
	dec := yamlv3.NewDecoder(bytes.NewReader(data))
	var doc yamlv3.Node
	if err := dec.Decode(&doc); err != nil {
		line, msg := syntaxLine(err)
		return nil, fail(line, "invalid YAML: "+msg)
	}
	var extra yamlv3.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line, _ = syntaxLine(err)
		}
		return nil, fail(line, "more than one YAML document; one file holds exactly one")
	}
	return &doc, nil
}

// syntaxLine pulls "line N" out of a yaml.v3 error message.
func syntaxLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	return line, msg
}
