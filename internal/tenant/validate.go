package tenant

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/naming"
	"github.com/syncd-dev/syncd/internal/strictyaml"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// Decode decodes and validates one tenant file on its own. Checks that need
// the other tenants are in Parse.
func Decode(file string, data []byte, cfg *config.Config) (*Tenant, error) {
	t, err := decode(file, data, cfg)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// decode is Decode that, on error, also returns the partially decoded tenant
// (or nil), so cross-file checks can still report on it.
func decode(file string, data []byte, cfg *config.Config) (*Tenant, error) {
	t := &Tenant{File: file}
	pos, err := strictyaml.Decode(file, data, t, strictyaml.DefaultLimits)
	if err != nil && !pos.Partial() {
		return nil, err
	}
	shape, _ := strictyaml.Flatten(err)
	t.Pos = pos
	v := checker{pos: pos}
	v.check(t, cfg)
	if err := shape.Merge(v.errs).Err(); err != nil {
		return t, err
	}
	return t, nil
}

type checker struct {
	pos  strictyaml.Positions
	errs strictyaml.Errors
}

func (v *checker) add(field, format string, args ...any) {
	v.errs = append(v.errs, v.pos.Errorf(field, format, args...))
}

func (v *checker) check(t *Tenant, cfg *config.Config) {
	if t.APIVersion != APIVersion {
		v.add("apiVersion", "must be %q, got %q", APIVersion, t.APIVersion)
	}
	if t.Kind != Kind {
		v.add("kind", "must be %q, got %q", Kind, t.Kind)
	}
	name := t.Metadata.Name
	if err := naming.DNSLabel(name); err != nil {
		v.add("metadata.name", "%v", err)
		return // every derived name depends on it
	}
	base := filepath.Base(t.File)
	if stem := strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml"); stem != name {
		v.add("metadata.name", "%q does not match the file name %q (want %s.yaml)", name, base, name)
	}
	for field, derived := range map[string]string{
		"policy": cfg.PolicyName(name), "auth role": cfg.AuthRoleName(name),
	} {
		if err := naming.VaultName(derived); err != nil {
			v.add("metadata.name", "derived %s name: %v", field, err)
		}
	}
	if err := config.CheckPolicyName(cfg.PolicyName(name)); err != nil {
		v.add("metadata.name", "derived policy: %v", err)
	}
	if err := cfg.CheckKVPrefix(cfg.KVPrefix(name)); err != nil {
		v.add("metadata.name", "derived %v", err)
	}
	// The namespace a tenant ends up in is checked, whether written or
	// derived from the template (tenant "kube-system" with "{tenant}").
	ns, nsf := NamespaceOf(t, cfg), nsField(t)
	switch err := naming.DNSLabel(ns); {
	case err != nil && t.Spec.Namespace == "":
		v.add(nsf, "derived namespace: %v", err)
	case err != nil:
		v.add(nsf, "%v", err)
	case t.Spec.Namespace != "":
		if err := cfg.CheckNamespaceOverride(ns, cfg.Namespace(name)); err != nil {
			v.add(nsf, "%v", err)
		}
	default:
		if err := cfg.CheckNamespace(ns); err != nil {
			v.add(nsf, "derived %v", err)
		}
	}
	if sa := t.Spec.ServiceAccount; sa != "" {
		if err := naming.DNSSubdomain(sa); err != nil {
			v.add("spec.serviceAccount", "%v", err)
		} else if err := cfg.CheckServiceAccount(sa); err != nil {
			v.add("spec.serviceAccount", "%v", err)
		}
	}
	lim := cfg.Limits
	// limits.maxAuthTTL is shorter than the off-boarding grace period
	// (config), so the deprecated policy outlives every token.
	v.bounded("spec.auth.ttl", t.Spec.Auth.TTL, lim.MinTTL, lim.MaxAuthTTL, "the platform's maximum", "limits.maxAuthTTL")
	v.bounded("spec.auth.maxTTL", t.Spec.Auth.MaxTTL, lim.MinTTL, lim.MaxAuthTTL, "the platform's maximum", "limits.maxAuthTTL")
	v.ttls("spec.auth", t.Spec.Auth.TTL, t.Spec.Auth.MaxTTL, cfg.Auth.TTL, cfg.Auth.MaxTTL, "ttl", "maxTTL")
	// Kubernetes names claimed so far -> the field that claimed them.
	targets, externals := map[string]string{}, map[string]string{}
	v.secrets(t, cfg, targets, externals)
	v.databases(t, cfg, targets, externals)
}

// bounded checks a duration the tenant set (0: not set) against the
// platform's bounds; whose and setting name the maximum.
func (v *checker) bounded(field string, d, min, max ttl.Duration, whose, setting string) {
	switch {
	case d == 0:
	case d < min:
		v.add(field, "%s is shorter than the platform's minimum %s (syncd.yaml limits.minTTL)", d, min)
	case d > max:
		v.add(field, "%s exceeds %s %s (syncd.yaml %s)", d, whose, max, setting)
	}
}

// ttls checks a (default, max) pair after applying defaults.
func (v *checker) ttls(field string, def, max, defDefault, maxDefault ttl.Duration, defName, maxName string) {
	if def == 0 {
		def = defDefault
	}
	if max == 0 {
		max = maxDefault
	}
	if max < def {
		v.add(field+"."+maxName, "%s %s is shorter than %s %s", maxName, max, defName, def)
	}
}

