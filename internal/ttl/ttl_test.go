package ttl

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		"minutes":          {in: "15m", want: 15 * time.Minute},
		"hours":            {in: "1h", want: time.Hour},
		"mixed":            {in: "1h30m", want: 90 * time.Minute},
		"days":             {in: "2d", want: 48 * time.Hour},
		"days and hours":   {in: "1d12h", want: 36 * time.Hour},
		"bare seconds":     {in: "3600", want: time.Hour},
		"seconds unit":     {in: "90s", want: 90 * time.Second},
		"zero":             {in: "0", want: 0},
		"empty":            {in: "", wantErr: true},
		"negative":         {in: "-5m", wantErr: true},
		"negative seconds": {in: "-1", wantErr: true},
		"sub-second":       {in: "1500ms", wantErr: true},
		"garbage":          {in: "soon", wantErr: true},
		"unit only":        {in: "h", wantErr: true},
		"trailing junk":    {in: "1hx", wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Parse(%q) error = %v, wantErr %v", tc.in, err, tc.wantErr)
			}
			if !tc.wantErr && time.Duration(got) != tc.want {
				t.Errorf("Parse(%q) = %v, want %v", tc.in, time.Duration(got), tc.want)
			}
		})
	}
}

func TestStringRoundTrip(t *testing.T) {
	for _, s := range []string{"15m", "1h", "1h30m", "24h", "90s", "1m1s", "0s"} {
		d, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if d.String() != s && !(s == "90s" && d.String() == "1m30s") {
			t.Errorf("Parse(%q).String() = %q", s, d.String())
		}
	}
}

func TestJSONAcceptsNumberAndString(t *testing.T) {
	var v struct {
		A Duration `json:"a"`
		B Duration `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a":3600,"b":"1h"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != v.B || v.A.Seconds() != 3600 {
		t.Errorf("a=%v b=%v, want both 1h", v.A, v.B)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"a":"1h","b":"1h"}` {
		t.Errorf("marshal = %s", out)
	}
}
