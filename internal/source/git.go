package source

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Git is a branch, tag or commit of a remote repository, checked out into a
// cache directory.
type Git struct {
	// URL names the repository; it carries no credentials (Auth does).
	URL string
	// Ref is a full ref name (refs/heads/main, refs/tags/v1), a short
	// name that is exactly one branch or one tag, or a full commit hash.
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
	// History, when set, holds the last revision applied: a fetched
	// commit must descend from it (full history is fetched to prove it),
	// unless it is Accept.
	History History
	Accept  string
	// Timeout bounds one fetch (DefaultTimeout when zero); MaxBytes the
	// bytes one fetch and checkout may write (DefaultMaxBytes when zero).
	Timeout  time.Duration
	MaxBytes int64
}

// Bounds on one fetch: a server that never answers, or answers without
// end, fails the fetch instead of stopping the loop or filling the disk.
const (
	DefaultTimeout  = 2 * time.Minute
	DefaultMaxBytes = 512 << 20
)

var fullHash = regexp.MustCompile(`^[0-9a-f]{40}$`)

// IsCommitHash reports whether ref is a full commit hash.
func IsCommitHash(ref string) bool { return fullHash.MatchString(ref) }

// Fetch brings the checkout to the ref's current commit.
func (g Git) Fetch(ctx context.Context) (Snapshot, error) {
	timeout := cmp.Or(g.Timeout, DefaultTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	snap, err := g.fetchCommit(ctx)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (the fetch took longer than %s)", err, timeout)
	}
	if err != nil {
		return Snapshot{}, fmt.Errorf("git %s %s: %w", Redact(g.URL), g.Ref, remoteError{err})
	}
	return snap, nil
}

func (g Git) fetchCommit(ctx context.Context) (Snapshot, error) {
	dir := filepath.Join(g.CacheDir, cacheKey(g.URL))
	budget := &budget{max: cmp.Or(g.MaxBytes, DefaultMaxBytes)}
	repo, err := g.open(dir, budget)
	if err != nil {
		return Snapshot{}, err
	}
	last := ""
	if g.History != nil {
		if last, err = g.History.Last(ctx); err != nil {
			return Snapshot{}, fmt.Errorf("reading the last revision applied: %w", err)
		}
	}
	hash, err := g.fetch(ctx, repo, last != "")
	if err != nil {
		return Snapshot{}, err
	}
	commit, err := repo.CommitObject(hash)
	if err != nil {
		return Snapshot{}, fmt.Errorf("commit %s: %w", hash, err)
	}
	var signer string
	if g.Keyring != "" {
		if signer, err = verify(commit, g.Keyring); err != nil {
			return Snapshot{}, fmt.Errorf("commit %s refused: %w", hash, err)
		}
	}
	if last != "" && hash.String() != g.Accept {
		if err := descends(repo, commit, last); err != nil {
			return Snapshot{}, err
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		return Snapshot{}, err
	}
	if err := wt.Checkout(&git.CheckoutOptions{Hash: hash, Force: true}); err != nil {
		return Snapshot{}, fmt.Errorf("checking out %s: %w", hash, err)
	}
	return Snapshot{Dir: dir, Revision: hash.String(), SignedBy: signer}, nil
}

// open opens the cached checkout, or starts one, writing through budget.
// A shallow checkout is started again when the history is needed.
func (g Git) open(dir string, b *budget) (*git.Repository, error) {
	fs := func() (*git.Repository, error) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		wt := capped{osfs.New(dir), b}
		dot, err := wt.Chroot(git.GitDirName)
		if err != nil {
			return nil, err
		}
		st := filesystem.NewStorage(dot, cache.NewObjectLRUDefault())
		repo, err := git.Open(st, wt)
		if errors.Is(err, git.ErrRepositoryNotExists) {
			if repo, err = git.Init(st, wt); err == nil {
				_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{g.URL}})
			}
		}
		return repo, err
	}
	repo, err := fs()
	if err != nil || g.History == nil {
		return repo, err
	}
	if shallow, err := repo.Storer.Shallow(); err != nil || len(shallow) > 0 {
		if err := os.RemoveAll(dir); err != nil {
			return nil, err
		}
		return fs()
	}
	return repo, nil
}

// fetch fetches the ref and returns its commit: shallowly unless deep
// (the history is needed) or the ref is a commit hash (a server need not
// serve one commit alone).
func (g Git) fetch(ctx context.Context, repo *git.Repository, deep bool) (plumbing.Hash, error) {
	opts := func(spec string) *git.FetchOptions {
		return &git.FetchOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{config.RefSpec(spec)},
			Auth: g.Auth, CABundle: g.CABundle, Force: true, Tags: git.NoTags}
	}
	if fullHash.MatchString(g.Ref) {
		err := repo.FetchContext(ctx, opts("+refs/heads/*:refs/remotes/origin/*"))
		if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
			return plumbing.ZeroHash, err
		}
		return plumbing.NewHash(g.Ref), nil
	}
	remote, err := repo.Remote("origin")
	if err != nil {
		return plumbing.ZeroHash, err
	}
	refs, err := remote.ListContext(ctx, &git.ListOptions{Auth: g.Auth, CABundle: g.CABundle})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	name, err := resolve(g.Ref, refs)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	local := plumbing.ReferenceName("refs/syncd/" + strings.TrimPrefix(name.String(), "refs/"))
	o := opts("+" + name.String() + ":" + local.String())
	if !deep {
		o.Depth = 1
	}
	if err := repo.FetchContext(ctx, o); err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
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

// cacheKey names a repository's checkout directory.
func cacheKey(url string) string {
	url = Redact(url)
	sum := sha256.Sum256([]byte(url))
	base := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(url, "-"), "-")
	if len(base) > 40 {
		base = base[len(base)-40:]
	}
	return base + "-" + hex.EncodeToString(sum[:])[:8]
}
