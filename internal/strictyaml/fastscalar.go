package strictyaml

import (
	"strings"
	"sync"
	"sync/atomic"

	yamlv3 "go.yaml.in/yaml/v3"
)

// cutKey splits "key: rest" or "key:" where key is a simple word.
func cutKey(text string) (key, rest string, ok bool) {
	i := strings.IndexByte(text, ':')
	if i <= 0 || i > 1000 || !simpleWord(text[:i]) { // YAML limits implicit keys to 1024 characters
		return "", "", false
	}
	switch {
	case i == len(text)-1:
		return text[:i], "", true
	case text[i+1] == ' ':
		return text[:i], strings.TrimLeft(text[i+1:], " "), true
	}
	return "", "", false
}

// simpleWord: letters, digits and _ . / -, not starting with -.
func simpleWord(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '/' || c == '-') {
			return false
		}
	}
	return true
}

// inline parses a value that is all on its line, starting at col (1-based).
func (p *fastParser) inline(text string, line, col int) (*yamlv3.Node, bool) {
	switch text[0] {
	case '"', '\'':
		q := text[0]
		j := strings.IndexByte(text[1:], q) + 1
		if j == 0 || !onlyComment(text[j+1:]) {
			return nil, false
		}
		value := text[1:j]
		if q == '"' && strings.IndexByte(value, '\\') >= 0 {
			return nil, false // escapes
		}
		style := yamlv3.DoubleQuotedStyle
		if q == '\'' {
			style = yamlv3.SingleQuotedStyle
		}
		return p.scalar(value, style, line, col), true
	case '[':
		j := strings.IndexByte(text, ']')
		if j < 0 || !onlyComment(text[j+1:]) {
			return nil, false
		}
		s := p.node(yamlv3.SequenceNode, "!!seq", "", yamlv3.FlowStyle, line, col)
		inner := text[1:j]
		if strings.TrimLeft(inner, " ") == "" {
			return s, true
		}
		for off := 1; ; {
			item, after, more := strings.Cut(inner, ",")
			word := strings.TrimLeft(item, " ")
			start := off + len(item) - len(word)
			word = strings.TrimRight(word, " ")
			if !simpleWord(word) {
				return nil, false
			}
			s.Content = append(s.Content, p.scalar(word, 0, line, col+start))
			if !more {
				return s, true
			}
			off += len(item) + 1
			inner = after
		}
	}
	if i := strings.Index(text, " #"); i >= 0 {
		text = strings.TrimRight(text[:i], " ")
	}
	if !onePlain(text) {
		return nil, false
	}
	return p.scalar(text, 0, line, col), true
}

// onePlain: text is one plain scalar in block context — it starts with no
// indicator ("-" only before a non-space) and holds no ": " and no final
// ":", which would make it a mapping.
func onePlain(text string) bool {
	switch {
	case strings.IndexByte("?:,[]{}#&*!|>'\"%@`", text[0]) >= 0,
		text[0] == '-' && (len(text) == 1 || text[1] == ' '),
		strings.Contains(text, ": "), text[len(text)-1] == ':':
		return false
	}
	return true
}

// onlyComment: what follows a closing quote or bracket is nothing, or a comment.
func onlyComment(s string) bool {
	return s == "" || s[0] == ' ' && strings.TrimLeft(s, " ")[0] == '#'
}

func (p *fastParser) scalar(value string, style yamlv3.Style, line, col int) *yamlv3.Node {
	tag := "!!str"
	if style == 0 {
		tag = resolvePlain(value)
		p.unresolved = p.unresolved || tag == ""
	}
	return p.node(yamlv3.ScalarNode, tag, value, style, line, col)
}

// resolvePlain is yaml.v3's tag for a plain scalar. What starts with a
// letter is looked up as yaml.v3 does; anything else (durations, ports,
// versions, "<<") is asked of yaml.v3 itself, once per distinct value.
func resolvePlain(s string) string {
	if s == "" {
		return "!!null"
	}
	switch c := s[0]; {
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "~", "null", "Null", "NULL":
			return "!!null"
		}
		return "!!str"
	case !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
		if tag, ok := resolvedTags.Load(s); ok {
			return tag.(string)
		}
		var n yamlv3.Node
		tag := "" // not a scalar on its own: the caller's fallback decides
		// As a mapping value, where it sits in a tenant file: on its own,
		// "---" would be a document marker.
		if yamlv3.Unmarshal([]byte("x: "+s), &n) == nil && len(n.Content) == 1 && len(n.Content[0].Content) == 2 {
			if v := n.Content[0].Content[1]; v.Kind == yamlv3.ScalarNode && v.Style == 0 && v.Value == s {
				tag = v.Tag
			}
		}
		if len(s) <= 32 && resolvedCount.Add(1) <= 4096 { // bounded: values repeat, untrusted files need not
			resolvedTags.Store(s, tag)
		}
		return tag
	}
	return "!!str"
}

var (
	resolvedTags  sync.Map // plain scalar -> yaml.v3 tag
	resolvedCount atomic.Int64
)
