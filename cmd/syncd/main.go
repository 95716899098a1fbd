// Command syncd reconciles a platform's Vault and External Secrets Operator
// wiring from one YAML file per tenant. See README.md.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"

	"github.com/syncd-dev/syncd/internal/cli"
)

func main() { os.Exit(run()) }

// run is main with SYNCD_CPUPROFILE=FILE writing a CPU profile of the
// command, SYNCD_MEMPROFILE=FILE a heap profile when it ends (go tool
// pprof -sample_index=alloc_space FILE: where it allocated) and
// SYNCD_TRACE=FILE an execution trace (go tool trace FILE: what ran when, on
// how many cores), for measuring at scale.
func run() int {
	if path := os.Getenv("SYNCD_TRACE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: SYNCD_TRACE: %v\n", err)
			return cli.ExitError
		}
		defer func() { trace.Stop(); f.Close() }()
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
	if path := os.Getenv("SYNCD_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: SYNCD_CPUPROFILE: %v\n", err)
			return cli.ExitError
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	return cli.Main(os.Args[1:], os.Stdout, os.Stderr)
}
