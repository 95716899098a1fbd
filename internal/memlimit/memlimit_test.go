package memlimit

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestLimitReadsTheCgroup(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  int64
		ok    bool
	}{
		"v2 limit":         {files: map[string]string{"memory.max": "268435456\n"}, want: 268435456, ok: true},
		"v2 none":          {files: map[string]string{"memory.max": "max\n"}},
		"v1 limit":         {files: map[string]string{"memory/memory.limit_in_bytes": "536870912\n"}, want: 536870912, ok: true},
		"v1 none":          {files: map[string]string{"memory/memory.limit_in_bytes": "9223372036854771712\n"}},
		"v2 before v1":     {files: map[string]string{"memory.max": "1000", "memory/memory.limit_in_bytes": "2000"}, want: 1000, ok: true},
		"no cgroup":        {},
		"garbage":          {files: map[string]string{"memory.max": "lots"}},
		"zero is no limit": {files: map[string]string{"memory.max": "0"}},
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			for p, content := range tc.files {
				must(t, os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755))
				must(t, os.WriteFile(filepath.Join(root, p), []byte(content), 0o644))
			}
			got, ok := Limit(root)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Limit = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// Set gives the runtime 80 % of the container's limit, unless GOMEMLIMIT
// is set or there is no limit.
func TestSetGivesTheRuntimeAFraction(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "memory.max"), []byte("1000000000"), 0o644))

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	if got := Set(root); got != 800000000 || debug.SetMemoryLimit(-1) != 800000000 {
		t.Errorf("Set = %d, runtime limit %d; want 800000000", got, debug.SetMemoryLimit(-1))
	}
	if got := Current(); got != "762MiB" {
		t.Errorf("Current = %q, want 762MiB", got)
	}

	t.Setenv("GOMEMLIMIT", "300MiB")
	debug.SetMemoryLimit(math.MaxInt64)
	if got := Set(root); got != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set: Set = %d, runtime limit %d; want it left alone", got, debug.SetMemoryLimit(-1))
	}

	t.Setenv("GOMEMLIMIT", "")
	if got := Set(t.TempDir()); got != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("without a limit: Set = %d; want nothing changed", got)
	}
	if got := Current(); got != "none" {
		t.Errorf("Current = %q, want none", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Set collects at GCPercent unless GOGC is set: then the runtime's own
// reading of it stands.
func TestSetCollectsAtGCPercentUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100)) // restore
	t.Setenv("GOGC", "")
	debug.SetGCPercent(100)
	Set(t.TempDir())
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GC percent = %d, want %d", got, GCPercent)
	}
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77) // as the runtime read it at start
	Set(t.TempDir())
	if got := debug.SetGCPercent(100); got != 77 {
		t.Errorf("with GOGC=77: GC percent = %d, want it left alone", got)
	}
}

func TestOfflineCollectsAtItsPercentUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100)) // restore
	t.Setenv("GOGC", "")
	debug.SetGCPercent(GCPercent) // as Set left it
	Offline()
	if got := debug.SetGCPercent(GCPercent); got != OfflinePercent {
		t.Errorf("GC percent = %d, want %d", got, OfflinePercent)
	}
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77)
	Offline()
	if got := debug.SetGCPercent(100); got != 77 {
		t.Errorf("with GOGC=77: GC percent = %d, want it left alone", got)
	}
}
