// Command syncd reconciles a platform's Vault and External Secrets Operator
// wiring from one YAML file per tenant. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"

	"github.com/syncd-dev/syncd/internal/cli"
	"github.com/syncd-dev/syncd/internal/memlimit"
)

func main() { os.Exit(run()) }

// run is main with SYNCD_CPUPROFILE=FILE writing a CPU profile of the
// command, SYNCD_MEMPROFILE=FILE a heap profile when it ends (go tool
// pprof -sample_index=alloc_space FILE: where it allocated) and
// SYNCD_TRACE=FILE an execution trace (go tool trace FILE: what ran when, on
// how many cores), for measuring at scale.
func run() int {
	memlimit.Set("/sys/fs/cgroup") // GOGC=50, and in a container a soft limit (unless GOGC, GOMEMLIMIT say otherwise)
	for _, r := range []recording{
		{"SYNCD_TRACE", trace.Start, trace.Stop},
		{"SYNCD_CPUPROFILE", pprof.StartCPUProfile, pprof.StopCPUProfile},
	} {
		stop, err := r.start()
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: %s: %v\n", r.env, err)
			return cli.ExitError
		}
		defer stop()
	}
	if path := os.Getenv("SYNCD_MEMPROFILE"); path != "" {
		defer func() {
			f, err := os.Create(path)
			if err == nil {
				err = errors.Join(pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "error: SYNCD_MEMPROFILE: %v\n", err)
			}
		}()
	}
	return cli.Main(os.Args[1:], os.Stdout, os.Stderr)
}

// recording is one of the recordings run can make for the whole command:
// to the file $env names, between start and stop.
type recording struct {
	env   string
	begin func(io.Writer) error
	end   func()
}

// start starts it when $env is set; the returned func stops it and closes
// the file.
func (r recording) start() (func(), error) {
	path := os.Getenv(r.env)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err == nil {
		err = r.begin(f)
	}
	if err != nil {
		return nil, err
	}
	return func() { r.end(); f.Close() }, nil
}
