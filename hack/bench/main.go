// Command bench measures syncd at scale against the real test bed, side by
// side with the floor (a minimal raw client doing only the necessary
// requests) and today's procedure (the seed's per-tenant CLI commands), and
// writes BENCHMARKS.md: `make bench` (N = 100 and 1,000; BENCH_LARGE=1 adds
// 10,000). It is a measuring program, not a test: nothing in it passes or
// fails on time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/syncd-dev/syncd/internal/reconcile"
	"github.com/syncd-dev/syncd/internal/testbed"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "floor":
		err = floorMain(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "generate":
		err = generateMain(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "targets":
		err = targetsMain(os.Args[2:])
	default:
		err = benchMain()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	sizes     []int
	runs      int
	largeRuns int
	procRuns  int
	procMax   int
	out, work string
	hold      bool
}

func benchMain() error {
	var o options
	sizes := flag.String("n", "100,1000", "tenant counts, comma-separated")
	large := flag.Bool("large", false, "add 10,000 tenants")
	flag.IntVar(&o.runs, "runs", 3, "runs per figure (the median is reported)")
	flag.IntVar(&o.largeRuns, "large-runs", 1, "runs per figure at 10,000 tenants on the bed (validate and render get -runs)")
	flag.IntVar(&o.procRuns, "procedure-runs", 1, "runs of today's procedure (slow: one CLI process per command)")
	flag.IntVar(&o.procMax, "procedure-max", 1000, "run today's procedure only up to this many tenants")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "report file, relative to the repository root")
	flag.StringVar(&o.work, "work", "", "working directory (default: a new temporary one)")
	flag.BoolVar(&o.hold, "hold", false, "after syncd's first apply, print the bed's variables and wait for Ctrl-C (to profile by hand against a converged bed)")
	prebuilt := flag.String("syncd", "", "measure this syncd binary (an older build, to compare) instead of building the checkout")
	flag.Parse()
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			return fmt.Errorf("-n: %q is not a tenant count of at least 10", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if *large {
		o.sizes = append(o.sizes, 10000)
	}
	if _, err := os.Stat(gnuTime); err != nil {
		return fmt.Errorf("%s (GNU time, for peak RSS) is missing: apt-get install time", gnuTime)
	}
	root, err := testbed.RepoRoot()
	if err != nil {
		return err
	}
	if o.work == "" {
		if o.work, err = os.MkdirTemp("", "syncd-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(o.work)
	}
	bin := filepath.Join(o.work, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	syncd := filepath.Join(bin, "syncd")
	if *prebuilt != "" {
		syncd = *prebuilt
	} else {
		logf("building syncd")
		build := exec.Command("go", "build", "-trimpath", "-o", syncd, "./cmd/syncd")
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building syncd: %v\n%s", err, out)
		}
	}
	if err := linkCLIs(bin); err != nil {
		return err
	}
	logf("starting the test bed")
	ctx := context.Background()
	bed, err := testbed.Start(ctx, testbed.Options{WithoutESO: true})
	if err != nil {
		return err
	}
	defer bed.Cleanup()
	e := env{vaultToken: bed.VaultToken, kubeconfig: filepath.Join(o.work, "kubeconfig")}
	if e.vaultAddr, e.vaultN, err = vaultProxy(bed.VaultAddr); err != nil {
		return err
	}
	if e.kubeN, err = kubeProxy(bed.RESTConfig, e.kubeconfig); err != nil {
		return err
	}
	e.path = bin + string(os.PathListSeparator) + os.Getenv("PATH")
	e.kubeCache = filepath.Join(o.work, "kubecache")
	var results []*result
	if !slices.Contains(o.sizes, 10000) {
		r, err := offlineSize(e, root, syncd, 10000, o)
		if err != nil {
			return fmt.Errorf("10000 tenants offline: %w", err)
		}
		results = append(results, r)
		printResult(os.Stdout, r)
	}
	for _, n := range o.sizes {
		r, err := benchSize(ctx, bed, e, root, syncd, n, o)
		if err != nil {
			return fmt.Errorf("%d tenants: %w", n, err)
		}
		results = append(results, r)
		printResult(os.Stdout, r)
		// after each size, so a long run stopped early keeps what it measured
		report, err := writeReport(root, o, results)
		if err != nil {
			return err
		}
		logf("wrote %s", report)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// linkCLIs puts the pinned vault and kubectl on the procedure's PATH.
func linkCLIs(bin string) error {
	bins, err := testbed.FindBinaries()
	if err != nil {
		return err
	}
	kubectl := filepath.Join(testbed.CacheDir(), "bin", "kubectl-"+bins.Versions["KUBE_VERSION"])
	if _, err := os.Stat(kubectl); err != nil {
		return fmt.Errorf("kubectl %s is not built: hack/testbed/build.sh kubectl (make bench does it)", bins.Versions["KUBE_VERSION"])
	}
	for name, target := range map[string]string{"vault": bins.Vault, "kubectl": kubectl} {
		if err := os.Symlink(target, filepath.Join(bin, name)); err != nil && !os.IsExist(err) {
			return err
		}
	}
	return nil
}

// loadRepo is syncd's own loading, in process and unmeasured, to derive the
// floor's work and the procedure's templates.
func loadRepo(dir string) (*reconcile.Repo, error) {
	repo, err := reconcile.Load(dir, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	if len(repo.Tenants.Errors) > 0 || repo.Isolation != nil {
		return nil, fmt.Errorf("generated tenants do not validate: %v %v", repo.Tenants.Errors, repo.Isolation)
	}
	return repo, nil
}
