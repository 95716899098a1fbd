package cli

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// jsonTree decodes JSON that encoding/json wrote into what a json.Decoder
// with UseNumber gives (map[string]any, []any, json.Number, string, bool,
// nil), without reflection: render decodes every element of a 10,000-tenant
// state, and encoding/json spent more time there than writing the YAML.
// A string with an escape goes to encoding/json; anything unexpected is an
// error, and the caller then decodes with encoding/json instead
// (TestJSONTreeAgrees and FuzzJSONTree hold the two to the same result).
func jsonTree(data []byte) (any, error) {
	p := jsonParser{b: data}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.i != len(p.b) {
		return nil, errJSONTree
	}
	return v, nil
}

var errJSONTree = errors.New("not JSON the fast path reads")

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\t' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *jsonParser) value() (any, error) {
	p.skipSpace()
	if p.i >= len(p.b) {
		return nil, errJSONTree
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.word("true")
	case c == 'f':
		return false, p.word("false")
	case c == 'n':
		return nil, p.word("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, errJSONTree
}

func (p *jsonParser) word(w string) error {
	if len(p.b)-p.i < len(w) || string(p.b[p.i:p.i+len(w)]) != w {
		return errJSONTree
	}
	p.i += len(w)
	return nil
}

func (p *jsonParser) object() (any, error) {
	p.i++ // {
	out := map[string]any{}
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return out, nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, errJSONTree
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if p.skipSpace(); p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, errJSONTree
		}
		p.i++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out[k] = v // encoding/json keeps the last of duplicate keys too
		if done, err := p.separator('}'); done || err != nil {
			return out, err
		}
	}
}

// separator reads the comma between two elements, or the closing bracket
// (done).
func (p *jsonParser) separator(closing byte) (done bool, err error) {
	p.skipSpace()
	switch {
	case p.i >= len(p.b):
		return false, errJSONTree
	case p.b[p.i] == ',':
		p.i++
		return false, nil
	case p.b[p.i] == closing:
		p.i++
		return true, nil
	}
	return false, errJSONTree
}

func (p *jsonParser) array() (any, error) {
	p.i++ // [
	out := []any{}
	p.skipSpace()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return out, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if done, err := p.separator(']'); done || err != nil {
			return out, err
		}
	}
}

// str reads a string; one with an escape or a control character is left
// to encoding/json.
func (p *jsonParser) str() (string, error) {
	start := p.i
	p.i++ // "
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start+1 : p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", errJSONTree
			}
			return string(s), nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", errJSONTree
		}
		p.i++
	}
	return "", errJSONTree
}

func (p *jsonParser) escaped(start int) (string, error) {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			var s string
			if err := json.Unmarshal(p.b[start:p.i], &s); err != nil {
				return "", err
			}
			return s, nil
		}
		p.i++
	}
	return "", errJSONTree
}

// number reads a JSON number as encoding/json's UseNumber does: its text.
func (p *jsonParser) number() (any, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i, n = p.i+1, n+1
		}
		return n
	}
	intStart := p.i
	if n := digits(); n == 0 || n > 1 && p.b[intStart] == '0' {
		return nil, errJSONTree
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, errJSONTree
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, errJSONTree
		}
	}
	return json.Number(p.b[start:p.i]), nil
}
