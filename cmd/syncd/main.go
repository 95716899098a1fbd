// Command syncd reconciles a platform's Vault and External Secrets Operator
// wiring from one YAML file per tenant. See README.md.
package main

import (
	"os"

	"github.com/syncd-dev/syncd/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
