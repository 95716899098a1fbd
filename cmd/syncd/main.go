// Command syncd reconciles a platform's Vault and External Secrets Operator
// wiring from one YAML file per tenant. See README.md.
package main

import (
	"fmt"
	"os"

	automemlimit "github.com/KimMachineGun/automemlimit/memlimit"

	"github.com/syncd-dev/syncd/internal/cli"
	"github.com/syncd-dev/syncd/internal/memlimit"
)

func main() { os.Exit(run()) }

// run is main: the soft memory limit, then the command (and, in a build
// with -tags devhooks, the recordings of profile.go).
func run() int {
	memlimit.Set(automemlimit.FromCgroup) // GOGC=50, and in a container a soft limit (unless GOGC, GOMEMLIMIT say otherwise)
	stop, err := record()
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		return cli.ExitError
	}
	defer stop()
	return cli.Main(os.Args[1:], os.Stdout, os.Stderr)
}
