package source

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// memHistory is a History in memory.
type memHistory struct{ last string }

func (m *memHistory) Last(context.Context) (string, error)       { return m.last, nil }
func (m *memHistory) Record(_ context.Context, rev string) error { m.last = rev; return nil }

func TestRefsResolveUnambiguously(t *testing.T) {
	u := newUpstream(t)
	onBranch := u.commit(map[string]string{"syncd.yaml": "branch\n"}, nil)
	tagged := u.commit(map[string]string{"syncd.yaml": "tag\n"}, nil)
	_, err := u.repo.CreateTag("release", tagged, nil)
	must(t, err)
	must(t, u.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/release", onBranch)))
	_, err = u.repo.CreateTag("v1", tagged, nil)
	must(t, err)
	tests := map[string]struct {
		ref  string
		want plumbing.Hash
		err  string
	}{
		"a short name that is a branch and a tag": {ref: "release", err: `"release" is both a branch and a tag: name one in full (--ref refs/heads/release or --ref refs/tags/release)`},
		"the branch named in full":                {ref: "refs/heads/release", want: onBranch},
		"the tag named in full":                   {ref: "refs/tags/release", want: tagged},
		"a short name that is only a tag":         {ref: "v1", want: tagged},
		"a full name the server does not have":    {ref: "refs/heads/v1", err: "the server has no ref refs/heads/v1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			snap, err := u.source(t, tc.ref, "s3cret-token").Fetch(context.Background())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ...%s...", err, tc.err)
				}
				return
			}
			must(t, err)
			if snap.Revision != tc.want.String() {
				t.Errorf("revision %s, want %s", snap.Revision, tc.want)
			}
		})
	}
}

// A signed older commit, served after a newer one was applied, is refused
// with both hashes; a descendant is accepted; --git-accept-revision lets
// exactly the named commit through.
func TestFetchRefusesACommitThatDoesNotDescendFromTheLastApplied(t *testing.T) {
	trusted := newKey(t, "Platform Team <platform@example.test>")
	u := newUpstream(t)
	ctx := context.Background()
	old := u.commit(map[string]string{"tenants/shop.yaml": "v1\n"}, trusted)
	applied := u.commit(map[string]string{"tenants/shop.yaml": ""}, trusted) // shop off-boarded
	hist := &memHistory{last: applied.String()}
	src := u.source(t, "master", "s3cret-token")
	src.Keyring, src.History = armored(t, trusted), hist

	snap, err := src.Fetch(ctx)
	must(t, err)
	if snap.Revision != applied.String() {
		t.Fatalf("revision %s, want %s", snap.Revision, applied)
	}
	next := u.commit(map[string]string{"tenants/blog.yaml": "b\n"}, trusted)
	if snap, err = src.Fetch(ctx); err != nil || snap.Revision != next.String() {
		t.Fatalf("a descendant: %+v, %v", snap, err)
	}
	hist.last = next.String()

	// The server (or a force-push) serves the older, signed commit again.
	must(t, u.repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/master", old)))
	_, err = src.Fetch(ctx)
	if !errors.Is(err, ErrNotDescendant) || !strings.Contains(err.Error(), old.String()) || !strings.Contains(err.Error(), next.String()) {
		t.Fatalf("err = %v, want a refusal naming %s and %s", err, old, next)
	}
	if read(t, snap.Dir, "tenants/blog.yaml") != "b\n" {
		t.Error("the refused commit was checked out")
	}
	t.Run("accepted by name", func(t *testing.T) {
		accept := src
		accept.Accept = old.String()
		snap, err := accept.Fetch(ctx)
		if err != nil || snap.Revision != old.String() {
			t.Fatalf("with Accept: %+v, %v", snap, err)
		}
	})
	t.Run("a fresh checkout refuses it too", func(t *testing.T) {
		fresh := src
		fresh.CacheDir = t.TempDir()
		if _, err := fresh.Fetch(ctx); !errors.Is(err, ErrNotDescendant) {
			t.Fatalf("err = %v", err)
		}
	})
}

// A server that accepts the connection and never answers fails the fetch
// after the timeout instead of stopping the loop.
func TestFetchTimesOutOnASilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never answered
		}
	}()
	src := Git{URL: "http://" + ln.Addr().String() + "/x.git", Ref: "main", CacheDir: t.TempDir(), Timeout: 200 * time.Millisecond}
	done := make(chan error, 1)
	go func() { _, err := src.Fetch(context.Background()); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "took longer than 200ms") {
			t.Fatalf("err = %v, want a timeout", err)
		}
	case <-time.After(time.Minute): // a hang: far beyond the timeout
		t.Fatal("Fetch did not return")
	}
}

// A repository larger than the size limit fails the fetch, whatever the
// transport.
func TestFetchStopsAtTheSizeLimit(t *testing.T) {
	u := newUpstream(t)
	big := make([]byte, 4<<20)
	for i := range big {
		big[i] = byte(i*7919 + i>>8) // incompressible enough
	}
	u.commit(map[string]string{"blob.bin": string(big)}, nil)
	src := u.source(t, "master", "s3cret-token")
	src.MaxBytes = 1 << 20
	if _, err := src.Fetch(context.Background()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	src.MaxBytes, src.CacheDir = 64<<20, t.TempDir()
	if _, err := src.Fetch(context.Background()); err != nil {
		t.Fatalf("within the limit: %v", err)
	}
}

// What a server answers reaches an error bounded, on one line and without
// credentials; the checkout directory's name carries none either.
func TestRemoteTextIsSanitised(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"userinfo in a URL":  {in: "GET https://deploy:TOKEN@git.example/x.git: 404", want: "GET https://git.example/x.git: 404"},
		"a token as user":    {in: "see http://TOKEN@h/x", want: "see http://h/x"},
		"lines and controls": {in: "<html>\n<body>\x1b[31mNot Found</body>", want: "<html> <body>[31mNot Found</body>"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := sanitize(tc.in); got != tc.want {
				t.Errorf("sanitize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := sanitize(strings.Repeat("x", 10000)); len(got) > maxRemoteText+32 {
		t.Errorf("a long answer kept %d bytes", len(got))
	}
	if key := cacheKey("https://deploy:TOKEN@git.example/x.git"); strings.Contains(key, "TOKEN") || strings.Contains(key, "deploy") {
		t.Errorf("cache key %q carries credentials", key)
	}
	if Redact("https://deploy:TOKEN@git.example/x.git") != "https://git.example/x.git" {
		t.Error("Redact kept the user information")
	}
}
