package policy

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// ParseRendered parses text in exactly Render's layout — comment lines,
// then `path "<p>" {` / `  capabilities = ["<c>", ...]` / `}` blocks
// separated by blank lines — decoding each quoted string as HCL does. It
// reports false for anything else (another layout, other attributes, an
// interpolation, a string it does not decode), and the caller falls back to
// Parse. FuzzParseRendered proves that whatever it accepts, hclsyntax
// parses to the same policy; it is some fifty times cheaper, which matters
// when every tenant's policy is parsed back (CheckIsolation).
func ParseRendered(src []byte) (Policy, bool) {
	var p Policy
	if !utf8.Valid(src) {
		return p, false
	}
	rest := src
	comments := false
	for len(rest) > 0 && rest[0] == '#' {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return p, false
		}
		rest, comments = rest[i+1:], true
	}
	for i := 0; len(rest) > 0; i++ {
		if i > 0 || comments {
			var ok bool
			if rest, ok = cut(rest, "\n"); !ok {
				return p, false
			}
		}
		var ok bool
		var r Rule
		if rest, ok = cut(rest, "path "); !ok {
			return p, false
		}
		if r.Path, rest, ok = quoted(rest); !ok {
			return p, false
		}
		if rest, ok = cut(rest, " {\n  capabilities = ["); !ok {
			return p, false
		}
		for j := 0; len(rest) > 0 && rest[0] != ']'; j++ {
			if j > 0 {
				if rest, ok = cut(rest, ", "); !ok {
					return p, false
				}
			}
			var c string
			if c, rest, ok = quoted(rest); !ok {
				return p, false
			}
			r.Capabilities = append(r.Capabilities, c)
		}
		if rest, ok = cut(rest, "]\n}\n"); !ok {
			return p, false
		}
		p.Rules = append(p.Rules, r)
	}
	return p, true
}

func cut(b []byte, prefix string) ([]byte, bool) {
	if !bytes.HasPrefix(b, []byte(prefix)) {
		return b, false
	}
	return b[len(prefix):], true
}

// quoted decodes one HCL quoted string literal at the start of b: the
// escapes \n \r \t \" \\ \uXXXX \UXXXXXXXX, $${ and %%{ for a literal ${
// and %{. An interpolation, a directive, a raw newline or any other escape
// is not a literal: false.
func quoted(b []byte) (string, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", b, false
	}
	var out []byte
	for i := 1; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return string(out), b[i+1:], true
		case c == '\n' || c == '\r':
			return "", b, false
		case c == '\\':
			if i+1 >= len(b) {
				return "", b, false
			}
			switch b[i+1] {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case '"':
				out = append(out, '"')
			case '\\':
				out = append(out, '\\')
			case 'u', 'U':
				n := 4
				if b[i+1] == 'U' {
					n = 8
				}
				if i+2+n > len(b) {
					return "", b, false
				}
				v, err := strconv.ParseUint(string(b[i+2:i+2+n]), 16, 32)
				if err != nil || !utf8.ValidRune(rune(v)) {
					return "", b, false
				}
				out = utf8.AppendRune(out, rune(v))
				i += 2 + n
				continue
			default:
				return "", b, false
			}
			i += 2
		case (c == '$' || c == '%') && i+2 < len(b) && b[i+1] == c && b[i+2] == '{':
			out = append(out, c, '{')
			i += 3
		case (c == '$' || c == '%') && i+1 < len(b) && b[i+1] == '{':
			return "", b, false // an interpolation or a directive
		default:
			out = append(out, c)
			i++
		}
	}
	return "", b, false
}
