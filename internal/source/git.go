package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
)

// Git is a branch, tag or commit of a remote repository, checked out into a
// cache directory (shallow where the ref allows it).
type Git struct {
	URL string
	// Ref is a branch, a tag or a full commit hash.
	Ref string
	// CacheDir holds one checkout per repository URL.
	CacheDir string
	// Auth is HTTP basic auth (a password or a token) or an SSH key; nil
	// for an anonymous remote.
	Auth transport.AuthMethod
	// CABundle trusts more certificate authorities for HTTPS.
	CABundle []byte
	// Keyring, when set, is an armored OpenPGP public keyring: the commit
	// fetched must carry a signature by one of its keys.
	Keyring string
}

var fullHash = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Fetch brings the checkout to the ref's current commit.
func (g Git) Fetch(ctx context.Context) (Snapshot, error) {
	dir := filepath.Join(g.CacheDir, cacheKey(g.URL))
	repo, err := g.open(dir)
	if err != nil {
		return Snapshot{}, fmt.Errorf("git %s: %w", g.URL, err)
	}
	hash, err := g.fetch(ctx, repo)
	if err != nil {
		return Snapshot{}, fmt.Errorf("git %s %s: %w", g.URL, g.Ref, err)
	}
	commit, err := repo.CommitObject(hash)
	if err != nil {
		return Snapshot{}, fmt.Errorf("git %s %s: commit %s: %w", g.URL, g.Ref, hash, err)
	}
	var signer string
	if g.Keyring != "" {
		if signer, err = verify(commit, g.Keyring); err != nil {
			return Snapshot{}, fmt.Errorf("git %s %s: commit %s refused: %w", g.URL, g.Ref, hash, err)
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		return Snapshot{}, err
	}
	if err := wt.Checkout(&git.CheckoutOptions{Hash: hash, Force: true}); err != nil {
		return Snapshot{}, fmt.Errorf("git %s: checking out %s: %w", g.URL, hash, err)
	}
	return Snapshot{Dir: dir, Revision: hash.String(), SignedBy: signer}, nil
}

// open opens the cached checkout, or starts one.
func (g Git) open(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		if repo, err = git.PlainInit(dir, false); err != nil {
			return nil, err
		}
		_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{g.URL}})
	}
	return repo, err
}

// fetch fetches the ref and returns its commit: a branch or tag shallowly,
// a commit hash with its history (a server need not serve one commit alone).
func (g Git) fetch(ctx context.Context, repo *git.Repository) (plumbing.Hash, error) {
	opts := func(specs ...config.RefSpec) *git.FetchOptions {
		return &git.FetchOptions{RemoteName: "origin", RefSpecs: specs, Auth: g.Auth, CABundle: g.CABundle, Force: true, Tags: git.NoTags}
	}
	if fullHash.MatchString(g.Ref) {
		err := repo.FetchContext(ctx, opts("+refs/heads/*:refs/remotes/origin/*"))
		if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
			return plumbing.ZeroHash, err
		}
		return plumbing.NewHash(g.Ref), nil
	}
	local := plumbing.ReferenceName("refs/syncd/" + g.Ref)
	for _, remote := range []string{"refs/heads/" + g.Ref, "refs/tags/" + g.Ref} {
		o := opts(config.RefSpec("+" + remote + ":" + local.String()))
		o.Depth = 1
		err := repo.FetchContext(ctx, o)
		var noMatch git.NoMatchingRefSpecError
		switch {
		case errors.As(err, &noMatch):
			continue
		case err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate):
			return plumbing.ZeroHash, err
		}
		ref, err := repo.Reference(local, true)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if tag, err := repo.TagObject(ref.Hash()); err == nil { // an annotated tag
			c, err := tag.Commit()
			if err != nil {
				return plumbing.ZeroHash, err
			}
			return c.Hash, nil
		}
		return ref.Hash(), nil
	}
	return plumbing.ZeroHash, fmt.Errorf("no branch or tag %q", g.Ref)
}

// cacheKey names a repository's checkout directory.
func cacheKey(url string) string {
	sum := sha256.Sum256([]byte(url))
	base := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(url, "-"), "-")
	if len(base) > 40 {
		base = base[len(base)-40:]
	}
	return base + "-" + hex.EncodeToString(sum[:])[:8]
}