func (v *checker) claim(targets map[string]string, target, field string) {
	if err := naming.DNSSubdomain(target); err != nil {
		v.add(field, "target Secret name: %v", err)
		return
	}
	if prev, dup := targets[target]; dup {
		v.add(field, "target Secret %q is already written by %s", target, prev)
		return
	}
	targets[target] = field
}

// claimName claims an ExternalSecret name; secrets and databases share them.
func (v *checker) claimName(names map[string]string, name, field string) {
	if prev, dup := names[name]; dup {
		v.add(field, "ExternalSecret name %q is already used by %s", name, prev)
		return
	}
	names[name] = field
}

func (v *checker) secrets(t *Tenant, cfg *config.Config, targets, externals map[string]string) {
	paths := map[string]string{}
	for i, s := range t.Spec.Secrets {
		f := fmt.Sprintf("spec.secrets[%d]", i)
		if err := naming.DNSSubdomain(s.Name); err != nil {
			v.add(f+".name", "%v", err)
		} else {
			v.claimName(externals, s.ExternalSecretName(), f+".name")
		}
		if err := naming.RelPath(s.Path); err != nil {
			v.add(f+".path", "%v", err)
		} else if prev, dup := paths[s.Path]; dup {
			v.add(f+".path", "duplicate path %q (also %s)", s.Path, prev)
		} else {
			paths[s.Path] = f
		}
		if len(s.Keys) == 0 {
			v.add(f+".keys", "at least one key is required")
		}
		keys := map[string]bool{}
		for j, k := range s.Keys {
			kf := fmt.Sprintf("%s.keys[%d]", f, j)
			if err := naming.SecretKey(k); err != nil {
				v.add(kf, "%v", err)
			} else if keys[k] {
				v.add(kf, "duplicate key %q", k)
			}
			keys[k] = true
		}
		v.refresh(f+".refreshInterval", s.RefreshInterval, cfg)
		v.claim(targets, s.TargetName(), f+".target")
	}
}

// refresh bounds a refreshInterval the tenant set.
func (v *checker) refresh(field string, d ttl.Duration, cfg *config.Config) {
	if d != 0 && d < cfg.Limits.MinRefreshInterval {
		v.add(field, "%s is shorter than the platform's minimum %s (syncd.yaml limits.minRefreshInterval)", d, cfg.Limits.MinRefreshInterval)
	} else if d > cfg.Limits.MaxRefreshInterval {
		v.add(field, "%s exceeds the platform's maximum %s (syncd.yaml limits.maxRefreshInterval)", d, cfg.Limits.MaxRefreshInterval)
	}
}

func (v *checker) databases(t *Tenant, cfg *config.Config, targets, externals map[string]string) {
	names := map[string]string{}
	for i, d := range t.Spec.Databases {
		f := fmt.Sprintf("spec.databases[%d]", i)
		if err := naming.DNSLabel(d.Name); err != nil {
			v.add(f+".name", "%v", err)
			continue
		}
		if prev, dup := names[d.Name]; dup {
			v.add(f+".name", "duplicate database name %q (also %s)", d.Name, prev)
		} else {
			names[d.Name] = f
			v.claimName(externals, d.ExternalSecretName(), f+".name")
		}
		if err := naming.VaultName(cfg.DatabaseRoleName(t.Metadata.Name, d.Name)); err != nil {
			v.add(f+".name", "derived database role name: %v", err)
		}
		conn, ok := cfg.Databases[d.Connection]
		if !ok {
			v.add(f+".connection", "unknown connection %q (the platform config knows: %s)", d.Connection, known(cfg.Databases))
		} else {
			if _, ok := conn.Privileges[d.Privilege]; !ok {
				v.add(f+".privilege", "unknown privilege level %q for connection %q (known: %s)", d.Privilege, d.Connection, known(conn.Privileges))
			}
			v.bounded(f+".defaultTTL", d.DefaultTTL, cfg.Limits.MinTTL, conn.MaxTTL, "the connection's maximum", "databases."+d.Connection+".maxTTL")
			v.bounded(f+".maxTTL", d.MaxTTL, cfg.Limits.MinTTL, conn.MaxTTL, "the connection's maximum", "databases."+d.Connection+".maxTTL")
			v.ttls(f, d.DefaultTTL, d.MaxTTL, conn.DefaultTTL, conn.MaxTTL, "defaultTTL", "maxTTL")
			v.refresh(f+".refreshInterval", d.RefreshInterval, cfg)
			if c := t.Credentials(d, cfg); c.Refresh > c.MaxRefresh || c.MaxRefresh <= 0 {
				v.add(f+".refreshInterval", "refreshInterval %s would leave dead credentials in the Secret: they live %s "+
					"(min of the lease TTL %s and the login-token TTL %s, since ESO logs in for every generation); "+
					"refresh at most every %s (half their life)", c.Refresh, c.Lifetime, c.LeaseTTL, c.TokenTTL, c.MaxRefresh)
			}
		}
		v.claim(targets, d.TargetName(), f+".target")
	}
}

func known[V any](m map[string]V) string {
	if len(m) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(m)), ", ")
}
