package testbed

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Binaries are the resolved paths of every component.
type Binaries struct {
	Vault, KubeAPIServer, Etcd string
	ESO                        string // the External Secrets Operator controller
	CRDs                       string // ESO CRD bundle
	Initdb, Postgres           string
	Versions                   map[string]string
}

// ErrMissing reports components that are not built or installed.
type ErrMissing struct{ Missing []string }

func (e *ErrMissing) Error() string {
	return fmt.Sprintf("test bed components missing: %s (run `make testbed` to build them into %s)",
		strings.Join(e.Missing, ", "), CacheDir())
}

// CacheDir is where build.sh puts binaries, outside the repository.
func CacheDir() string {
	if d := os.Getenv("SYNCD_CACHE_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "syncd")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "syncd")
}

// RepoRoot finds the repository root by walking up from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "hack", "testbed", "versions.env")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find hack/testbed/versions.env above the working directory")
		}
		dir = parent
	}
}

func readVersions(root string) (map[string]string, error) {
	f, err := os.Open(filepath.Join(root, "hack", "testbed", "versions.env"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = v
		}
	}
	return out, sc.Err()
}

// FindBinaries resolves every component or returns *ErrMissing.
func FindBinaries() (*Binaries, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	v, err := readVersions(root)
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(CacheDir(), "bin")
	b := &Binaries{
		Vault:         filepath.Join(bin, "vault-"+v["VAULT_VERSION"]),
		KubeAPIServer: filepath.Join(bin, "kube-apiserver-"+v["KUBE_VERSION"]),
		Etcd:          filepath.Join(bin, "etcd-"+v["ETCD_VERSION"]),
		ESO:           filepath.Join(bin, "eso-controller-"+v["ESO_VERSION"]),
		CRDs:          filepath.Join(CacheDir(), "eso-crds-"+v["ESO_VERSION"], "bundle.yaml"),
		Versions:      v,
	}
	var missing []string
	for name, path := range map[string]string{"vault": b.Vault, "kube-apiserver": b.KubeAPIServer, "etcd": b.Etcd, "ESO CRDs": b.CRDs, "eso-controller": b.ESO} {
		if _, err := os.Stat(path); err != nil {
			missing = append(missing, name)
		}
	}
	b.Initdb, b.Postgres = findPostgres()
	if b.Initdb == "" {
		missing = append(missing, "postgres (initdb/postgres; apt-get install postgresql)")
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return b, &ErrMissing{Missing: missing}
	}
	return b, nil
}

func findPostgres() (initdb, postgres string) {
	if i, err := exec.LookPath("initdb"); err == nil {
		if p, err := exec.LookPath("postgres"); err == nil {
			return i, p
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "postgres")
		if _, err := os.Stat(i); err == nil {
			if _, err := os.Stat(p); err == nil {
				return i, p
			}
		}
	}
	return "", ""
}
