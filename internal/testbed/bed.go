package testbed

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	vaultapi "github.com/hashicorp/vault/api"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Bed is a running test bed.
type Bed struct {
	Dir        string // working directory: logs, data, kubeconfig, state
	VaultAddr  string
	VaultToken string // root token of the dev server
	Vault      *vaultapi.Client
	RESTConfig *rest.Config // admin
	Kube       kubernetes.Interface
	Dynamic    dynamic.Interface
	Kubeconfig string // admin kubeconfig path
	// DatabaseURL is an admin connection to the "postgres" database;
	// PostgresURL(db) gives one for another database.
	DatabaseURL string
	// Timings records how long each component took to become ready.
	Timings map[string]time.Duration

	pg    pgInstance
	procs []*proc
	dirs  []string // more directories to remove on cleanup
}

// Options tune Start.
type Options struct {
	// Detach leaves the processes running after this process exits
	// (make testbed-up); Stop or StopDir ends them.
	Detach bool
	// Dir is the working directory; a new temporary one when empty.
	Dir string
	// Logf reports progress; nil is silent.
	Logf func(format string, args ...any)
	// WithoutESO installs ESO's CRDs, so the API server still validates
	// every ESO object, but runs no controller: a benchmark measures what
	// syncd and its floor write, not ESO's work on it (at 10,000 tenants
	// the controller keeps both cores busy for minutes after each apply).
	WithoutESO bool
}

// PostgresURL is an admin connection string for database db.
func (b *Bed) PostgresURL(db string) string { return b.pg.URL(db) }

// Start starts and wires every component. On error everything started so far
// is stopped again.
func Start(ctx context.Context, opts Options) (_ *Bed, err error) {
	bins, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	dir := opts.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "syncd-testbed-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	b := &Bed{Dir: dir, Timings: map[string]time.Duration{}}
	defer func() {
		if err != nil {
			b.Stop()
		}
	}()
	po := procOpts{detach: opts.Detach, dir: dir}
	begin := time.Now()
	var mu sync.Mutex
	timed := func(name string, t0 time.Time) {
		mu.Lock()
		b.Timings[name] = time.Since(t0)
		mu.Unlock()
		logf("%s ready in %s", name, time.Since(t0).Round(time.Millisecond))
	}
	track := func(p *proc) {
		if p != nil {
			mu.Lock()
			b.procs = append(b.procs, p)
			mu.Unlock()
		}
	}
	// Postgres, Vault and etcd → kube-apiserver start concurrently.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Add(3)
	go func() {
		defer wg.Done()
		t0 := time.Now()
		p, pg, err := startPostgres(ctx, bins.Initdb, bins.Postgres, po)
		track(p)
		if pg.Dir != "" {
			mu.Lock()
			b.dirs = append(b.dirs, pg.Dir)
			mu.Unlock()
		}
		if err == nil {
			err = seedDatabases(ctx, pg)
		}
		b.pg, errs[0] = pg, err
		if err == nil {
			timed("postgres", t0)
		}
	}()
	go func() {
		defer wg.Done()
		t0 := time.Now()
		p, v, err := startVault(ctx, bins.Vault, po)
		track(p)
		b.Vault, errs[1] = v, err
		if err == nil {
			b.VaultAddr, b.VaultToken = v.Address(), v.Token()
			timed("vault", t0)
		}
	}()
	go func() {
		defer wg.Done()
		t0 := time.Now()
		p, etcdURL, err := startEtcd(ctx, bins.Etcd, po)
		track(p)
		if err != nil {
			errs[2] = err
			return
		}
		timed("etcd", t0)
		t1 := time.Now()
		certs, err := newPKI(dir)
		if err != nil {
			errs[2] = err
			return
		}
		p, cfg, err := startKubeAPIServer(ctx, bins.KubeAPIServer, etcdURL, certs, po)
		track(p)
		b.RESTConfig, errs[2] = cfg, err
		if err == nil {
			timed("kube-apiserver", t1)
		}
	}()
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	if b.Kube, err = kubernetes.NewForConfig(b.RESTConfig); err != nil {
		return nil, err
	}
	if b.Dynamic, err = dynamic.NewForConfig(b.RESTConfig); err != nil {
		return nil, err
	}
	b.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(b.Kubeconfig, b.RESTConfig); err != nil {
		return nil, err
	}
	b.DatabaseURL = b.pg.URL("postgres")
	t0 := time.Now()
	if err := wireKubernetesAuth(ctx, b.Vault, b.Kube, b.RESTConfig, KubernetesAuthMount); err != nil {
		return nil, err
	}
	if err := wireDatabase(ctx, b.Vault, DatabaseMount, b.pg); err != nil {
		return nil, err
	}
	if err := installCRDs(ctx, b.Dynamic, bins.CRDs); err != nil {
		return nil, err
	}
	timed("wiring (auth, database engine, CRDs)", t0)
	if !opts.WithoutESO {
		t0 = time.Now()
		p, err := startESO(ctx, bins.ESO, b.Kubeconfig, po)
		track(p)
		if err != nil {
			return nil, err
		}
		timed("eso-controller", t0)
	}
	b.Timings["total"] = time.Since(begin)
	logf("test bed ready in %s (dir %s)", b.Timings["total"].Round(time.Millisecond), dir)
	return b, b.saveState()
}

