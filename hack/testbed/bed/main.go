// Command bed starts and stops the test bed in the background for manual
// development and demos (make testbed-up / make testbed-down).
//
//	bed up     start (or reuse) the bed; print `export ...` lines on stdout only
//	bed env    print the running bed's export lines again
//	bed down   stop exactly the processes `up` started and remove its directory
//
// The bed lives in $SYNCD_TESTBED_DIR (default <cache>/testbed-run).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/testbed"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bed up|env|down")
		os.Exit(2)
	}
	dir := os.Getenv("SYNCD_TESTBED_DIR")
	if dir == "" {
		dir = filepath.Join(testbed.CacheDir(), "testbed-run")
	}
	if err := run(os.Args[1], dir); err != nil {
		fmt.Fprintln(os.Stderr, "testbed:", err)
		os.Exit(1)
	}
}

func run(cmd, dir string) error {
	switch cmd {
	case "up":
		if exports, err := testbed.ReadExports(dir); err == nil {
			fmt.Fprintf(os.Stderr, "testbed: already running in %s (make testbed-down to stop it)\n", dir)
			fmt.Print(exports)
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		b, err := testbed.Start(ctx, testbed.Options{Detach: true, Dir: dir, Logf: func(f string, a ...any) {
			fmt.Fprintf(os.Stderr, "testbed: "+f+"\n", a...)
		}})
		if err != nil {
			return err
		}
		if err := tenantNamespaces(ctx, b); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "testbed: logs in %s; stop with: make testbed-down\n", dir)
		fmt.Print(b.Exports())
		return nil
	case "env":
		exports, err := testbed.ReadExports(dir)
		if err != nil {
			return fmt.Errorf("no running test bed in %s (make testbed-up): %w", dir, err)
		}
		fmt.Print(exports)
		return nil
	case "down":
		if err := testbed.StopDir(dir); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "testbed: stopped and removed %s\n", dir)
		return nil
	}
	return fmt.Errorf("unknown command %q (want up, env or down)", cmd)
}

// tenantNamespaces creates, on the bed, the namespace and ESO service
// account of every tenant in this directory, labelled as the tenant's, as
// the platform does before syncd wires a tenant (syncd plans into no
// namespace without that label).
func tenantNamespaces(ctx context.Context, b *testbed.Bed) error {
	repo, err := reconcile.Load(".", "", slog.New(slog.DiscardHandler))
	if err != nil {
		return nil // not a tenants repository: nothing to prepare
	}
	for _, tn := range repo.State.Tenants {
		if err := testbed.EnsureTenantNamespace(ctx, b.Kube, tn.Namespace, tn.ServiceAccount, tn.Name); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "testbed: created the namespaces of %d tenant(s), labelled %s=<tenant>\n", len(repo.State.Tenants), testbed.TenantLabel)
	return nil
}
