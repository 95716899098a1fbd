package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small := write("small", "hello")
	big := write("big", strings.Repeat("x", 101))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		path  string
		links Links
		want  string
		err   error
		msg   string
	}{
		"a regular file":                  {path: small, want: "hello"},
		"exactly the bound":               {path: write("edge", strings.Repeat("y", 100)), want: strings.Repeat("y", 100)},
		"over the bound":                  {path: big, err: ErrTooLarge},
		"a symlink inside a source":       {path: link, err: ErrNotRegular, msg: "a symlink"},
		"a symlink an operator gave":      {path: link, links: FollowLinks, want: "hello"},
		"a FIFO never blocks":             {path: fifo, err: ErrNotRegular, msg: "named pipe"},
		"a FIFO behind a followed link":   {path: func() string { p := filepath.Join(dir, "l2"); _ = os.Symlink(fifo, p); return p }(), links: FollowLinks, err: ErrNotRegular},
		"a device (/dev/zero)":            {path: "/dev/zero", links: FollowLinks, err: ErrNotRegular, msg: "device"},
		"a directory":                     {path: dir, err: ErrNotRegular, msg: "directory"},
		"missing keeps fs.ErrNotExist":    {path: filepath.Join(dir, "nope"), err: fs.ErrNotExist},
		"/dev/zero behind a refused link": {path: func() string { p := filepath.Join(dir, "z"); _ = os.Symlink("/dev/zero", p); return p }(), err: ErrNotRegular},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Read(tc.path, 100, tc.links)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("err = %v, want %v containing %q", err, tc.err, tc.msg)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("Read = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestDir(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := os.Symlink("/etc", link); err != nil {
		t.Fatal(err)
	}
	if err := Dir(dir); err != nil {
		t.Errorf("a directory: %v", err)
	}
	if err := Dir(link); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a symlink to a directory: %v", err)
	}
}
