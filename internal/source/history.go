package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// History records the last revision applied, where it survives restarts,
// so that a server (or a force-push) cannot serve an older commit — a
// signed one included — and undo what was applied since.
type History interface {
	// Last is the revision last recorded ("" when none is).
	Last(ctx context.Context) (string, error)
	// Record records revision as applied.
	Record(ctx context.Context, revision string) error
}

// ErrNotDescendant refuses a commit whose history does not hold the last
// revision applied.
var ErrNotDescendant = errors.New("does not descend from the last revision applied")

// descends proves that last is commit or one of its ancestors.
func descends(repo *git.Repository, commit *object.Commit, last string) error {
	if commit.Hash.String() == last {
		return nil
	}
	refuse := func(why string) error {
		return fmt.Errorf("commit %s %w, %s (%s): a rollback, a rewritten history or a server serving an old commit; push a commit on top of it (a revert), or accept this one commit with --git-accept-revision %s",
			commit.Hash, ErrNotDescendant, last, why, commit.Hash)
	}
	base, err := repo.CommitObject(plumbing.NewHash(last))
	if err != nil {
		return refuse("it is not in the fetched history")
	}
	ok, err := base.IsAncestor(commit)
	if err != nil {
		return refuse(err.Error())
	}
	if !ok {
		return refuse("it is not an ancestor")
	}
	return nil
}
