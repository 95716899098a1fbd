package testbed

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// InCI reports whether CI=true: there, a missing component fails the tests.
func InCI() bool { return os.Getenv("CI") == "true" }

// unavailable is why the shared bed is nil, for Require's message.
var unavailable error

// Run is TestMain's body for an integration test package: it starts one bed
// shared by the package's tests, runs them, and stops the bed. When components
// are missing it fails in CI and lets the tests skip elsewhere.
func Run(m *testing.M, bed **Bed) int {
	if !flag.Parsed() {
		flag.Parse() // m.Run would; testing.Verbose needs it now
	}
	os.Setenv(AllowInsecureHTTP, "true") // the bed's Vault is plain HTTP on loopback
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	b, err := Start(ctx, Options{Logf: func(f string, a ...any) {
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "testbed: "+f+"\n", a...)
		}
	}})
	cancel()
	var missing *ErrMissing
	switch {
	case err == nil:
		*bed = b
		defer b.Cleanup()
	case errors.As(err, &missing) && !InCI():
		unavailable = err
	default:
		fmt.Fprintf(os.Stderr, "testbed: %v\n", err)
		return 1
	}
	return m.Run()
}

// Require skips (outside CI) or fails (in CI) a test that needs the bed.
func Require(t testing.TB, b *Bed) {
	t.Helper()
	if b != nil {
		return
	}
	if InCI() {
		t.Fatalf("test bed unavailable in CI: %v", unavailable)
	}
	t.Skipf("skipping integration test: %v", unavailable)
}

// Promtool returns the cached promtool (hack/testbed/build.sh promtool),
// or skips (outside CI) or fails (in CI) the test without it.
func Promtool(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	v, err := readVersions(root)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(CacheDir(), "bin", "promtool-"+v["PROMETHEUS_VERSION"])
	if _, err := os.Stat(path); err != nil {
		if InCI() {
			t.Fatalf("promtool missing in CI: %v (make testbed builds it)", err)
		}
		t.Skipf("promtool missing: %v (make testbed builds it)", err)
	}
	return path
}
