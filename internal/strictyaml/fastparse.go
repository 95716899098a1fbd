package strictyaml

import (
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// fastParse parses the block YAML that tenant files are written in — block
// mappings and sequences, one-line plain or quoted scalars, one-line flow
// sequences of simple words, comments — into the tree yaml.v3 builds for it,
// node for node: kinds, tags, values, styles, lines and columns (comments are
// left out: nothing reads them). Anything else — anchors, tags, block
// scalars, flow mappings, escapes, multi-line scalars, tabs, non-ASCII, more
// than one document — returns ok false, and the caller asks yaml.v3, which
// also reports syntax errors. yaml.v3 took 70 % of decoding 10,000 tenant
// files; FuzzFastParseAgreesWithYAMLv3 holds the two to the same trees.
func fastParse(data string) (doc *yamlv3.Node, ok bool) { return new(fastParser).parse(data) }

func (p *fastParser) parse(data string) (doc *yamlv3.Node, ok bool) {
	if !p.split(data) || len(p.lines) == 0 {
		return nil, false
	}
	root, next, ok := p.block(0, p.lines[0].indent)
	if !ok || next != len(p.lines) || p.unresolved {
		return nil, false
	}
	doc = p.node(yamlv3.DocumentNode, "", "", 0, root.Line, root.Column)
	doc.Content = []*yamlv3.Node{root}
	return doc, true
}

// fastLine is one line with content: its number, indentation and text
// without indentation or trailing spaces (comments are cut later, where
// quotes are known).
type fastLine struct {
	num, indent int
	text        string
}

type fastParser struct {
	lines []fastLine
	// slabs hold the tree's nodes, used of them taken: a tenant file is
	// about 50 nodes, 10,000 files 80 MB of them, garbage once decoded.
	slabs [][]yamlv3.Node
	used  int
	// unresolved: a plain scalar yaml.v3 does not read as one on its own.
	unresolved bool
	depth      int
}

// maxFastDepth bounds the recursion: deeper documents ("- - - - …" on one
// line) go to yaml.v3, which has its own limit, and the walker refuses
// anything deeper than Limits.MaxDepth anyway.
const maxFastDepth = 64

// split cuts data into lines, leaving out blank and comment lines. It
// refuses what the subset does not cover anywhere in the file.
func (p *fastParser) split(s string) bool {
	for num := 1; s != ""; num++ {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		for i := 0; i < len(line); i++ {
			if c := line[i]; c < 0x20 || c > 0x7e { // tabs, CR, control bytes, non-ASCII
				return false
			}
		}
		text := strings.TrimLeft(line, " ")
		indent := len(line) - len(text)
		text = strings.TrimRight(text, " ")
		switch {
		case text == "" || text[0] == '#':
			continue
		case indent == 0 && (strings.HasPrefix(text, "---") || strings.HasPrefix(text, "...") || text[0] == '%'):
			return false // document markers and directives
		}
		p.lines = append(p.lines, fastLine{num: num, indent: indent, text: text})
	}
	return true
}

const slabSize = 32

func (p *fastParser) node(kind yamlv3.Kind, tag, value string, style yamlv3.Style, line, col int) *yamlv3.Node {
	s := p.used / slabSize
	if s == len(p.slabs) {
		p.slabs = append(p.slabs, make([]yamlv3.Node, slabSize))
	}
	n := &p.slabs[s][p.used%slabSize]
	*n = yamlv3.Node{Kind: kind, Tag: tag, Value: value, Style: style, Line: line, Column: col}
	p.used++
	return n
}

// block parses the mapping or sequence whose entries start lines[i:] at
// indent, and returns the index of the line after it.
func (p *fastParser) block(i, indent int) (*yamlv3.Node, int, bool) {
	if p.depth++; p.depth > maxFastDepth {
		return nil, 0, false
	}
	defer func() { p.depth-- }()
	if isItem(p.lines[i].text) {
		return p.sequence(i, indent)
	}
	return p.mapping(i, indent)
}

func isItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

func (p *fastParser) mapping(i, indent int) (*yamlv3.Node, int, bool) {
	m := p.node(yamlv3.MappingNode, "!!map", "", 0, p.lines[i].num, indent+1)
	for i < len(p.lines) && p.lines[i].indent == indent && !isItem(p.lines[i].text) {
		l := p.lines[i]
		key, rest, ok := cutKey(l.text)
		if !ok {
			return nil, 0, false
		}
		k := p.scalar(key, 0, l.num, indent+1)
		var v *yamlv3.Node
		i++
		if rest == "" { // the value is on the lines below, or null
			switch next := i; {
			case next < len(p.lines) && p.lines[next].indent > indent:
				v, i, ok = p.block(next, p.lines[next].indent)
			case next < len(p.lines) && p.lines[next].indent == indent && isItem(p.lines[next].text):
				v, i, ok = p.sequence(next, indent)
			case len(l.text) == len(key)+1: // "key:" and nothing after
				v, ok = p.scalar("", 0, l.num, indent+len(key)+2), true
			default:
				ok = false
			}
		} else {
			v, ok = p.inline(rest, l.num, indent+1+len(l.text)-len(rest))
		}
		if !ok {
			return nil, 0, false
		}
		m.Content = append(m.Content, k, v)
	}
	if i < len(p.lines) && p.lines[i].indent > indent { // a continuation line, or a stray indent
		return nil, 0, false
	}
	return m, i, true
}

func (p *fastParser) sequence(i, indent int) (*yamlv3.Node, int, bool) {
	s := p.node(yamlv3.SequenceNode, "!!seq", "", 0, p.lines[i].num, indent+1)
	for i < len(p.lines) && p.lines[i].indent == indent && isItem(p.lines[i].text) {
		l := p.lines[i]
		content := strings.TrimLeft(l.text[1:], " ")
		if content == "" {
			return nil, 0, false // "-" alone: the item is on the lines below
		}
		col := indent + len(l.text) - len(content) // 0-based column of the item
		var v *yamlv3.Node
		var ok bool
		if _, _, isKey := cutKey(content); isKey || isItem(content) {
			// The item is a block that starts on this line: parse it
			// as if its first line were indented to where it starts.
			p.lines[i] = fastLine{num: l.num, indent: col, text: content}
			v, i, ok = p.block(i, col)
		} else {
			v, ok = p.inline(content, l.num, col+1)
			i++
		}
		if !ok {
			return nil, 0, false
		}
		s.Content = append(s.Content, v)
	}
	if i < len(p.lines) && p.lines[i].indent > indent {
		return nil, 0, false
	}
	return s, i, true
}
