package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// jsonToYAML appends the JSON value data — as encoding/json writes it — as
// block YAML at indent, exactly as emitYAML writes what a json.Decoder with
// UseNumber reads from data (FuzzJSONToYAMLAgrees). It reads data once into
// a flat list of tokens and writes from there: no maps, no copies of
// strings without escapes. Render writes every element of a 10,000-tenant
// state this way; a decoded tree took more time than the YAML itself.
// Anything unexpected is an error, and the caller then takes the tree path.
func (t *transcoder) jsonToYAML(b *bytes.Buffer, data []byte, indent int) error {
	if err := t.read(data); err != nil {
		return err
	}
	return t.emit(b, 0, indent)
}

// read reads data, one JSON value, into tokens; token 0 is the value.
func (t *transcoder) read(data []byte) error {
	t.data, t.toks, t.i, t.members = data, t.toks[:0], 0, t.members[:0]
	if err := t.value(); err != nil {
		return err
	}
	if t.skipSpace(); t.i != len(data) {
		return errTranscode
	}
	return nil
}

var errTranscode = errors.New("not JSON the fast path reads")

// transcoder holds what one render worker reuses from element to element.
type transcoder struct {
	data    []byte
	i       int
	toks    []jsonTok
	members []int32 // the member keys of the objects being written, a stack
}

// jsonTok is one JSON value: its kind ('{', '[', '"', '0' for a number,
// 't', 'f', 'n'), its text, and the index of the token after it and its
// contents.
type jsonTok struct {
	kind       byte
	esc        bool // a string with escapes
	start, end int32
	next       int32
}

// text is token k's string value. Without escapes it points into data,
// valid while data is: nothing written keeps it.
func (t *transcoder) text(k int32) (string, error) {
	tok := t.toks[k]
	raw := t.data[tok.start+1 : tok.end-1]
	if !tok.esc {
		return unsafe.String(unsafe.SliceData(raw), len(raw)), nil
	}
	if s, ok := unescape(raw); ok {
		return s, nil
	}
	var s string
	err := json.Unmarshal(t.data[tok.start:tok.end], &s)
	return s, err
}

// unescape decodes the escapes of a JSON string's text (valid UTF-8, no
// control characters: str checked) as encoding/json does. A \u escape of
// a surrogate, which encoding/json pairs or replaces, is not ok: the
// caller asks encoding/json.
func unescape(raw []byte) (string, bool) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i++; i >= len(raw) {
			return "", false
		}
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if i+4 >= len(raw) {
				return "", false
			}
			r, err := strconv.ParseUint(string(raw[i+1:i+5]), 16, 32)
			if err != nil || utf16.IsSurrogate(rune(r)) {
				return "", false
			}
			out = utf8.AppendRune(out, rune(r))
			i += 4
		default:
			return "", false
		}
	}
	return string(out), true
}

// emit writes token k as emitYAML writes the value it stands for.
func (t *transcoder) emit(b *bytes.Buffer, k int32, indent int) error {
	tok := t.toks[k]
	switch tok.kind {
	case '{':
		if tok.next == k+1 {
			b.WriteString("{}\n")
			return nil
		}
		return t.object(b, k, indent)
	case '[':
		if tok.next == k+1 {
			b.WriteString("[]\n")
			return nil
		}
		for i, first := k+1, true; i < tok.next; i, first = t.toks[i].next, false {
			if !first {
				pad(b, indent)
			}
			b.WriteString("- ")
			if err := t.emit(b, i, indent+2); err != nil {
				return err
			}
		}
		return nil
	}
	if err := t.scalar(b, k, indent); err != nil {
		return err
	}
	b.WriteByte('\n')
	return nil
}

func (t *transcoder) scalar(b *bytes.Buffer, k int32, indent int) error {
	tok := t.toks[k]
	switch tok.kind {
	case '"':
		s, err := t.text(k)
		if err != nil {
			return err
		}
		emitString(b, s, indent)
	case 'n':
		b.WriteString("null")
	default: // numbers, true and false: their JSON text is their YAML
		b.Write(t.data[tok.start:tok.end])
	}
	return nil
}

// object writes an object's members in key order. Keys with escapes, and
// duplicate keys, are left to the tree path.
func (t *transcoder) object(b *bytes.Buffer, k int32, indent int) error {
	base := len(t.members)
	sorted := true
	for i := k + 1; i < t.toks[k].next; i = t.toks[i+1].next {
		if t.toks[i].esc {
			return errTranscode
		}
		if n := len(t.members); n > base && t.cmpKeys(t.members[n-1], i) >= 0 {
			sorted = false
		}
		t.members = append(t.members, i)
	}
	if !sorted {
		keys := t.members[base:]
		slices.SortFunc(keys, t.cmpKeys)
		for j := 1; j < len(keys); j++ {
			if t.cmpKeys(keys[j-1], keys[j]) == 0 {
				return errTranscode
			}
		}
	}
	for j := base; j < len(t.members); j++ {
		key := t.members[j]
		if j > base {
			pad(b, indent)
		}
		name, _ := t.text(key)
		emitKey(b, name, indent)
		b.WriteByte(':')
		if err := t.memberValue(b, key+1, indent); err != nil {
			return err
		}
	}
	t.members = t.members[:base]
	return nil
}

// memberValue writes token v, the value of a member of a mapping at indent
// whose key and colon are written.
func (t *transcoder) memberValue(b *bytes.Buffer, v int32, indent int) error {
	switch c := t.toks[v]; {
	case c.kind == '{' && c.next == v+1:
		b.WriteString(" {}\n")
	case c.kind == '{':
		b.WriteByte('\n')
		pad(b, indent+2)
		return t.emit(b, v, indent+2)
	case c.kind == '[' && c.next == v+1:
		b.WriteString(" []\n")
	case c.kind == '[':
		b.WriteByte('\n')
		pad(b, indent)
		return t.emit(b, v, indent)
	default:
		b.WriteByte(' ')
		return t.emit(b, v, indent+2)
	}
	return nil
}

// cmpKeys orders two key tokens (without escapes) as Go orders strings.
func (t *transcoder) cmpKeys(a, b int32) int {
	ta, tb := t.toks[a], t.toks[b]
	return bytes.Compare(t.data[ta.start+1:ta.end-1], t.data[tb.start+1:tb.end-1])
}
