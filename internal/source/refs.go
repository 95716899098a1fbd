package source

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// resolve names the one remote ref that ref means: a full name must be
// advertised as it is; a short name must be exactly one branch or one tag,
// so whoever can push a branch cannot shadow a tag pin (or the reverse).
func resolve(ref string, advertised []*plumbing.Reference) (plumbing.ReferenceName, error) {
	has := map[plumbing.ReferenceName]bool{}
	for _, r := range advertised {
		has[r.Name()] = true
	}
	if strings.HasPrefix(ref, "refs/") {
		if !has[plumbing.ReferenceName(ref)] {
			return "", fmt.Errorf("the server has no ref %s", ref)
		}
		return plumbing.ReferenceName(ref), nil
	}
	branch, tag := plumbing.NewBranchReferenceName(ref), plumbing.NewTagReferenceName(ref)
	switch {
	case has[branch] && has[tag]:
		return "", fmt.Errorf("%q is both a branch and a tag: name one in full (--ref %s or --ref %s)", ref, branch, tag)
	case has[branch]:
		return branch, nil
	case has[tag]:
		return tag, nil
	}
	return "", fmt.Errorf("no branch or tag %q", ref)
}
