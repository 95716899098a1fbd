package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stdTree is what jsonTree stands in for.
func stdTree(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errJSONTree
	}
	return x, nil
}

func TestJSONTreeAgrees(t *testing.T) {
	for name, in := range map[string]string{
		"object":        `{"b":1,"a":[true,false,null],"c":{"d":"e"},"f":{},"g":[]}`,
		"numbers":       `[0,-1,1.5,-0.25e+3,2E-2,12345678901234567890]`,
		"escapes":       `{"k\"ey":"a\nb\u00e9\\\/","s":"\ud83d\ude00"}`,
		"unicode":       `"é ü 日本"`,
		"spaces":        " { \"a\" : [ 1 , 2 ] } \n",
		"duplicate key": `{"a":1,"a":2}`,
	} {
		t.Run(name, func(t *testing.T) {
			want, err := stdTree([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := jsonTree([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-encoding/json +jsonTree):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{``, `{`, `[1,]`, `{"a"}`, `01`, `1.`, `-`, `tru`, `"a`, "\"\x01\"", `{} x`, "\"\xff\""} {
		if _, err := jsonTree([]byte(bad)); err == nil {
			t.Errorf("%q: read without error", bad)
		}
	}
}

// FuzzJSONTree: whatever jsonTree reads, encoding/json reads the same.
func FuzzJSONTree(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x",null]}`, `"\u00e9"`, `-0.5e3`, `{"a":{"b":[]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := jsonTree(data)
		if err != nil {
			return
		}
		want, err := stdTree(data)
		if err != nil {
			t.Fatalf("jsonTree read %q, encoding/json refuses it: %v", data, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-encoding/json +jsonTree):\n%s", data, diff)
		}
	})
}
