package source

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/go-git/go-billy/v5"
)

// ErrTooLarge stops a fetch that writes more than its budget.
var ErrTooLarge = errors.New("the repository is larger than the fetch's size limit")

// budget counts the bytes one fetch writes, in every file, against max.
type budget struct {
	max     int64
	written atomic.Int64
}

// capped is a filesystem whose writes draw on a budget: whatever the
// transport, a fetch cannot write more than the budget allows.
type capped struct {
	billy.Filesystem
	b *budget
}

func (c capped) Create(name string) (billy.File, error) {
	f, err := c.Filesystem.Create(name)
	return c.wrap(f, err)
}

func (c capped) OpenFile(name string, flag int, perm os.FileMode) (billy.File, error) {
	f, err := c.Filesystem.OpenFile(name, flag, perm)
	return c.wrap(f, err)
}

func (c capped) TempFile(dir, prefix string) (billy.File, error) {
	f, err := c.Filesystem.TempFile(dir, prefix)
	return c.wrap(f, err)
}

func (c capped) Chroot(path string) (billy.Filesystem, error) {
	fs, err := c.Filesystem.Chroot(path)
	if err != nil {
		return nil, err
	}
	return capped{fs, c.b}, nil
}

// Chmod passes through (the object writer sets pack files read-only).
func (c capped) Chmod(name string, mode os.FileMode) error {
	if ch, ok := c.Filesystem.(billy.Chmod); ok {
		return ch.Chmod(name, mode)
	}
	return nil
}

func (c capped) wrap(f billy.File, err error) (billy.File, error) {
	if err != nil {
		return nil, err
	}
	return cappedFile{f, c.b}, nil
}

type cappedFile struct {
	billy.File
	b *budget
}

func (f cappedFile) Write(p []byte) (int, error) {
	if f.b.written.Add(int64(len(p))) > f.b.max {
		return 0, fmt.Errorf("%w (%d MiB)", ErrTooLarge, f.b.max>>20)
	}
	return f.File.Write(p)
}
