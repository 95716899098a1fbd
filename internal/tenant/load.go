package tenant

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/par"
	"github.com/syncd-dev/syncd/internal/safefile"
	"github.com/syncd-dev/syncd/internal/strictyaml"
)

// ErrNoTenantsDir means the tenants directory is missing: a misconfiguration,
// never "every tenant was deleted".
var ErrNoTenantsDir = errors.New("tenants directory not found")

// Set is the result of reading a tenants directory.
type Set struct {
	// Tenants are the valid tenants, sorted by name.
	Tenants []*Tenant
	// Invalid holds the tenant names (from file names) whose files failed.
	// Callers must treat them as unknown: neither present nor deleted.
	Invalid map[string]error
	// Errors are all problems found, sorted by file and line.
	Errors strictyaml.Errors
	// Digest is a SHA-256 over every tenant file's name and content.
	Digest string
	// Failed are the partially decoded tenants of failed files whose
	// metadata.name was read: what they would derive stays claimed, so no
	// other tenant can take it while they are held.
	Failed []*Tenant
}

// Err returns the set's errors, or nil.
func (s *Set) Err() error { return s.Errors.Err() }

// Names returns the names of the valid tenants.
func (s *Set) Names() []string {
	out := make([]string, len(s.Tenants))
	for i, t := range s.Tenants {
		out[i] = t.Metadata.Name
	}
	return out
}

// IsTenantFile reports whether a directory entry name is a tenant file.
func IsTenantFile(name string) bool {
	return !strings.HasPrefix(name, ".") &&
		(strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"))
}

// LoadDir reads every tenant file in dir. Files that are not YAML and hidden
// files are ignored; symlinks, subdirectories and special files are errors.
// A missing or unreadable dir is an error (ErrNoTenantsDir when missing).
func LoadDir(dir string, cfg *config.Config) (*Set, error) {
	if err := safefile.Dir(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoTenantsDir)
	} else if err != nil {
		return nil, fmt.Errorf("tenants directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading tenants directory: %w", err)
	}
	var paths []string
	set := &Set{Invalid: map[string]error{}}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			set.fail(path, "symlinks are not allowed in the tenants directory")
			continue
		}
		if e.IsDir() {
			set.fail(path, "subdirectories are not allowed in the tenants directory")
			continue
		}
		if !IsTenantFile(e.Name()) {
			continue
		}
		if !e.Type().IsRegular() {
			set.fail(path, "not a regular file")
			continue
		}
		paths = append(paths, path)
	}
	// Read on every core, failures reported in directory order.
	files := make([]File, len(paths))
	errs := make([]error, len(paths))
	par.Each(len(paths), func(i int) {
		files[i].Path = paths[i]
		files[i].Data, errs[i] = readFile(paths[i], strictyaml.DefaultLimits.MaxBytes)
	})
	read := files[:0]
	for i, f := range files {
		if errs[i] != nil {
			set.fail(f.Path, errs[i].Error())
			continue
		}
		read = append(read, f)
	}
	parsed := Parse(read, cfg)
	set.merge(parsed)
	set.Digest = parsed.Digest
	return set, nil
}

// File is one tenant file's path and content, from disk or from Git.
type File struct {
	Path string
	Data []byte
}

