// Package vaultread reads syncd's objects from Vault (read-only): ACL policies,
// Kubernetes auth roles, database roles, the database connections they refer
// to (never their credentials) and KV v2 metadata. It lists each kind once and
// reads the wanted objects that exist concurrently, with a bounded pool.
package vaultread

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/config"
	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/live"
	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/par"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// Logical is the part of vault/api's Logical client the reader uses.
type Logical interface {
	ReadWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
	ListWithContext(ctx context.Context, path string) (*vaultapi.Secret, error)
}

// Reader reads Vault objects.
type Reader struct {
	Logical Logical
	Config  *config.Config
	Workers int // concurrent reads; 8 when zero
	// Direct reads each wanted object instead of listing its kind first:
	// for a plan of a few tenants, whose lists would grow with the others.
	Direct bool
	// Desired, when set, is the desired state: a policy read with exactly
	// its desired text is held as the desired spec (one copy in memory,
	// and no parse of text already parsed). Whether the two are equal is
	// still diff's call.
	Desired *desired.State
}

// ReadError is a failed read of one object.
type ReadError struct {
	ID  object.ID
	Err error
}

func (e *ReadError) Error() string { return fmt.Sprintf("reading %s: %v", e.ID, e.Err) }
func (e *ReadError) Unwrap() error { return e.Err }

// Read fills st with the Vault objects among want that exist.
func (r Reader) Read(ctx context.Context, want live.Wanted, st *live.State) error {
	byKind := map[object.Kind][]object.ID{}
	want.Each(func(id object.ID) {
		if id.System == object.Vault {
			byKind[id.Kind] = append(byKind[id.Kind], id)
		}
	})
	for _, ids := range byKind {
		slices.SortFunc(ids, object.Compare)
	}
	var jobs []object.ID
	for _, kind := range []object.Kind{object.Policy, object.AuthRole, object.DatabaseRole} {
		if r.Direct {
			jobs = append(jobs, byKind[kind]...) // a missing one reads as absent
			continue
		}
		// One list per mount the wanted objects name: the configured one,
		// and any other an owned object was recorded at.
		lists := map[string]map[string]bool{}
		for _, id := range byKind[kind] {
			p := listPath(id)
			names, ok := lists[p]
			if !ok {
				var err error
				if names, err = r.list(ctx, p); err != nil {
					return fmt.Errorf("listing %s: %w", p, err)
				}
				lists[p] = names
			}
			if names[id.Name] {
				jobs = append(jobs, id)
			}
		}
	}
	for _, id := range byKind[object.KVPrefix] {
		keys, err := ListKV(ctx, r.Logical, id.Scope, id.Name)
		if err != nil {
			return &ReadError{ID: id, Err: err}
		}
		st.KVKeys[id] = keys
	}
	// Connections and KV metadata are read directly: one request each.
	jobs = append(jobs, byKind[object.DatabaseConnection]...)
	jobs = append(jobs, byKind[object.KVSecret]...)
	for _, id := range byKind[object.KVSecret] {
		st.Looked.Add(id)
	}
	return r.readAll(ctx, jobs, st)
}

func (r Reader) list(ctx context.Context, path string) (map[string]bool, error) {
	sec, err := r.Logical.ListWithContext(ctx, path)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	if sec == nil {
		return out, nil // nothing there yet
	}
	keys, _ := sec.Data["keys"].([]any)
	for _, k := range keys {
		if s, ok := k.(string); ok {
			out[s] = true
		}
	}
	return out, nil
}

func (r Reader) readAll(ctx context.Context, jobs []object.ID, st *live.State) error {
	workers := r.Workers
	if workers <= 0 {
		workers = 8
	}
	errs := make([]error, len(jobs))
	par.Bounded(len(jobs), workers, func(i int) {
		if err := r.readOne(ctx, jobs[i], st); err != nil {
			errs[i] = &ReadError{ID: jobs[i], Err: err}
		}
	})
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	slices.SortFunc(errs, func(a, b error) int {
		return object.Compare(a.(*ReadError).ID, b.(*ReadError).ID)
	})
	return errors.Join(errs...)
}

// Path is where an object lives in Vault's API, at the mount its identity
// names (a recorded object keeps the mount it was written at, whatever the
// config says now); vaultwrite writes by the same paths.
func Path(id object.ID) string {
	switch id.Kind {
	case object.Policy:
		return "sys/policies/acl/" + id.Name
	case object.AuthRole:
		return id.Scope + "/role/" + id.Name
	case object.DatabaseRole:
		return id.Scope + "/roles/" + id.Name
	case object.DatabaseConnection:
		return id.Scope + "/config/" + id.Name
	case object.KVSecret:
		return id.Scope + "/metadata/" + id.Name
	}
	return ""
}

// listPath is where the objects of id's kind at id's mount are listed.
func listPath(id object.ID) string {
	switch id.Kind {
	case object.Policy:
		return "sys/policies/acl"
	case object.AuthRole:
		return id.Scope + "/role"
	case object.DatabaseRole:
		return id.Scope + "/roles"
	}
	return ""
}

