package reconcile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
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
}

// Load reads the platform config (configPath, or <dir>/syncd.yaml, whose
// absence means the built-in defaults) and the tenants. A config error is
// returned as is; tenant errors are in Tenants.Errors and leave the valid
// tenants usable.
func Load(dir, configPath string, log *slog.Logger) (*Repo, error) {
	path, optional := configPath, false
	if path == "" {
		path, optional = filepath.Join(dir, "syncd.yaml"), true
	}
	cfg, err := config.Load(path, optional)
	if err != nil {
		return nil, err
	}
	if _, statErr := os.Stat(path); statErr != nil {
		log.Info("no platform config; using the built-in defaults (the seed platform)", "path", path)
	} else {
		log.Debug("platform config", "path", path)
	}
	set, err := tenant.LoadDir(filepath.Join(dir, "tenants"), cfg)
	if err != nil {
		return nil, err
	}
	state, err := desired.Build(cfg, set)
	if err != nil {
		return nil, fmt.Errorf("desired state: %w", err)
	}
	return &Repo{Cfg: cfg, Tenants: set, State: state, Isolation: desired.CheckIsolation(cfg, state),
		Digest: filesDigest(path, set.Digest)}, nil
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
	if data, err := os.ReadFile(configPath); err == nil {
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(configPath), len(data))
		h.Write(data)
	}
	h.Write([]byte(tenants))
	return hex.EncodeToString(h.Sum(nil))[:16]
}
