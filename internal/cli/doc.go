// Package cli is syncd's command line: the cobra command tree, flags,
// environment variables and exit codes. What a command prints is written by
// package output; main only calls Main.
package cli