// stopOrder stops clients before the servers they hold connections to.
var stopOrder = map[string]int{"eso-controller": 0, "kube-apiserver": 1, "vault": 2, "etcd": 3, "postgres": 4}

// Stop ends every process the bed started and removes the directories it
// made outside Dir.
func (b *Bed) Stop() {
	stopAll(b.procs)
	b.procs = nil
	for _, d := range b.dirs {
		_ = os.RemoveAll(d)
	}
	b.dirs = nil
}

func stopAll(procs []*proc) {
	sorted := slices.Clone(procs)
	slices.SortStableFunc(sorted, func(a, b *proc) int { return stopOrder[a.Name] - stopOrder[b.Name] })
	for _, p := range sorted {
		t0 := time.Now()
		p.stop(10 * time.Second)
		if os.Getenv("SYNCD_TESTBED_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "testbed: stopped %s in %s\n", p.Name, time.Since(t0))
		}
	}
}

// Cleanup stops the bed and removes its directory.
func (b *Bed) Cleanup() {
	b.Stop()
	_ = os.RemoveAll(b.Dir)
}

// AllowInsecureHTTP is the variable that lets syncd send its Vault token
// to the bed's plain-HTTP, loopback Vault (--allow-insecure-http).
const AllowInsecureHTTP = "SYNCD_ALLOW_INSECURE_HTTP"

// Exports are the shell lines that point the ecosystem's tools at the bed.
func (b *Bed) Exports() string {
	vars := map[string]string{
		"VAULT_ADDR": b.VaultAddr, "VAULT_TOKEN": b.VaultToken,
		"KUBECONFIG": b.Kubeconfig, "DATABASE_URL": b.DatabaseURL,
		AllowInsecureHTTP: "true",
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&s, "export %s='%s'\n", k, vars[k])
	}
	return s.String()
}

// state is what testbed-down needs: the processes to stop.
type state struct {
	Procs   []*proc  `json:"procs"`
	Dirs    []string `json:"dirs"`
	Exports string   `json:"exports"`
}

const stateFile = "testbed.json"

func (b *Bed) saveState() error {
	data, err := json.MarshalIndent(state{Procs: b.procs, Dirs: b.dirs, Exports: b.Exports()}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.Dir, stateFile), data, 0o600)
}

// StopDir stops exactly the processes a detached bed in dir recorded, and
// removes dir. It refuses a dir without a state file.
func StopDir(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return fmt.Errorf("no running test bed in %s: %w", dir, err)
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%s: %w", stateFile, err)
	}
	var ours []*proc
	for _, p := range s.Procs {
		if p.isOurs() {
			ours = append(ours, p)
		}
	}
	stopAll(ours)
	for _, d := range s.Dirs {
		_ = os.RemoveAll(d)
	}
	return os.RemoveAll(dir)
}

// ReadExports returns the export lines of a detached bed in dir.
func ReadExports(dir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return "", err
	}
	var s state
	err = json.Unmarshal(data, &s)
	return s.Exports, err
}
