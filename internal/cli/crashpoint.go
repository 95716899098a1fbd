//go:build !devhooks

package cli

// crashPoint is the crash tests' fault-injection hook; a release build has
// none (see crashpoint_devhooks.go).
func crashPoint() int { return 0 }
