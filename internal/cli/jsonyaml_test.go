package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// viaTree is what emitYAML writes from encoding/json's decode of data.
func viaTree(t *testing.T, data []byte, indent int) (string, error) {
	t.Helper()
	x, err := decodeTree(data)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	emitYAML(&b, x, indent)
	return b.String(), nil
}

func TestJSONToYAMLAgreesWithTheTree(t *testing.T) {
	for name, in := range map[string]string{
		"object":         `{"b":1,"a":[true,false,null],"c":{"d":"e"},"f":{},"g":[]}`,
		"sorted already": `{"a":{"b":[{"c":1,"d":[]}]},"e":"x"}`,
		"numbers":        `[0,-1,1.5,-0.25e+3,2E-2,12345678901234567890]`,
		"escapes":        `{"k":"a\nb\u00e9\\\/","s":"\ud83d\ude00","h":"\u003cb\u003e"}`,
		"multi-line":     `{"hcl":"path \"a\" {\n  capabilities = [\"read\"]\n}\n"}`,
		"unicode":        `"é ü 日本"`,
		"spaces":         " { \"a\" : [ 1 , 2 ] } \n",
		"nested lists":   `[[1,[2,[]]],{"a":[{}]}]`,
		"words":          `["true","no","15m","1.5","","-","a: b"]`,
		"scalar":         `"x"`,
	} {
		t.Run(name, func(t *testing.T) {
			for _, indent := range []int{0, 2, 6} {
				want, err := viaTree(t, []byte(in), indent)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := new(transcoder).jsonToYAML(&b, []byte(in), indent); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, b.String()); diff != "" {
					t.Errorf("indent %d (-tree +jsonToYAML):\n%s", indent, diff)
				}
			}
		})
	}
	for name, in := range map[string]string{
		"duplicate key":   `{"a":1,"a":2}`,
		"escaped key":     `{"k\"ey":1}`,
		"control":         "\"\x01\"",
		"invalid UTF-8":   "\"\xff\"",
		"trailing comma":  `[1,]`,
		"key only":        `{"a"}`,
		"leading zero":    `01`,
		"bare dot":        `1.`,
		"lone minus":      `-`,
		"short word":      `tru`,
		"open string":     `"a`,
		"trailing data":   `{} x`,
		"empty":           ``,
		"unclosed object": `{`,
	} {
		t.Run("leaves to the tree: "+name, func(t *testing.T) {
			if err := new(transcoder).jsonToYAML(new(bytes.Buffer), []byte(in), 2); err == nil {
				t.Errorf("%q: written without error", in)
			}
		})
	}
}

// One transcoder writes element after element, as a render worker does.
func TestJSONToYAMLReusesItsTokens(t *testing.T) {
	tr := new(transcoder)
	for _, in := range []string{`{"b":{"c":[1,2,3]},"a":"x"}`, `[1]`, `{"z":{},"y":{"x":"w"}}`} {
		want, err := viaTree(t, []byte(in), 2)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := tr.jsonToYAML(&b, []byte(in), 2); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%s: got\n%s\nwant\n%s", in, b.String(), want)
		}
	}
}

func FuzzJSONToYAMLAgrees(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x",null]}`, `"\u00e9"`, `-0.5e3`, `{"b":{"c":[]},"a":{}}`, `["a\nb\n"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b bytes.Buffer
		if err := new(transcoder).jsonToYAML(&b, data, 2); err != nil {
			return
		}
		if !json.Valid(data) {
			t.Fatalf("jsonToYAML wrote %q, which is not JSON", data)
		}
		want, err := viaTree(t, data, 2)
		if err != nil {
			t.Fatalf("jsonToYAML wrote %q, encoding/json refuses it: %v", data, err)
		}
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("%q (-tree +jsonToYAML):\n%s", data, diff)
		}
	})
}

// unescape decodes what it accepts exactly as encoding/json does, and
// declines only surrogate escapes.
func FuzzUnescapeAgrees(f *testing.F) {
	for _, s := range []string{`plain`, `a\nb\t\"c\"\\`, `\u00e9\u2028\/`, `\ud83d\ude00`, `\ud800`, `<a&b>`, `\u003c`, `\uZZZZ`, `\x`, `\`, `\u12`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		quoted := `"` + s + `"`
		var want string
		if json.Unmarshal([]byte(quoted), &want) != nil {
			return // not a JSON string: str never hands it over
		}
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 }) {
			return // str leaves these to encoding/json
		}
		got, ok := unescape([]byte(s))
		if !ok {
			if !strings.Contains(strings.ToLower(s), `\ud`) {
				t.Fatalf("unescape(%q) declined; only surrogate escapes should be", s)
			}
			return
		}
		if got != want {
			t.Fatalf("unescape(%q) = %q, encoding/json %q", s, got, want)
		}
	})
}
