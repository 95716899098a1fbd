// Package source fetches the files syncd reconciles — a directory holding
// tenants/ and syncd.yaml — and names each snapshot by its revision: a Git
// commit (go-git), or a digest of a local directory's files (watched with
// fsnotify for development). Fetching is kept apart from reconciling, so
// every plan, apply and log line can name the commit it came from.
package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"path/filepath"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/safefile"
)

// Snapshot is one revision of the repository's files, on disk.
type Snapshot struct {
	// Dir holds tenants/ and, usually, syncd.yaml.
	Dir string
	// Revision names what Dir holds: a commit hash, or "dir:" and a
	// digest of the files for a plain directory.
	Revision string
	// SignedBy names the key that signed the commit, when signatures are
	// verified.
	SignedBy string
}

// Source fetches the current snapshot.
type Source interface {
	Fetch(ctx context.Context) (Snapshot, error)
}

// Dir is a local directory.
type Dir struct{ Path string }

// Fetch names the directory's current files by their digest. The files
// are read as the loader reads them (regular files, no symlinks, bounded):
// one it would refuse is named without its content, and refused there.
func (d Dir) Fetch(context.Context) (Snapshot, error) {
	h := sha256.New()
	names, err := filepath.Glob(filepath.Join(d.Path, "tenants", "*"))
	if err != nil {
		return Snapshot{}, err
	}
	names = append(names, filepath.Join(d.Path, "syncd.yaml"))
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00", strings.TrimPrefix(n, d.Path))
		if data, err := safefile.Read(n, MaxFile, safefile.NoLinks); err == nil {
			h.Write(data)
		}
	}
	return Snapshot{Dir: d.Path, Revision: "dir:" + hex.EncodeToString(h.Sum(nil))[:12]}, nil
}

// MaxFile bounds a file read from a source: far above any tenant file or
// syncd.yaml (whose parser stops at 256 KiB).
const MaxFile = 1 << 20
