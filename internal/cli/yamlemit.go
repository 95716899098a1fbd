package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	yamlv2 "go.yaml.in/yaml/v2"
	yamlv3 "go.yaml.in/yaml/v3"
)

// emitYAML appends v — what encoding/json decodes into any, with
// json.Number for numbers — as block YAML at indent, in the layout
// sigs.k8s.io/yaml writes (keys sorted, lists not indented under their key,
// multi-line strings as literal blocks). A string is plain only when every
// YAML reader takes it for that string, else double-quoted; so the output
// means the same to YAML 1.1 and 1.2 tools. It is what render -o yaml
// writes: sigs.k8s.io/yaml parses its own JSON back as YAML before
// writing, and took 15 s for 10,000 tenants.
func emitYAML(b *bytes.Buffer, v any, indent int) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			b.WriteString("{}\n")
			return
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				pad(b, indent)
			}
			emitKey(b, k, indent)
			b.WriteByte(':')
			switch c := t[k].(type) {
			case map[string]any:
				if len(c) == 0 {
					b.WriteString(" {}\n")
					continue
				}
				b.WriteByte('\n')
				pad(b, indent+2)
				emitYAML(b, c, indent+2)
			case []any:
				if len(c) == 0 {
					b.WriteString(" []\n")
					continue
				}
				b.WriteByte('\n')
				pad(b, indent)
				emitYAML(b, c, indent)
			default:
				b.WriteByte(' ')
				emitYAML(b, c, indent+2)
			}
		}
	case []any:
		if len(t) == 0 {
			b.WriteString("[]\n")
			return
		}
		for i, item := range t {
			if i > 0 {
				pad(b, indent)
			}
			b.WriteString("- ")
			emitYAML(b, item, indent+2)
		}
	default:
		emitScalar(b, v, indent)
		b.WriteByte('\n')
	}
}

// pad writes n spaces, in one write for any indent render reaches.
func pad(b *bytes.Buffer, n int) {
	for n > len(spaces) {
		b.WriteString(spaces)
		n -= len(spaces)
	}
	b.WriteString(spaces[:n])
}

const spaces = "                                                                " // 64

func emitScalar(b *bytes.Buffer, v any, indent int) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case json.Number:
		b.WriteString(t.String())
	case float64:
		b.WriteString(strconv.FormatFloat(t, 'g', -1, 64))
	case string:
		emitString(b, t, indent)
	default:
		fmt.Fprintf(b, "%q", fmt.Sprint(t))
	}
}

func emitString(b *bytes.Buffer, s string, indent int) {
	switch {
	case plainSafe(s):
		b.WriteString(s)
	case literalSafe(s):
		literal(b, s, indent)
	default:
		b.WriteString(strconv.Quote(s)) // Go's escapes are all YAML escapes
	}
}

// plainSafe: a string YAML may hold unquoted, and that every YAML reader
// (1.1 and 1.2) takes for that string: printable ASCII without leading or
// trailing space, not starting with an indicator, no ": " or " #" inside,
// not ending in a colon, not a word like true, on, no or null, and, when it
// starts like a number, not one (15, 1e3, 0x1F, 2026-11-30).
func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	first, last := s[0], s[len(s)-1]
	if first == ' ' || last == ' ' || last == ':' || yamlIndicator[first] {
		return false
	}
	// One pass: render asks this of every string of a 10,000-tenant state.
	// Most bytes are none of the few that need a look at their neighbour.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !lookAt[c] {
			continue
		}
		if c < 0x20 || c > 0x7e || c == ' ' && i > 0 && s[i-1] == ':' || c == '#' && i > 0 && s[i-1] == ' ' {
			return false
		}
	}
	if len(s) <= 5 {
		for _, w := range yamlWords {
			if strings.EqualFold(s, w) {
				return false
			}
		}
	}
	if first >= '0' && first <= '9' || first == '+' || first == '.' {
		return resolvesToString(s)
	}
	return true
}

// lookAt marks the bytes plainSafe must look at closer: control and non-ASCII
// bytes, and the space and '#' that end a plain scalar after ':' or ' '.
var lookAt = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < 0x20 || c > 0x7e || c == ' ' || c == '#'
	}
	return t
}()

// yamlIndicator: the bytes a plain scalar may not start with.
var yamlIndicator = func() (t [256]bool) {
	for _, c := range []byte("-?:,[]{}#&*!|>'\"%@`") {
		t[c] = true
	}
	return t
}()

// yamlWords are what YAML 1.1 or 1.2 reads as a boolean or null, in any case.
var yamlWords = []string{"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}

// resolvesToString asks both YAML resolvers, for the few strings that
// start like a number.
func resolvesToString(s string) bool {
	if ok, seen := resolved.Load(s); seen {
		return ok.(bool)
	}
	ok := resolve(s)
	if len(s) <= 32 {
		resolved.Store(strings.Clone(s), ok) // durations and versions repeat on every object; s may point into a buffer
	}
	return ok
}

var resolved sync.Map // string -> bool

func resolve(s string) bool {
	var a, c any
	if yamlv2.Unmarshal([]byte(s), &a) != nil || yamlv3.Unmarshal([]byte(s), &c) != nil {
		return false
	}
	_, ok1 := a.(string)
	_, ok2 := c.(string)
	return ok1 && ok2
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// literalSafe: a multi-line string of printable characters that a literal
// block keeps exactly (no carriage return, no leading space to confuse the
// indentation).
func literalSafe(s string) bool {
	if !strings.Contains(s, "\n") || strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\n") {
		return false
	}
	for _, r := range s {
		if r != '\n' && (!unicode.IsPrint(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff') {
			return false
		}
	}
	return true
}

// literal writes s as a literal block scalar, its chomping indicator
// keeping the trailing newlines exactly.
func literal(b *bytes.Buffer, s string, indent int) {
	body := strings.TrimRight(s, "\n")
	trailing := len(s) - len(body)
	switch trailing {
	case 0:
		b.WriteString("|-")
	case 1:
		b.WriteString("|")
	default:
		b.WriteString("|+")
	}
	for l := range strings.SplitSeq(body, "\n") {
		b.WriteByte('\n')
		if l != "" {
			pad(b, indent)
			b.WriteString(l)
		}
	}
	for range trailing - 1 {
		b.WriteByte('\n')
	}
}

// emitKey writes a mapping key: plain or double-quoted, never a block;
// one longer than YAML's 1024-character limit on implicit keys as an
// explicit key ("? key", then ":" on the next line).
func emitKey(b *bytes.Buffer, k string, indent int) {
	q := k
	if !plainSafe(k) {
		q = strconv.Quote(k)
	}
	if len(q) > 1000 {
		b.WriteString("? ")
		b.WriteString(q)
		b.WriteByte('\n')
		pad(b, indent)
		return
	}
	b.WriteString(q)
}
