// Package suggest finds the name a person most likely meant: a misspelled
// field, tenant or flag value, by edit distance.
package suggest

import (
	"strings"

	"github.com/agext/levenshtein"
)

// Closest returns the candidate nearest to name, or "" when none is near:
// within a third of name's length in edits (at least 2, so that a
// transposition counts, at most 3), case ignored, ties to the first in
// sorted order. A candidate equal to name
// but for case always wins.
func Closest(name string, candidates []string) string {
	lower := strings.ToLower(name)
	limit := min(max(len(name)/3, 2), 3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		d := levenshtein.Distance(lower, strings.ToLower(c), nil)
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if bestD > limit {
		return ""
	}
	return best
}

// Hint is Closest as an error message's tail: ` (did you mean "x"?)`, or "".
func Hint(name string, candidates []string) string {
	if c := Closest(name, candidates); c != "" && c != name {
		return ` (did you mean "` + c + `"?)`
	}
	return ""
}
