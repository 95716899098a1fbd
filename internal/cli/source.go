package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh/knownhosts"
	"k8s.io/client-go/kubernetes"

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
	acceptRevision          string
	timeout                 time.Duration
	maxSize                 int64
	// history, set by the commands that apply (apply, run), is the
	// ConfigMap ("namespace/name") of the last revision applied.
	history string
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
	fl.DurationVar(&s.timeout, "git-timeout", source.DefaultTimeout, "longest one fetch may take")
	fl.Int64Var(&s.maxSize, "git-max-bytes", source.DefaultMaxBytes, "most bytes one fetch and checkout may write")
}

// historyFlags are the flags of the commands that record what they apply.
func (s *sourceFlags) historyFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&s.history, "git-history", envOr("SYNCD_GIT_HISTORY", envOr("POD_NAMESPACE", "syncd")+"/syncd-revision"),
		"ConfigMap (namespace/name) recording the last revision applied from --repo: a commit that does not descend from it is refused ($SYNCD_GIT_HISTORY)")
	fl.StringVar(&s.acceptRevision, "git-accept-revision", os.Getenv("SYNCD_GIT_ACCEPT_REVISION"),
		"full hash of one commit to accept although it does not descend from the last revision applied (an intended rollback) ($SYNCD_GIT_ACCEPT_REVISION)")
}

// build returns the source the flags describe; dir is --dir. kube, when
// set, is the client of the revision history (the commands that apply).
func (s *sourceFlags) build(dir string, kube kubernetes.Interface) (source.Source, error) {
	if s.repo == "" {
		return source.Dir{Path: dir}, nil
	}
	repoURL, userinfo := splitUserinfo(s.repo)
	g := source.Git{URL: repoURL, Ref: s.ref, CacheDir: s.cacheDir, Timeout: s.timeout, MaxBytes: s.maxSize, Accept: s.acceptRevision}
	if s.acceptRevision != "" && !source.IsCommitHash(s.acceptRevision) {
		return nil, fmt.Errorf("--git-accept-revision must be a full commit hash, got %q", s.acceptRevision)
	}
	if kube != nil && s.history != "" {
		ns, name, ok := strings.Cut(s.history, "/")
		if !ok || ns == "" || name == "" {
			return nil, fmt.Errorf("--git-history must be namespace/name, got %q", s.history)
		}
		g.History = source.ConfigMapHistory{Client: kube, Namespace: ns, Name: name, Repository: repoURL, Ref: s.ref}
	}
	if g.CacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("--git-cache-dir is needed: %w", err)
		}
		g.CacheDir = filepath.Join(base, "syncd", "git")
	}
	auth, err := s.auth(userinfo)
	if err != nil {
		return nil, err
	}
	g.Auth = auth
	if s.verifyKeyring != "" {
		kr, err := safefile.Read(s.verifyKeyring, keyringFileMax, safefile.FollowLinks)
		if err != nil {
			return nil, fmt.Errorf("--git-verify-keyring: %w", err)
		}
		g.Keyring = string(kr)
	}
	return g, nil
}

// splitUserinfo takes the user information out of a repository URL: the
// URL is logged, shown and names the checkout, the credentials go to the
// transport only.
func splitUserinfo(raw string) (string, *url.Userinfo) {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil || u.Scheme == "" {
		return raw, nil // scp-like git@host:path carries no password
	}
	user := u.User
	u.User = nil
	if u.Scheme == "ssh" {
		u.User = url.User(user.Username()) // the SSH user name is not a secret
		return u.String(), nil
	}
	return u.String(), user
}

// auth builds the transport's credentials: an SSH key, or HTTP basic auth
// from --git-password-file, $SYNCD_GIT_PASSWORD or the URL's user
// information (taken out of the URL).
func (s *sourceFlags) auth(userinfo *url.Userinfo) (transport.AuthMethod, error) {
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
	username, password := s.username, os.Getenv("SYNCD_GIT_PASSWORD")
	if userinfo != nil {
		if p, ok := userinfo.Password(); ok {
			username, password = userinfo.Username(), p
		} else {
			password = userinfo.Username() // https://TOKEN@host: a token as the user name
		}
	}
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
	return &githttp.BasicAuth{Username: username, Password: password}, nil
}

// fetch reads the source and points the options at its snapshot; kube is
// the history's client (nil: no history).
func (o *options) fetch(ctx context.Context, s *sourceFlags, kube kubernetes.Interface) (source.Snapshot, error) {
	src, err := o.buildSource(s, kube)
	if err != nil {
		return source.Snapshot{}, err
	}
	snap, err := src.Fetch(ctx)
	if err != nil {
		return snap, err
	}
	o.fetched = snap
	g, isGit := src.(source.Git)
	if !isGit {
		return snap, nil
	}
	o.dir, o.history = snap.Dir, g.History
	o.log.Info("fetched", "repo", g.URL, "ref", s.ref, "revision", snap.Revision, "signed_by", snap.SignedBy)
	return snap, nil
}

// buildSource is s.build, refusing credentials over plain HTTP.
func (o *options) buildSource(s *sourceFlags, kube kubernetes.Interface) (source.Source, error) {
	src, err := s.build(o.dir, kube)
	if err != nil {
		return nil, err
	}
	if g, ok := src.(source.Git); ok && g.Auth != nil {
		if err := o.plainHTTP("--repo", g.URL); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// record records the fetched revision as applied, where the command keeps
// a history.
func (o *options) record(ctx context.Context) error {
	if o.history == nil {
		return nil
	}
	return o.history.Record(ctx, o.fetched.Revision)
}

// Bounds on the files the flags name: secrets (a password, a webhook
// secret) are short; a saved plan holds every change.
const (
	secretFileMax  = 64 << 10
	keyringFileMax = 1 << 20
	planFileMax    = 1 << 30
)
