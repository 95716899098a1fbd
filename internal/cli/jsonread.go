package cli

import "unicode/utf8"

// The reading half of jsonToYAML: data into a flat list of tokens.

func (t *transcoder) skipSpace() {
	for t.i < len(t.data) && (t.data[t.i] == ' ' || t.data[t.i] == '\n' || t.data[t.i] == '\t' || t.data[t.i] == '\r') {
		t.i++
	}
}

// value reads one value and what it contains into toks.
func (t *transcoder) value() error {
	t.skipSpace()
	if t.i >= len(t.data) {
		return errTranscode
	}
	at := len(t.toks)
	t.toks = append(t.toks, jsonTok{kind: t.data[t.i], start: int32(t.i)})
	var err error
	switch c := t.data[t.i]; {
	case c == '{' || c == '[':
		err = t.container(c)
	case c == '"':
		t.toks[at].esc, err = t.str()
	case c == 't':
		err = t.word("true")
	case c == 'f':
		err = t.word("false")
	case c == 'n':
		err = t.word("null")
	case c == '-' || c >= '0' && c <= '9':
		t.toks[at].kind = '0'
		err = t.number()
	default:
		err = errTranscode
	}
	t.toks[at].end, t.toks[at].next = int32(t.i), int32(len(t.toks))
	return err
}

func (t *transcoder) word(w string) error {
	if len(t.data)-t.i < len(w) || string(t.data[t.i:t.i+len(w)]) != w {
		return errTranscode
	}
	t.i += len(w)
	return nil
}

// container reads an object's members (key, value, key, value...) or an
// array's elements.
func (t *transcoder) container(open byte) error {
	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	t.i++
	if t.skipSpace(); t.i < len(t.data) && t.data[t.i] == closing {
		t.i++
		return nil
	}
	for {
		if open == '{' {
			if t.skipSpace(); t.i >= len(t.data) || t.data[t.i] != '"' {
				return errTranscode
			}
			if err := t.value(); err != nil {
				return err
			}
			if t.skipSpace(); t.i >= len(t.data) || t.data[t.i] != ':' {
				return errTranscode
			}
			t.i++
		}
		if err := t.value(); err != nil {
			return err
		}
		switch t.skipSpace(); {
		case t.i >= len(t.data):
			return errTranscode
		case t.data[t.i] == ',':
			t.i++
		case t.data[t.i] == closing:
			t.i++
			return nil
		default:
			return errTranscode
		}
	}
}

// str reads a string, reporting whether it has escapes; a control
// character or invalid UTF-8 is left to encoding/json.
func (t *transcoder) str() (esc bool, err error) {
	start := t.i + 1
	for t.i++; t.i < len(t.data); t.i++ {
		switch c := t.data[t.i]; {
		case c == '"':
			t.i++
			if !utf8.Valid(t.data[start : t.i-1]) {
				return false, errTranscode
			}
			return esc, nil
		case c == '\\':
			esc = true
			t.i++
		case c < 0x20:
			return false, errTranscode
		}
	}
	return false, errTranscode
}

// number checks JSON's number grammar; the text is the value, as
// encoding/json's UseNumber keeps it.
func (t *transcoder) number() error {
	if t.data[t.i] == '-' {
		t.i++
	}
	digits := func() int {
		n := 0
		for t.i < len(t.data) && t.data[t.i] >= '0' && t.data[t.i] <= '9' {
			t.i, n = t.i+1, n+1
		}
		return n
	}
	intStart := t.i
	if n := digits(); n == 0 || n > 1 && t.data[intStart] == '0' {
		return errTranscode
	}
	if t.i < len(t.data) && t.data[t.i] == '.' {
		t.i++
		if digits() == 0 {
			return errTranscode
		}
	}
	if t.i < len(t.data) && (t.data[t.i] == 'e' || t.data[t.i] == 'E') {
		t.i++
		if t.i < len(t.data) && (t.data[t.i] == '+' || t.data[t.i] == '-') {
			t.i++
		}
		if digits() == 0 {
			return errTranscode
		}
	}
	return nil
}
