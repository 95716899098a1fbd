package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/syncd-dev/syncd/internal/safefile"
	"github.com/syncd-dev/syncd/internal/source"
)

// sourceFlags choose where the files come from: --dir (default), or a Git
// repository.
type sourceFlags struct {
	repo, ref               string
	username, passwordFile  string
	sshKey, knownHosts      string
	verifyKeyring, cacheDir string
}

func (s *sourceFlags) flags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&s.repo, "repo", os.Getenv("SYNCD_REPO"), "Git repository URL to read tenants/ and syncd.yaml from, instead of --dir ($SYNCD_REPO)")
	fl.StringVar(&s.ref, "ref", envOr("SYNCD_REF", "main"), "branch, tag or full commit hash of --repo ($SYNCD_REF)")
	fl.StringVar(&s.username, "git-username", envOr("SYNCD_GIT_USERNAME", "git"), "HTTPS user name ($SYNCD_GIT_USERNAME)")
	fl.StringVar(&s.passwordFile, "git-password-file", os.Getenv("SYNCD_GIT_PASSWORD_FILE"), "file holding the HTTPS password or token ($SYNCD_GIT_PASSWORD_FILE; or the token in $SYNCD_GIT_PASSWORD)")
	fl.StringVar(&s.sshKey, "git-ssh-key", os.Getenv("SYNCD_GIT_SSH_KEY"), "SSH private key file for an ssh:// or git@ URL ($SYNCD_GIT_SSH_KEY)")
	fl.StringVar(&s.knownHosts, "git-known-hosts", os.Getenv("SYNCD_GIT_KNOWN_HOSTS"), "known_hosts file the SSH host key must be in ($SYNCD_GIT_KNOWN_HOSTS)")
	fl.StringVar(&s.verifyKeyring, "git-verify-keyring", os.Getenv("SYNCD_GIT_VERIFY_KEYRING"), "armored OpenPGP public keyring: refuse a commit not signed by one of its keys ($SYNCD_GIT_VERIFY_KEYRING)")
	fl.StringVar(&s.cacheDir, "git-cache-dir", os.Getenv("SYNCD_GIT_CACHE_DIR"), "where checkouts are kept (default <user cache>/syncd/git)")
}

// build returns the source the flags describe; dir is --dir.
func (s *sourceFlags) build(dir string) (source.Source, error) {
	if s.repo == "" {
		return source.Dir{Path: dir}, nil
	}
	g := source.Git{URL: s.repo, Ref: s.ref, CacheDir: s.cacheDir}
	if g.CacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("--git-cache-dir is needed: %w", err)
		}
		g.CacheDir = filepath.Join(base, "syncd", "git")
	}
	var err error
	if g.Auth, err = s.auth(); err != nil {
		return nil, err
	}
	if s.verifyKeyring != "" {
		kr, err := safefile.Read(s.verifyKeyring, 1<<20, safefile.FollowLinks)
		if err != nil {
			return nil, fmt.Errorf("--git-verify-keyring: %w", err)
		}
		g.Keyring = string(kr)
	}
	return g, nil
}

func (s *sourceFlags) auth() (transport.AuthMethod, error) {
	if s.sshKey != "" {
		keys, err := gitssh.NewPublicKeysFromFile("git", s.sshKey, "")
		if err != nil {
			return nil, fmt.Errorf("--git-ssh-key %s: %w", s.sshKey, err)
		}
		if s.knownHosts == "" {
			return nil, fmt.Errorf("--git-ssh-key needs --git-known-hosts: the server's host key must be known")
		}
		if keys.HostKeyCallback, err = knownhosts.New(s.knownHosts); err != nil {
			return nil, fmt.Errorf("--git-known-hosts %s: %w", s.knownHosts, err)
		}
		return keys, nil
	}
	password := os.Getenv("SYNCD_GIT_PASSWORD")
	if s.passwordFile != "" {
		b, err := safefile.Read(s.passwordFile, secretFileMax, safefile.FollowLinks)
		if err != nil {
			return nil, fmt.Errorf("--git-password-file: %w", err)
		}
		password = strings.TrimSpace(string(b))
	}
	if password == "" {
		return nil, nil // anonymous
	}
	return &githttp.BasicAuth{Username: s.username, Password: password}, nil
}

// fetch reads the source and points the options at its snapshot.
func (o *options) fetch(ctx context.Context, s *sourceFlags) (source.Snapshot, error) {
	src, err := s.build(o.dir)
	if err != nil {
		return source.Snapshot{}, err
	}
	snap, err := src.Fetch(ctx)
	if err != nil {
		return snap, err
	}
	if s.repo != "" {
		o.dir = snap.Dir
		o.log.Info("fetched", "repo", s.repo, "ref", s.ref, "revision", snap.Revision, "signed_by", snap.SignedBy)
	}
	return snap, nil
}

// Bounds on the files the flags name: secrets (a password, a webhook
// secret) are short; a saved plan holds every change.
const (
	secretFileMax = 64 << 10
	planFileMax   = 1 << 30
)
