// Command demo starts the test bed and tells the story of internal/demo:
// `make demo`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/syncd-dev/syncd/internal/demo"
	"github.com/syncd-dev/syncd/internal/testbed"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	root, err := testbed.RepoRoot()
	if err != nil {
		return err
	}
	bin := filepath.Join(root, "bin", "syncd")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/syncd").CombinedOutput(); err != nil {
		return fmt.Errorf("building syncd: %v\n%s", err, out)
	}
	fmt.Println("Starting the test bed: Vault, PostgreSQL, etcd + kube-apiserver, the ESO controller ...")
	bed, err := testbed.Start(ctx, testbed.Options{})
	if err != nil {
		return err
	}
	defer bed.Cleanup()
	return demo.Run(ctx, bed, bin, root, os.Stdout)
}
