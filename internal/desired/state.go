package desired

import (
	"encoding/json"
	"slices"

	"github.com/syncd-dev/syncd/internal/object"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// State is the desired state of every tenant.
type State struct {
	Tenants []Tenant `json:"tenants"`
	// Objects are the objects syncd manages, sorted by ID.
	Objects []Object `json:"objects"`
	// External are objects that syncd's objects refer to but that another
	// system owns (database connections, namespaces, KV secret values),
	// sorted by ID.
	External []External `json:"external"`
}

// Tenant summarises one tenant's place in the state. Its objects are the
// state's objects that name it (ByTenant): the state holds each identity
// once.
type Tenant struct {
	Name           string `json:"name"`
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
	KVPrefix       string `json:"kvPrefix"`
}

// Object is one managed object.
type Object struct {
	ID     object.ID `json:"id"`
	Tenant string    `json:"tenant"`
	// Refs are the objects that must exist before this one works.
	Refs []object.ID `json:"refs,omitempty"`
	Spec Spec        `json:"spec"`
}

// External is an object syncd depends on but does not own.
type External struct {
	ID object.ID `json:"id"`
	// Tenant is set when only one tenant needs it.
	Tenant string `json:"tenant,omitempty"`
}

// Spec is the desired content of one object: *PolicySpec, *AuthRoleSpec,
// *DatabaseRoleSpec or *ManifestSpec.
type Spec interface{ isSpec() }

// PolicySpec is a Vault ACL policy.
type PolicySpec struct {
	Name   string        `json:"name"`
	Policy policy.Policy `json:"-"`
	// HCL is the text of a policy read from Vault or from a saved plan. A
	// desired policy leaves it empty: Text renders it when it is needed
	// (written, shown, compared with a live text); at 10,000 tenants the
	// texts were 6 MB held for the whole run.
	HCL string `json:"hcl"`
	// ParseError is set on a live policy whose text syncd cannot parse;
	// Policy is then empty and HCL holds the text as read.
	ParseError string `json:"parseError,omitempty"`
	// Comment is the header rendered into HCL.
	Comment string `json:"-"`
}

// NewPolicySpec is p, normalised, under a header comment.
func NewPolicySpec(name string, p policy.Policy, comment string) *PolicySpec {
	return &PolicySpec{Name: name, Policy: p.Normalize(), Comment: comment}
}

// rendered reports whether the policy's text is rendered from Policy and
// Comment (a desired policy) rather than held as read.
func (s *PolicySpec) rendered() bool { return s.HCL == "" && s.ParseError == "" }

// Text returns the policy's HCL: as read, or rendered for a desired policy.
func (s *PolicySpec) Text() string {
	if !s.rendered() {
		return s.HCL
	}
	return string(policy.Render(s.Policy, s.Comment))
}

// HasText reports whether the policy's HCL is text, without a copy of its
// own (reading the live state asks it of every desired policy).
func (s *PolicySpec) HasText(text string) bool {
	if !s.rendered() {
		return s.HCL == text
	}
	return string(policy.Render(s.Policy, s.Comment)) == text // compared, not copied
}

// textBytes is Text as bytes, without a copy of a rendered text.
func (s *PolicySpec) textBytes() []byte {
	if !s.rendered() {
		return []byte(s.HCL)
	}
	return policy.Render(s.Policy, s.Comment)
}

// MarshalJSON writes the policy with its text (Text).
func (s *PolicySpec) MarshalJSON() ([]byte, error) {
	type plain PolicySpec // without this method
	cp := plain(*s)
	cp.HCL = s.Text()
	return json.Marshal(cp)
}

// Without returns the policy without the rules whose path drop reports.
func (s *PolicySpec) Without(drop func(path string) bool) *PolicySpec {
	var p policy.Policy
	for _, r := range s.Policy.Rules {
		if !drop(r.Path) {
			p.Rules = append(p.Rules, r)
		}
	}
	return NewPolicySpec(s.Name, p, s.Comment)
}

// AuthRoleSpec is a Kubernetes auth method role. Every field Vault returns
// is modelled: syncd is the only writer of the roles it owns, so a field set
// out of band (a namespace selector, a period, a longer explicit max TTL)
// is drift even where syncd itself sets the server's default.
type AuthRoleSpec struct {
	Name                                 string       `json:"name"`
	BoundServiceAccountNames             []string     `json:"boundServiceAccountNames"`
	BoundServiceAccountNamespaces        []string     `json:"boundServiceAccountNamespaces"`
	BoundServiceAccountNamespaceSelector string       `json:"boundServiceAccountNamespaceSelector,omitempty"`
	TokenPolicies                        []string     `json:"tokenPolicies"`
	TokenTTL                             ttl.Duration `json:"tokenTTL"`
	TokenMaxTTL                          ttl.Duration `json:"tokenMaxTTL"`
	TokenExplicitMaxTTL                  ttl.Duration `json:"tokenExplicitMaxTTL,omitempty"`
	TokenPeriod                          ttl.Duration `json:"tokenPeriod,omitempty"`
	TokenNumUses                         int64        `json:"tokenNumUses,omitempty"`
	TokenNoDefaultPolicy                 bool         `json:"tokenNoDefaultPolicy,omitempty"`
	TokenBoundCIDRs                      []string     `json:"tokenBoundCIDRs,omitempty"`
	TokenType                            string       `json:"tokenType"`
	AliasNameSource                      string       `json:"aliasNameSource"`
	Audience                             string       `json:"audience,omitempty"`
	// Unknown holds, on a live role only, fields Vault returned that syncd
	// does not model, with a non-zero value: each counts as drift.
	Unknown map[string]string `json:"unknown,omitempty"`
}

// DatabaseRoleSpec is a database secrets engine role, every field modelled.
type DatabaseRoleSpec struct {
	Name                 string            `json:"name"`
	DBName               string            `json:"dbName"`
	Privilege            string            `json:"privilege"`
	CreationStatements   []string          `json:"creationStatements"`
	RevocationStatements []string          `json:"revocationStatements,omitempty"`
	RollbackStatements   []string          `json:"rollbackStatements,omitempty"`
	RenewStatements      []string          `json:"renewStatements,omitempty"`
	DefaultTTL           ttl.Duration      `json:"defaultTTL"`
	MaxTTL               ttl.Duration      `json:"maxTTL"`
	CredentialType       string            `json:"credentialType"`
	CredentialConfig     map[string]string `json:"credentialConfig,omitempty"`
	// Unknown: as on AuthRoleSpec.
	Unknown map[string]string `json:"unknown,omitempty"`
}

// Server defaults syncd writes explicitly, so that it owns them.
const (
	DefaultTokenType       = "default"
	DefaultAliasNameSource = "serviceaccount_uid"
	DefaultCredentialType  = "password"
)

func (*PolicySpec) isSpec()       {}
func (*AuthRoleSpec) isSpec()     {}
func (*DatabaseRoleSpec) isSpec() {}
func (*ManifestSpec) isSpec()     {}

// Get returns the object with id.
func (s *State) Get(id object.ID) (Object, bool) {
	i, ok := s.Index(id)
	if !ok {
		return Object{}, false
	}
	return s.Objects[i], true
}

// SpecOf returns the spec of the object with id, or nil when s is nil or
// holds no such object.
func (s *State) SpecOf(id object.ID) Spec {
	if s == nil {
		return nil
	}
	o, _ := s.Get(id)
	return o.Spec
}

// Index returns the position of the object with id in Objects (sorted by
// identity).
func (s *State) Index(id object.ID) (int, bool) {
	return slices.BinarySearchFunc(s.Objects, id, func(o Object, id object.ID) int { return object.Compare(o.ID, id) })
}

// ExternalIndex returns the position of the external object with id in
// External (sorted by identity).
func (s *State) ExternalIndex(id object.ID) (int, bool) {
	return slices.BinarySearchFunc(s.External, id, func(e External, id object.ID) int { return object.Compare(e.ID, id) })
}

// ByTenant returns each tenant's objects, found in one pass over the state
// (not a search per object).
func (s *State) ByTenant() map[string][]*Object {
	out := make(map[string][]*Object, len(s.Tenants))
	for i := range s.Objects {
		o := &s.Objects[i]
		out[o.Tenant] = append(out[o.Tenant], o)
	}
	return out
}

// ObjectIDs returns the identities of objs, in order.
func ObjectIDs(objs []*Object) []object.ID {
	if objs == nil {
		return nil
	}
	ids := make([]object.ID, len(objs))
	for i, o := range objs {
		ids[i] = o.ID
	}
	return ids
}

// IDs returns the set of managed object IDs.
func (s *State) IDs() object.Set {
	out := object.Set{}
	for _, o := range s.Objects {
		out.Add(o.ID)
	}
	return out
}

// Only returns the state of the named tenants: their tenants, their
// objects and the externals those refer to (s itself when names is empty).
func (s *State) Only(names []string) *State {
	if len(names) == 0 {
		return s
	}
	out := &State{}
	keep := map[string]bool{}
	for _, n := range names {
		keep[n] = true
	}
	ids := object.Set{}
	for _, t := range s.Tenants {
		if keep[t.Name] {
			out.Tenants = append(out.Tenants, t)
		}
	}
	for _, o := range s.Objects {
		if keep[o.Tenant] {
			out.Objects = append(out.Objects, o)
			for _, r := range o.Refs {
				ids.Add(r)
			}
		}
	}
	for _, e := range s.External {
		if ids.Has(e.ID) {
			out.External = append(out.External, e)
		}
	}
	return out
}
