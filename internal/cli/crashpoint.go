//go:build !devhooks

package cli

import "time"

// crashPoint is the crash tests' fault-injection hook; a release build has
// none (see crashpoint_devhooks.go).
func crashPoint() int { return 0 }

// leaseTTL is the crash tests' shorter writer lease; a release build keeps
// the default.
func leaseTTL() time.Duration { return 0 }