func (r Reader) readOne(ctx context.Context, id object.ID, st *live.State) error {
	sec, err := r.Logical.ReadWithContext(ctx, Path(id))
	if err != nil {
		return err
	}
	if sec == nil || sec.Data == nil {
		return nil // vault/api's "", nil for a missing object: absent, not empty
	}
	switch id.Kind {
	case object.KVSecret:
		if !hasValue(sec.Data, time.Now()) { // metadata only: values are never read
			return nil
		}
		st.Lock()
		st.Present.Add(id)
		st.Unlock()
		return nil
	case object.DatabaseConnection:
		c := live.Connection{Plugin: str(sec.Data["plugin_name"]), AllowedRoles: strs(sec.Data["allowed_roles"])}
		st.Lock()
		st.Connections[id] = c
		st.Unlock()
		return nil
	}
	known, _ := r.Desired.SpecOf(id).(*desired.PolicySpec)
	spec, raw, err := parse(id, sec.Data, known)
	if err != nil {
		return err
	}
	st.Put(live.Object{ID: id, Spec: spec, Raw: raw})
	return nil
}

// parse turns a Vault response into the same spec type the desired state
// uses, and fingerprints it. A policy whose text is known's byte for byte
// is known (the desired spec): parsing the same text again would give the
// same policy, and parsing was most of reading 10,000 tenants' policies.
func parse(id object.ID, d map[string]any, known *desired.PolicySpec) (desired.Spec, []byte, error) {
	var spec desired.Spec
	switch id.Kind {
	case object.Policy:
		text := str(d["policy"])
		raw := live.Digest([]byte("policy\x00"), []byte(text)) // what was read
		if known != nil && known.Name == id.Name && known.HasText(text) {
			return known, raw, nil
		}
		ps := &desired.PolicySpec{Name: id.Name, HCL: text}
		if p, err := policy.Parse([]byte(text), id.Name); err != nil {
			ps.ParseError = err.Error() // the diff shows the text replaced
		} else {
			ps.Policy = p
		}
		return ps, raw, nil
	case object.AuthRole:
		spec = &desired.AuthRoleSpec{
			Name:                                 id.Name,
			BoundServiceAccountNames:             strs(d["bound_service_account_names"]),
			BoundServiceAccountNamespaces:        strs(d["bound_service_account_namespaces"]),
			BoundServiceAccountNamespaceSelector: str(d["bound_service_account_namespace_selector"]),
			TokenPolicies:                        strs(d["token_policies"]),
			TokenTTL:                             seconds(d["token_ttl"]),
			TokenMaxTTL:                          seconds(d["token_max_ttl"]),
			TokenExplicitMaxTTL:                  seconds(d["token_explicit_max_ttl"]),
			TokenPeriod:                          seconds(d["token_period"]),
			TokenNumUses:                         integer(d["token_num_uses"]),
			TokenNoDefaultPolicy:                 d["token_no_default_policy"] == true,
			TokenBoundCIDRs:                      strs(d["token_bound_cidrs"]),
			TokenType:                            str(d["token_type"]),
			AliasNameSource:                      str(d["alias_name_source"]),
			Audience:                             str(d["audience"]),
			Unknown:                              unknown(d, authRoleFields),
		}
	case object.DatabaseRole:
		spec = &desired.DatabaseRoleSpec{
			Name:                 id.Name,
			DBName:               str(d["db_name"]),
			CreationStatements:   desired.SharedStatements(strs(d["creation_statements"])),
			RevocationStatements: desired.SharedStatements(strs(d["revocation_statements"])),
			RollbackStatements:   desired.SharedStatements(strs(d["rollback_statements"])),
			RenewStatements:      desired.SharedStatements(strs(d["renew_statements"])),
			DefaultTTL:           seconds(d["default_ttl"]),
			MaxTTL:               seconds(d["max_ttl"]),
			CredentialType:       str(d["credential_type"]),
			CredentialConfig:     texts(d["credential_config"]),
			Unknown:              unknown(d, databaseRoleFields),
		}
	default:
		return nil, nil, fmt.Errorf("unexpected kind %s", id.Kind)
	}
	raw, err := json.Marshal(spec)
	return spec, live.Digest(raw), err
}

// hasValue reports from KV v2 metadata whether a secret's current version
// can be read: it exists, is not destroyed, and is not deleted (a deletion
// time in the future, from delete_version_after, has not happened yet).
func hasValue(meta map[string]any, now time.Time) bool {
	current := integer(meta["current_version"])
	versions, _ := meta["versions"].(map[string]any)
	v, _ := versions[strconv.FormatInt(current, 10)].(map[string]any)
	if current == 0 || v == nil || v["destroyed"] == true {
		return false
	}
	deleted := str(v["deletion_time"])
	if deleted == "" {
		return true
	}
	at, err := time.Parse(time.RFC3339Nano, deleted)
	return err == nil && at.After(now)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// strs reads a list of strings; Vault also answers a comma-separated string
// for some list fields.
func strs(v any) []string {
	switch t := v.(type) {
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return t
	case string:
		if t == "" {
			return nil
		}
		return []string{t}
	}
	return nil
}

func seconds(v any) ttl.Duration {
	switch t := v.(type) {
	case json.Number:
		n, _ := t.Int64()
		return ttl.FromSeconds(n)
	case float64:
		return ttl.FromSeconds(int64(t))
	case int:
		return ttl.FromSeconds(int64(t))
	case string:
		d, _ := ttl.Parse(t)
		return d
	}
	return 0
}
