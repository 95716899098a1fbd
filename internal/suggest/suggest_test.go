package suggest

import "testing"

func TestClosest(t *testing.T) {
	fields := []string{"guard", "serviceAccount", "secrets", "databases", "namespace", "name"}
	tests := map[string]struct {
		name, want string
	}{
		"a transposition":        {name: "gaurd", want: "guard"},
		"a letter left out":      {name: "serviceAcount", want: "serviceAccount"},
		"case only":              {name: "ServiceAccount", want: "serviceAccount"},
		"a letter too many":      {name: "secretss", want: "secrets"},
		"nothing near":           {name: "bogus", want: ""},
		"short names stay exact": {name: "x", want: ""},
		"the nearest of two":     {name: "namespac", want: "namespace"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Closest(tc.name, fields); got != tc.want {
				t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}

func TestHint(t *testing.T) {
	if got, want := Hint("gaurd", []string{"guard"}), ` (did you mean "guard"?)`; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
	if got := Hint("guard", []string{"guard"}); got != "" {
		t.Errorf("Hint of a known name = %q", got)
	}
}
