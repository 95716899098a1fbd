package reconcile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/safefile"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// Repo is everything read from a repository directory.
type Repo struct {
	Cfg     *config.Config
	Tenants *tenant.Set
	State   *desired.State // of the valid tenants only
	// Isolation is the offline isolation proof's verdict on State; nothing
	// is planned without it.
	Isolation error
	// Digest identifies the config and tenant files read.
	Digest string
	// Revision names where the files came from (source.Snapshot).
	Revision string
	// withoutFiles: Tenants holds no decoded files (WithoutFiles).
	withoutFiles bool
}

// Load reads the platform config (configPath, or <dir>/syncd.yaml, whose
// absence means the built-in defaults) and the tenants. A config error is
// returned as is; tenant errors are in Tenants.Errors and leave the valid
// tenants usable.
func Load(dir, configPath string, log *slog.Logger) (*Repo, error) {
	cfg, path, set, err := read(dir, configPath, log)
	if err != nil {
		return nil, err
	}
	state, isolation, err := desired.BuildChecked(cfg, set)
	if err != nil {
		return nil, fmt.Errorf("desired state: %w", err)
	}
	return &Repo{Cfg: cfg, Tenants: set, State: state, Isolation: isolation,
		Digest: filesDigest(path, set.Digest)}, nil
}

// Checked is what validate needs of a repository directory: the tenants'
// errors and the proofs, without the desired state.
type Checked struct {
	Tenants *tenant.Set
	Proof   *desired.Checked
	// TenantsDir is where the tenant files were read.
	TenantsDir string
}

// Check reads a repository directory as Load does and proves what Load
// proves (desired.Check), holding one tenant's objects at a time.
func Check(dir, configPath string, log *slog.Logger) (*Checked, error) {
	cfg, _, set, err := read(dir, configPath, log)
	if err != nil {
		return nil, err
	}
	c, err := desired.Check(cfg, set)
	if err != nil {
		return nil, fmt.Errorf("desired state: %w", err)
	}
	return &Checked{Tenants: set, Proof: c, TenantsDir: filepath.Join(dir, "tenants")}, nil
}

// LoadConfig reads the platform config alone (configPath, or
// <dir>/syncd.yaml), as Load does: what depends on the config only
// (syncd's own Vault policy) works whatever the tenant files hold.
func LoadConfig(dir, configPath string) (*config.Config, error) {
	path, links := configFile(dir, configPath)
	return config.Load(path, links)
}

// configFile is where the platform config is read from, and whether that
// path may be a symlink: syncd.yaml inside the directory (a Git checkout,
// perhaps) is a regular file, never a symlink; a --config path the
// operator gave may be one.
func configFile(dir, configPath string) (string, safefile.Links) {
	if configPath == "" {
		return filepath.Join(dir, "syncd.yaml"), safefile.NoLinks
	}
	return configPath, safefile.FollowLinks
}

// read reads the platform config and the tenant files; path is the
// config file's.
func read(dir, configPath string, log *slog.Logger) (cfg *config.Config, path string, set *tenant.Set, err error) {
	path, links := configFile(dir, configPath)
	if cfg, err = config.Load(path, links); err != nil {
		return nil, "", nil, err
	}
	log.Debug("platform config", "path", path)
	if set, err = tenant.LoadDir(filepath.Join(dir, "tenants"), cfg); err != nil {
		return nil, "", nil, err
	}
	return cfg, path, set, nil
}

// HasTenant reports whether name has a valid tenant file.
func (r *Repo) HasTenant(name string) bool {
	for _, t := range r.State.Tenants {
		if t.Name == name {
			return true
		}
	}
	return false
}

// filesDigest hashes the platform config file (if any) with the tenant
// files' digest: a saved plan is stale once either changes.
func filesDigest(configPath, tenants string) string {
	h := sha256.New()
	if data, err := safefile.Read(configPath, 1<<20, safefile.FollowLinks); err == nil { // read and checked by config.Load already
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(configPath), len(data))
		h.Write(data)
	}
	h.Write([]byte(tenants))
	return hex.EncodeToString(h.Sum(nil))[:16]
}