// Parse decodes and validates tenant files, including checks across files.
func Parse(files []File, cfg *config.Config) *Set {
	set := &Set{Invalid: map[string]error{}}
	var decoded []*Tenant // valid, or partially decoded despite errors
	failed := map[*Tenant]bool{}
	digested := make(chan string, 1)
	go func() { digested <- digest(files) }() // beside the decode: one pass over every byte
	results := decodeAll(files, cfg)
	set.Digest = <-digested
	for i, f := range files {
		t, err := results[i].t, results[i].err
		if err != nil {
			set.invalid(f.Path, err)
			if t == nil || t.Metadata.Name == "" {
				continue
			}
			// The file may belong to the tenant its content names, not
			// the one its file name does (git mv blog.yaml blog-site.yaml):
			// both are held.
			set.hold(t.Metadata.Name, err)
			failed[t] = true
			set.Failed = append(set.Failed, t)
		}
		decoded = append(decoded, t)
	}
	// Conflicts count against every file involved, valid or not: which of two
	// claims on one name is right cannot be known.
	conflicts := crossCheck(decoded)
	for _, t := range decoded {
		if errs := conflicts[t]; len(errs) > 0 {
			set.Errors = append(set.Errors, errs...)
			if !failed[t] {
				set.hold(t.Metadata.Name, errs.Err())
			}
			continue
		}
		if !failed[t] {
			set.Tenants = append(set.Tenants, t)
		}
	}
	// A valid file for a tenant that a failed file may also hold (x.yaml
	// next to an unreadable x.yml): which is right cannot be known either.
	for _, t := range slices.Clone(set.Tenants) {
		if set.Invalid[t.Metadata.Name] != nil {
			set.Reject(t.Metadata.Name, strictyaml.Errors{t.Pos.Errorf("metadata.name",
				"tenant %q may also be defined by a file that failed; fix or remove it", t.Metadata.Name)})
		}
	}
	sort.Slice(set.Tenants, func(i, j int) bool { return set.Tenants[i].Metadata.Name < set.Tenants[j].Metadata.Name })
	set.Errors.Sort()
	return set
}

// Reject moves a valid tenant to Invalid with errs: a conflict found after
// parsing (between the objects tenants derive) holds every tenant involved.
func (s *Set) Reject(name string, errs strictyaml.Errors) {
	s.Tenants = slices.DeleteFunc(s.Tenants, func(t *Tenant) bool { return t.Metadata.Name == name })
	s.hold(name, errs.Err())
	s.Errors = append(s.Errors, errs...)
	s.Errors.Sort()
}

// hold records that name is unknown, keeping every error recorded for it.
func (s *Set) hold(name string, err error) {
	s.Invalid[name] = errors.Join(s.Invalid[name], err)
}

func (s *Set) merge(o *Set) {
	s.Tenants = append(s.Tenants, o.Tenants...)
	s.Failed = append(s.Failed, o.Failed...)
	for k, v := range o.Invalid {
		s.hold(k, v)
	}
	s.Errors = append(s.Errors, o.Errors...)
	s.Errors.Sort()
}

func (s *Set) fail(path, msg string) {
	s.invalid(path, &strictyaml.FieldError{Pos: strictyaml.Pos{File: path}, Msg: msg})
}

// invalid records a failed file under the tenant name its file name implies.
func (s *Set) invalid(path string, err error) {
	s.hold(strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".yaml"), ".yml"), err)
	fields, other := strictyaml.Flatten(err)
	s.Errors = append(s.Errors, fields...)
	for _, o := range other {
		s.Errors = append(s.Errors, &strictyaml.FieldError{Pos: strictyaml.Pos{File: path}, Msg: o.Error(), Err: o})
	}
}

// readFile reads a tenant file: a regular file (never through a symlink:
// one swapped in after the directory was listed is refused too), at most
// max bytes.
func readFile(path string, max int) ([]byte, error) {
	data, err := safefile.Read(path, int64(max), safefile.NoLinks)
	if errors.Is(err, safefile.ErrTooLarge) {
		return nil, fmt.Errorf("file is larger than the limit of %d bytes", max)
	}
	return data, err
}

// digest hashes the files' names and contents in name order.
func digest(files []File) string {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	h := sha256.New()
	for _, f := range sorted {
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(f.Path), len(f.Data))
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

type decodeResult struct {
	t   *Tenant
	err error
}

// decodeAll decodes every file on every core; the results keep the files'
// order, so everything after is as deterministic as a sequential decode.
func decodeAll(files []File, cfg *config.Config) []decodeResult {
	out := make([]decodeResult, len(files))
	par.Each(len(files), func(i int) {
		t, err := decode(files[i].Path, files[i].Data, cfg)
		out[i] = decodeResult{t, err}
	})
	return out
}
