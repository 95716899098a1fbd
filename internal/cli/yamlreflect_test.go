package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type (
	reflectInner struct {
		Z string `json:"z,omitempty"`
		A bool   `json:"a,omitempty"`
	}
	reflectAll struct {
		Zeta     string          `json:"zeta"` // declared out of order: written sorted
		Alpha    []string        `json:"alpha"`
		Empty    []string        `json:"empty"`
		Omitted  []string        `json:"omitted,omitempty"`
		Inner    reflectInner    `json:"inner"`
		Ptr      *reflectInner   `json:"ptr"`
		NilPtr   *reflectInner   `json:"nilPtr"`
		Gone     *reflectInner   `json:"gone,omitempty"`
		Lists    [][]string      `json:"lists"`
		Structs  []reflectInner  `json:"structs"`
		Any      any             `json:"any"`
		Flag     bool            `json:"flag"`
		Text     string          `json:"text"`
		Quoted   string          `json:"quoted"`
		Untagged string          // no tag: the field name is the key
		skipped  string          // unexported: not written
		Dropped  string          `json:"-"`
		Pointers []*reflectInner `json:"pointers"`
	}
	reflectEmbeds struct {
		reflectInner
		B string `json:"b"`
	}
	reflectMarshals struct {
		D time.Time `json:"d"`
	}
	reflectHTMLKey struct {
		X string `json:"<x>"`
	}
	reflectNumber struct {
		N int `json:"n"`
	}
)

// The typed writer writes what the JSON path writes from encoding/json's
// output, or declines (and the caller takes the JSON path).
func TestReflectYAMLIsTheJSONPath(t *testing.T) {
	full := reflectAll{
		Zeta: "z", Alpha: []string{"a", "true"}, Empty: []string{}, Inner: reflectInner{},
		Ptr: &reflectInner{Z: "x", A: true}, Lists: [][]string{{"a"}, {}, nil}, Structs: []reflectInner{{}, {Z: "q"}},
		Any: reflectInner{Z: "in any"}, Text: "line one\nline two\n", Quoted: ": x", Untagged: "u", skipped: "s", Dropped: "d",
		Pointers: []*reflectInner{nil, {A: true}},
	}
	for name, tc := range map[string]struct {
		v        any
		declined bool
	}{
		"every shape":      {v: full},
		"zero":             {v: reflectAll{}},
		"pointer to it":    {v: &full},
		"not UTF-8":        {v: reflectInner{Z: "\xff"}, declined: true},
		"embedded struct":  {v: reflectEmbeds{B: "b"}, declined: true},
		"a marshaler":      {v: reflectMarshals{}, declined: true},
		"an escaped key":   {v: reflectHTMLKey{X: "x"}, declined: true},
		"a number":         {v: reflectNumber{N: 1}, declined: true},
		"empty top struct": {v: reflectInner{}},
	} {
		t.Run(name, func(t *testing.T) {
			raw, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			if err := new(transcoder).member(&want, "object", raw, 2); err != nil && !tc.declined {
				t.Fatal(err)
			}
			err = reflectMember(&got, "object", reflect.ValueOf(tc.v), 2)
			switch {
			case tc.declined && errors.Is(err, errTranscode):
			case tc.declined:
				t.Errorf("wrote it (err %v); it should decline", err)
			case err != nil:
				t.Errorf("declined: %v", err)
			default:
				if diff := cmp.Diff(want.String(), got.String()); diff != "" {
					t.Errorf("(-JSON path +typed):\n%s", diff)
				}
			}
		})
	}
}
