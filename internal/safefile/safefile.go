// Package safefile reads the files syncd takes from places it does not
// control — a Git checkout, a watched directory, a path on the command line
// — so that none can make a read hang or exhaust memory: only a regular
// file is read (a FIFO, a device or a directory is refused, and opening one
// never blocks), never more than a bound, and a symlink is refused unless
// the caller follows links on purpose (a path an operator gave, or a
// Kubernetes Secret volume, whose files are symlinks by design).
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Links says whether the last element of a path may be a symlink.
type Links bool

const (
	// NoLinks refuses a symlink: for files inside a source.
	NoLinks Links = false
	// FollowLinks reads through a symlink (the target must still be a
	// regular file): for paths an operator gave.
	FollowLinks Links = true
)

// ErrNotRegular is returned for anything but a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file over the bound.
var ErrTooLarge = errors.New("file too large")

// Read reads the regular file at path, at most max bytes. Errors name the
// path; fs.ErrNotExist is kept for a missing file.
func Read(path string, max int64, links Links) ([]byte, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK // a FIFO opens without a writer, and is refused below
	if links == NoLinks {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		if links == NoLinks && errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("%s: a symlink, which is not allowed here: %w", path, ErrNotRegular)
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %s: %w", path, describe(st.Mode()), ErrNotRegular)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes, over the limit of %d: %w", path, st.Size(), max, ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1)) // one byte over the bound tells a file that grew past it
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: over the limit of %d bytes: %w", path, max, ErrTooLarge)
	}
	return data, nil
}

// Dir checks that path is a directory, not a symlink to one.
func Dir(path string) error {
	st, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: %s, not a directory: %w", path, describe(st.Mode()), ErrNotRegular)
	}
	return nil
}

func describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "not a regular file (" + m.Type().String() + ")"
	}
}
