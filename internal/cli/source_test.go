package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/google/go-cmp/cmp"
)

// The credentials in a --repo URL go to the transport only: the server's
// answer (which echoes the URL), the error, the log and the checkout's
// name never carry them.
func TestRepoCredentialsNeverShow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, "<html>\n<h1>Not Found</h1> http://deploy:TOKEN@%s%s %s</html>", r.Host, r.URL.Path, strings.Repeat("x", 4000))
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	cache := t.TempDir()
	dir := repoWith(t, map[string]string{})
	code, stdout, stderr := run(t, "plan", "--dir", dir, "--repo", "http://deploy:TOKEN@"+u.Host+"/x.git", "--git-cache-dir", cache)
	if code == 0 {
		t.Fatalf("plan against a 404 succeeded")
	}
	if out := stdout + stderr; strings.Contains(out, "TOKEN") || strings.Contains(out, "deploy:") || len(out) > 2000 {
		t.Errorf("output carries the credentials or the whole answer (%d bytes): %q", len(out), out)
	}
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if strings.Contains(e.Name(), "TOKEN") || strings.Contains(e.Name(), "deploy") {
			t.Errorf("checkout directory %q carries the credentials", e.Name())
		}
		cfg, _ := os.ReadFile(filepath.Join(cache, e.Name(), ".git", "config"))
		if strings.Contains(string(cfg), "TOKEN") {
			t.Errorf("the checkout's .git/config carries the token")
		}
	}
}

func TestSplitUserinfo(t *testing.T) {
	tests := map[string]struct {
		in, url  string
		user     string
		password string
	}{
		"user and password":  {in: "https://deploy:s3cret@git.example/x.git", url: "https://git.example/x.git", user: "deploy", password: "s3cret"},
		"a token as user":    {in: "https://TOKEN@git.example/x.git", url: "https://git.example/x.git", user: "git", password: "TOKEN"},
		"no credentials":     {in: "https://git.example/x.git", url: "https://git.example/x.git"},
		"ssh keeps its user": {in: "ssh://git@git.example/x.git", url: "ssh://git@git.example/x.git"},
		"scp-like":           {in: "git@git.example:x.git", url: "git@git.example:x.git"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := &sourceFlags{username: "git"}
			got, info := splitUserinfo(tc.in)
			if got != tc.url {
				t.Fatalf("splitUserinfo(%q) = %q; want %q", tc.in, got, tc.url)
			}
			auth, err := s.auth(info)
			if err != nil {
				t.Fatal(err)
			}
			var user, password string
			if b, ok := auth.(*githttp.BasicAuth); ok {
				user, password = b.Username, b.Password
			}
			if diff := cmp.Diff([2]string{tc.user, tc.password}, [2]string{user, password}); diff != "" {
				t.Errorf("auth (-want +got):\n%s", diff)
			}
		})
	}
}

// run from Git refuses to start without a keyring unless told it is
// development; a named kubeconfig that does not load is an error even in
// a pod, never the in-cluster config.
func TestRunRefusesAnUnverifiedSource(t *testing.T) {
	dir := repoWith(t, map[string]string{})
	code, _, stderr := run(t, "run", "--dir", dir, "--repo", "https://git.example/x.git", "--once")
	if code == 0 || !strings.Contains(stderr, "--repo without --git-verify-keyring") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	t.Setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1") // as in a pod
	t.Setenv("KUBERNETES_SERVICE_PORT", "1")
	code, _, stderr = run(t, "run", "--dir", dir, "--repo", "https://git.example/x.git", "--once", "--git-allow-unsigned",
		"--kubeconfig", filepath.Join(t.TempDir(), "typo"))
	if code == 0 || !strings.Contains(stderr, "the in-cluster service account is not tried") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
