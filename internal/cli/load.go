package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/tenant"
)

// loaded is everything read from a repository directory.
type loaded struct {
	cfg     *config.Config
	tenants *tenant.Set
	state   *desired.State // of the valid tenants only
	// isolation is the offline isolation proof's verdict on state; every
	// command refuses to go on without it.
	isolation error
	// digest identifies the config and tenant files read.
	digest string
}

func (l *loaded) hasTenant(name string) bool {
	for _, t := range l.state.Tenants {
		if t.Name == name {
			return true
		}
	}
	return false
}

// load reads the config and the tenants. A config error is returned as is;
// tenant errors are in tenants.Errors and leave the valid tenants usable.
func (o *options) load() (*loaded, error) {
	path, optional := o.config, false
	if path == "" {
		path, optional = filepath.Join(o.dir, "syncd.yaml"), true
	}
	cfg, err := config.Load(path, optional)
	if err != nil {
		return nil, err
	}
	if _, statErr := os.Stat(path); statErr != nil {
		o.log.Info("no platform config; using the built-in defaults (the seed platform)", "path", path)
	} else {
		o.log.Debug("platform config", "path", path)
	}
	set, err := tenant.LoadDir(filepath.Join(o.dir, "tenants"), cfg)
	if err != nil {
		return nil, err
	}
	state, err := desired.Build(cfg, set)
	if err != nil {
		return nil, fmt.Errorf("desired state: %w", err)
	}
	return &loaded{cfg: cfg, tenants: set, state: state, isolation: desired.CheckIsolation(cfg, state),
		digest: filesDigest(path, set.Digest)}, nil
}
