package source

import (
	"bytes"
	"context"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// upstream is a repository served over smart HTTP by git's own
// http-backend, behind TLS and basic auth, on loopback.
type upstream struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	srv  *httptest.Server
	url  string
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	backend, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git is needed for its http-backend: %v", err)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "platform")
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	cgiHandler := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(backend)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "syncd" || p != "s3cret-token" {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		cgiHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &upstream{t: t, dir: dir, repo: repo, srv: srv, url: srv.URL + "/platform/.git"}
}

// commit writes files and commits them, signed by key when not nil.
func (u *upstream) commit(files map[string]string, key *openpgp.Entity) plumbing.Hash {
	u.t.Helper()
	wt, err := u.repo.Worktree()
	if err != nil {
		u.t.Fatal(err)
	}
	for name, body := range files {
		p := filepath.Join(u.dir, name)
		if body == "" {
			_, _ = wt.Remove(name)
			continue
		}
		must(u.t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(u.t, os.WriteFile(p, []byte(body), 0o644))
		_, err := wt.Add(name)
		must(u.t, err)
	}
	h, err := wt.Commit("change", &git.CommitOptions{
		Author:  &object.Signature{Name: "t", Email: "t@example.test", When: time.Now()},
		SignKey: key,
	})
	must(u.t, err)
	return h
}

func (u *upstream) source(t *testing.T, ref, password string) Git {
	pool := u.srv.Certificate()
	var ca bytes.Buffer
	must(t, pemEncode(&ca, pool.Raw))
	return Git{URL: u.url, Ref: ref, CacheDir: t.TempDir(), CABundle: ca.Bytes(),
		Auth: &githttp.BasicAuth{Username: "syncd", Password: password}}
}

func TestGitOverHTTPS(t *testing.T) {
	u := newUpstream(t)
	first := u.commit(map[string]string{"tenants/shop.yaml": "v1\n", "syncd.yaml": "cfg\n"}, nil)
	src := u.source(t, "master", "s3cret-token")
	ctx := context.Background()

	snap, err := src.Fetch(ctx)
	must(t, err)
	if snap.Revision != first.String() || read(t, snap.Dir, "tenants/shop.yaml") != "v1\n" {
		t.Fatalf("first fetch: %+v", snap)
	}
	second := u.commit(map[string]string{"tenants/shop.yaml": "v2\n", "tenants/blog.yaml": "b\n"}, nil)
	snap, err = src.Fetch(ctx)
	must(t, err)
	if snap.Revision != second.String() || read(t, snap.Dir, "tenants/shop.yaml") != "v2\n" || read(t, snap.Dir, "tenants/blog.yaml") != "b\n" {
		t.Fatalf("second fetch: %+v", snap)
	}
	u.commit(map[string]string{"tenants/blog.yaml": ""}, nil) // removed upstream
	snap, err = src.Fetch(ctx)
	must(t, err)
	if _, err := os.Stat(filepath.Join(snap.Dir, "tenants/blog.yaml")); !os.IsNotExist(err) {
		t.Errorf("a file removed upstream is still checked out: %v", err)
	}

	t.Run("a wrong password is a clear error and changes nothing", func(t *testing.T) {
		bad := src
		bad.Auth = &githttp.BasicAuth{Username: "syncd", Password: "wrong"}
		before := read(t, snap.Dir, "tenants/shop.yaml")
		u.commit(map[string]string{"tenants/shop.yaml": "v3\n"}, nil)
		_, err := bad.Fetch(ctx)
		if err == nil || !strings.Contains(err.Error(), "authentication required") || !strings.Contains(err.Error(), u.url) {
			t.Fatalf("err = %v, want an authentication error naming the repository", err)
		}
		if got := read(t, snap.Dir, "tenants/shop.yaml"); got != before {
			t.Errorf("checkout changed to %q", got)
		}
	})
	t.Run("a tag and a commit hash", func(t *testing.T) {
		_, err := u.repo.CreateTag("v1.0", first, nil)
		must(t, err)
		for ref, want := range map[string]plumbing.Hash{"v1.0": first, first.String(): first} {
			snap, err := u.source(t, ref, "s3cret-token").Fetch(ctx)
			must(t, err)
			if snap.Revision != want.String() || read(t, snap.Dir, "tenants/shop.yaml") != "v1\n" {
				t.Errorf("ref %s: %+v", ref, snap)
			}
		}
	})
	t.Run("an unknown ref", func(t *testing.T) {
		_, err := u.source(t, "no-such-branch", "s3cret-token").Fetch(ctx)
		if err == nil || !strings.Contains(err.Error(), `no branch or tag "no-such-branch"`) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSignedCommits(t *testing.T) {
	trusted := newKey(t, "Platform Team <platform@example.test>")
	stranger := newKey(t, "Someone Else <else@example.test>")
	keyring := armored(t, trusted)
	u := newUpstream(t)
	ctx := context.Background()
	tests := map[string]struct {
		key  *openpgp.Entity
		err  string
		name string
	}{
		"unsigned head refused":            {key: nil, err: "it is not signed"},
		"signed by an unknown key refused": {key: stranger, err: "does not verify against the keyring"},
		"signed by a trusted key accepted": {key: trusted, name: "Platform Team <platform@example.test> (key " + trusted.PrimaryKey.KeyIdString() + ")"},
	}
	for _, name := range []string{"unsigned head refused", "signed by an unknown key refused", "signed by a trusted key accepted"} {
		tc := tests[name]
		t.Run(name, func(t *testing.T) {
			h := u.commit(map[string]string{"tenants/shop.yaml": name + "\n"}, tc.key)
			src := u.source(t, "master", "s3cret-token")
			src.Keyring = keyring
			snap, err := src.Fetch(ctx)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), h.String()) {
					t.Fatalf("err = %v, want ...%s... naming %s", err, tc.err, h)
				}
				return
			}
			must(t, err)
			if snap.SignedBy != tc.name || snap.Revision != h.String() {
				t.Errorf("snapshot %+v, want signed by %q", snap, tc.name)
			}
		})
	}
}

func TestDirWatchDebounces(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Mkdir(filepath.Join(dir, "tenants"), 0o755))
	d := Dir{Path: dir}
	before, err := d.Fetch(context.Background())
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := d.Watch(ctx, 200*time.Millisecond)
	must(t, err)
	for i := range 5 { // a burst of writes
		must(t, os.WriteFile(filepath.Join(dir, "tenants", "shop.yaml"), []byte{byte('a' + i)}, 0o644))
	}
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("no signal for the burst")
	}
	select {
	case <-ch:
		t.Error("one burst gave two signals")
	case <-time.After(600 * time.Millisecond):
	}
	after, err := d.Fetch(context.Background())
	must(t, err)
	if after.Revision == before.Revision || !strings.HasPrefix(after.Revision, "dir:") {
		t.Errorf("revision %q -> %q", before.Revision, after.Revision)
	}
}

func newKey(t *testing.T, id string) *openpgp.Entity {
	t.Helper()
	name, email, _ := strings.Cut(strings.TrimSuffix(id, ">"), " <")
	e, err := openpgp.NewEntity(name, "", email, nil)
	must(t, err)
	return e
}

func armored(t *testing.T, e *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	must(t, err)
	must(t, e.Serialize(w))
	must(t, w.Close())
	return b.String()
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return string(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A directory source names its files as the loader reads them: a FIFO or a
// symlink to /dev/zero in it neither blocks nor exhausts memory.
func TestDirFetchNeverBlocksOrReadsWithoutBound(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "tenants"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "tenants", "pipe.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "syncd.yaml")); err != nil {
		t.Fatal(err)
	}
	snap, err := Dir{Path: dir}.Fetch(context.Background())
	if err != nil || !strings.HasPrefix(snap.Revision, "dir:") {
		t.Fatalf("Fetch = %+v, %v", snap, err)
	}
}
