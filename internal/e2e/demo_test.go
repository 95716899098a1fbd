package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/syncd-dev/syncd/internal/demo"
	"github.com/syncd-dev/syncd/internal/testbed"
)

// TestDemo runs `make demo`'s story on the bed: each step checks what it
// shows (verify passes, then fails naming the widened path, plan shows the
// drift, apply heals it, off-boarded credentials stop working).
func TestDemo(t *testing.T) {
	testbed.Require(t, bed)
	root, err := testbed.RepoRoot()
	must(t, err)
	var out strings.Builder
	if err := demo.Run(context.Background(), bed, syncdBinary(t), root, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"=== 1.", "=== 8.", "$ syncd verify inkwell-reviews", "FAIL other", "update Policy bookstore-platform-app-inkwell-reviews", "after: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
	t.Log("\n" + out.String())
}
