package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/syncd-dev/syncd/internal/testbed"
)

type row struct {
	scenario, method string
	s                sample
	runs             int
	ratio            string
}

func rows(r *result) []row {
	var out []row
	add := func(scenario, method string, ss []sample, ratio string) {
		if len(ss) > 0 {
			out = append(out, row{scenario: scenario, method: method, s: median(ss), runs: len(ss), ratio: ratio})
		}
	}
	add("validate", "syncd", r.Validate, "")
	add("render -o yaml", "syncd", r.Render, "")
	for _, f := range []struct {
		name string
		fig  figure
	}{{"no-op plan", r.Plan}, {"apply from scratch", r.Apply}, {"incremental (daemon, 1 tenant)", r.Incremental}, {"off-board 10 %", r.Offb}} {
		ratio := ""
		if len(f.fig.Floor) > 0 {
			ratio = fmt.Sprintf("%.2f× floor", wallRatio(f.fig.Syncd, f.fig.Floor))
		}
		if len(f.fig.Procedure) > 0 {
			ratio += fmt.Sprintf("; %.1f× faster than today", 1/wallRatio(f.fig.Syncd, f.fig.Procedure))
		}
		add(f.name, "syncd", f.fig.Syncd, ratio)
		add(f.name, "floor", f.fig.Floor, "")
		add(f.name, "today's procedure", f.fig.Procedure, "")
	}
	return out
}

func wallRatio(a, b []sample) float64 {
	return float64(median(a).Wall) / float64(median(b).Wall)
}

func table(w io.Writer, results []*result) {
	fmt.Fprintln(w, "| tenants | scenario | who | wall (median) | Vault requests | Kubernetes requests | peak RSS | runs | syncd vs the references |")
	fmt.Fprintln(w, "|---:|---|---|---:|---:|---:|---:|---:|---|")
	for _, r := range results {
		for _, x := range rows(r) {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %d | %d | %.0f MB | %d | %s |\n", r.N, x.scenario, x.method,
				x.s.Wall.Round(time.Millisecond), x.s.Vault, x.s.Kube, float64(x.s.RSSKB)/1024, x.runs, x.ratio)
		}
	}
}

func printResult(w io.Writer, r *result) { table(w, []*result{r}) }

// writeReport writes BENCHMARKS.md: the machine, the versions, the command
// and the table.
func writeReport(root string, o options, results []*result) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# syncd benchmarks\n\nWritten by `make bench` (hack/bench) on %s. Reproduce: `%s`.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), reproduce(o))
	fmt.Fprintf(&b, "Each figure is the median of the runs given, measured on the real test bed\n"+
		"(Vault, PostgreSQL and etcd + kube-apiserver with ESO's CRDs on loopback, all on\n"+
		"this machine; no ESO controller runs, so what is measured is syncd's and the floor's\n"+
		"work, not ESO's reaction to it). Requests are counted by loopback proxies in front of\n"+
		"Vault and the API server that every measured process goes through; peak RSS is the process's own\n"+
		"(for today's procedure, its largest command; for the daemon, its whole life).\n"+
		"Each step starts on a quiet machine: the bench waits (up to 3 minutes) until less than\n"+
		"10 %% of the CPU has been busy for 2 seconds, so what the previous step set off (lease\n"+
		"revocations, etcd compaction) is not charged to the next.\n\n")
	b.WriteString("- **floor**: `bench floor`, vault/api + client-go issuing only the necessary reads or writes,\n" +
		"  each tenant's in dependency order, at syncd's concurrency (8 requests in flight).\n" +
		"- **today's procedure**: the seed's commands per tenant with the real CLIs, one after another\n" +
		"  (`sed` of a template piped to `vault policy write`, `vault write auth/kubernetes/role/…`,\n" +
		"  `vault write database/roles/…`, `kubectl apply`; off-boarding: `kubectl delete`,\n" +
		"  `vault lease revoke -sync -prefix`, `vault delete` of the roles, the policy copied to\n" +
		"  `-deprecated` and deleted). The scripts are generated into the work directory.\n" +
		"- **incremental**: `syncd run` on the directory; one tenant's file changed; measured from\n" +
		"  the write until `/status` reports the new revision reconciled (debounce included).\n\n")
	b.WriteString("## Machine and versions\n\n")
	for _, l := range machine(root) {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\n## Results\n\n")
	table(&b, results)
	b.WriteString("\n")
	b.WriteString(targets(results))
	path := o.out
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

func reproduce(o options) string {
	cmd := "make bench"
	if len(o.sizes) > 0 && o.sizes[len(o.sizes)-1] == 10000 {
		cmd = "make bench BENCH_LARGE=1"
	}
	return cmd
}

func machine(root string) []string {
	out := func(name string, args ...string) string {
		cmd := exec.Command(name, args...)
		cmd.Dir = root
		b, err := cmd.Output()
		if err != nil {
			return "unknown"
		}
		return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(strings.SplitN(string(b), "\n", 2)[0], "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	}
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	lines := []string{
		fmt.Sprintf("%d cores (%s), %s memory, %s/%s", runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH),
		"syncd " + out("git", "describe", "--tags", "--always", "--dirty") + ", " + runtime.Version(),
	}
	if bins, err := testbed.FindBinaries(); err == nil {
		v := bins.Versions
		lines = append(lines, fmt.Sprintf("Vault %s, kube-apiserver and kubectl %s, etcd %s, ESO %s, %s",
			v["VAULT_VERSION"], v["KUBE_VERSION"], v["ETCD_VERSION"], v["ESO_VERSION"], out(bins.Postgres, "--version")))
	}
	return lines
}
