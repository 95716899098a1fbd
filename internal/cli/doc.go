// Package cli implements syncd's command line: the cobra command tree, flag and
// environment handling, output formats and exit codes. main only calls Main.
package cli
