// Command etcd is a minimal wrapper around etcd's own main, so the test bed can
// build a pinned etcd from the Go module proxy without vendoring its source.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
