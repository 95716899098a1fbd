// Command syncd reconciles a platform's Vault and External Secrets Operator
// wiring from one YAML file per tenant. See README.md.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/syncd-dev/syncd/internal/cli"
)

func main() { os.Exit(run()) }

// run is main with SYNCD_CPUPROFILE=FILE writing a CPU profile of the
// command (go tool pprof FILE), for measuring at scale.
func run() int {
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
