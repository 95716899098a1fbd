// Package live holds the live state read from Vault and Kubernetes as plain
// data, in the same shapes as the desired state so the two can be paired by
// identity and compared. The readers that fill it live in the vaultread and
// kuberead subpackages; no client library type crosses into this package.
package live

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/inventory"
	"github.com/syncd-dev/syncd/internal/object"
)

// State is everything read from the live systems for one plan.
type State struct {
	sync.Mutex // guards the maps while readers fill them concurrently

	// Objects are the live objects found, by identity, but for the ones
	// held as converged (Same): Get finds both.
	Objects map[object.ID]Object
	// Connections are the platform's database connections that desired
	// database roles refer to; a missing one is absent from the map.
	Connections map[object.ID]Connection
	// Present are external objects (namespaces, service accounts, KV secrets)
	// that were looked for and exist.
	Present object.Set
	// Looked are the external objects that were looked for at all.
	Looked object.Set
	// NamespaceTenants maps each namespace found that a tenant needs to the
	// value of its tenant label (kubernetes.tenantLabel; "" without one):
	// the tenant it belongs to.
	NamespaceTenants map[string]string
	// Targets holds, for each desired ExternalSecret about to be written
	// with a target Secret its live one does not already have (a create, a
	// new target), whether that Secret exists: ESO takes over an existing
	// Secret no other ExternalSecret owns.
	Targets map[object.ID]Target
	// KVKeys are the secrets (paths inside the mount) under each KV prefix
	// that was looked for, listed recursively: what deleting the prefix
	// deletes.
	KVKeys map[object.ID][]string
	// Inventory is what this syncd instance owns.
	Inventory *inventory.Inventory
	// Desired and Same, when set, let Put hold a converged object as a
	// mark: Same says whether a spec read (got) is the desired one (want).
	// Readers call it concurrently.
	Desired *desired.State
	Same    func(want, got desired.Spec) bool

	conv converged
}

// Put holds o, under s's lock. An object Same finds converged is held as a
// mark against its desired object (with its UID and, in the fingerprint,
// its digest): at 10,000 tenants a converged live state is most of what is
// read, and a map entry with a spec for each was a second copy of the
// desired state.
func (s *State) Put(o Object) {
	if s.Same != nil && s.Desired != nil && o.Spec != nil && !o.Foreign {
		if i, ok := s.Desired.Index(o.ID); ok && s.Desired.Objects[i].Spec != nil && s.Same(s.Desired.Objects[i].Spec, o.Spec) {
			s.Lock()
			s.conv.mark(i, len(s.Desired.Objects), o)
			s.Unlock()
			return
		}
	}
	s.Lock()
	s.Objects[o.ID] = o
	s.Unlock()
}

// Get returns the live object with id: one held, or a converged one (its
// spec then is the desired one, and Raw is folded into the fingerprint).
func (s *State) Get(id object.ID) (Object, bool) {
	if o, ok := s.Objects[id]; ok {
		return o, true
	}
	if s.conv.n == 0 || s.Desired == nil {
		return Object{}, false
	}
	i, ok := s.Desired.Index(id)
	if !ok || !s.conv.has(i) {
		return Object{}, false
	}
	o := Object{ID: id, Spec: s.Desired.Objects[i].Spec}
	if s.conv.uids != nil {
		o.UID = s.conv.uids[i]
	}
	return o, true
}

// DesiredSpec returns the desired spec of id, when s knows the desired
// state and id is in it: a reader may skip work for what is read equal to
// it.
func (s *State) DesiredSpec(id object.ID) desired.Spec {
	if s.Desired == nil {
		return nil
	}
	if i, ok := s.Desired.Index(id); ok {
		return s.Desired.Objects[i].Spec
	}
	return nil
}

// Has reports whether a live object with id was found.
func (s *State) Has(id object.ID) bool {
	_, ok := s.Get(id)
	return ok
}

// Len is the number of live objects found, converged ones included.
func (s *State) Len() int { return len(s.Objects) + s.conv.n }

// Object is one live object, normalised into a desired.Spec.
type Object struct {
	ID   object.ID
	Spec desired.Spec
	// Raw fingerprints what was read (no secret values): Digest of its
	// rendering, not the rendering itself, which would be a second copy of
	// every live object.
	Raw []byte
	// UID is a Kubernetes object's uid, so a delete can require it.
	UID string
	// Foreign: a Kubernetes object none of whose managedFields entries is
	// syncd's, so syncd never wrote it. A converged object is held as a
	// mark only when it is not foreign. Vault keeps no writer: false.
	Foreign bool
}

// Target is what was found of an ExternalSecret's target Secret, read
// without its data (a server-side dry-run create: syncd cannot read
// Secrets).
type Target struct {
	Secret string `json:"secret"` // its name, in the ExternalSecret's namespace
	Exists bool   `json:"exists"`
	// Err says why it could not be checked ("" when it was).
	Err string `json:"err,omitempty"`
}

// Connection is what syncd needs to know of a database connection; its
// credentials are never read into here.
type Connection struct {
	Plugin       string   `json:"plugin"`
	AllowedRoles []string `json:"allowedRoles"`
}

// New returns an empty state.
func New() *State {
	return &State{
		Objects: map[object.ID]Object{}, Connections: map[object.ID]Connection{}, KVKeys: map[object.ID][]string{},
		Present: object.Set{}, Looked: object.Set{}, NamespaceTenants: map[string]string{}, Targets: map[object.ID]Target{}, Inventory: &inventory.Inventory{},
	}
}

// Fingerprint hashes everything read, so a saved plan can tell whether the
// live state changed since it was computed.
func (s *State) Fingerprint() string {
	h := sha256.New()
	for _, id := range object.NewSet(keys(s.Objects)...).Sorted() {
		h.Write([]byte(id.String()))
		h.Write(s.Objects[id].Raw)
	}
	for _, id := range object.NewSet(keys(s.Connections)...).Sorted() {
		b, _ := json.Marshal(s.Connections[id])
		h.Write([]byte(id.String()))
		h.Write(b)
	}
	for _, id := range s.Present.Sorted() {
		h.Write([]byte("present:" + id.String()))
	}
	for _, ns := range slices.Sorted(maps.Keys(s.NamespaceTenants)) {
		h.Write([]byte("namespace:" + ns + "\x00" + s.NamespaceTenants[ns] + "\x00"))
	}
	for _, id := range object.NewSet(keys(s.Targets)...).Sorted() {
		if t := s.Targets[id]; t.Exists { // not the unchecked: a plan checked by another identity is still fresh
			h.Write([]byte("target:" + id.String() + "\x00" + t.Secret + "\x00"))
		}
	}
	for _, id := range object.NewSet(keys(s.KVKeys)...).Sorted() {
		b, _ := json.Marshal(s.KVKeys[id])
		h.Write([]byte("kv:" + id.String()))
		h.Write(b)
	}
	if s.conv.n > 0 {
		h.Write([]byte("converged:"))
		h.Write(s.conv.sum[:])
	}
	// Tenant by tenant: the whole inventory marshalled at once was 16 MB
	// at 10,000 tenants.
	enc := json.NewEncoder(h)
	for _, name := range s.Inventory.TenantNames() {
		h.Write([]byte("tenant:" + name + "\x00"))
		_ = enc.Encode(s.Inventory.Tenants[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Digest is the fingerprint of one object's rendering, for Object.Raw.
func Digest(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(make([]byte, 0, sha256.Size))
}

func keys[V any](m map[object.ID]V) []object.ID {
	out := make([]object.ID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Counter counts the HTTP requests made to one system, and among them the
// writes (every method but GET, HEAD and Vault's LIST).
type Counter struct{ n, writes atomic.Int64 }

// Count returns the requests counted so far.
func (c *Counter) Count() int64 { return c.n.Load() }

// Counts is a Counter's totals at one moment.
type Counts struct{ N, W int64 }

// Snapshot returns the totals so far.
func (c *Counter) Snapshot() *Counts { return &Counts{N: c.n.Load(), W: c.writes.Load()} }

// Writes returns the write requests counted so far.
func (c *Counter) Writes() int64 { return c.writes.Load() }

// Wrap returns a RoundTripper that counts every request through rt.
func (c *Counter) Wrap(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return countingTransport{rt: rt, c: c}
}

type countingTransport struct {
	rt http.RoundTripper
	c  *Counter
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.c.n.Add(1)
	switch r.Method {
	case http.MethodGet, http.MethodHead, "LIST":
	default:
		t.c.writes.Add(1)
	}
	return t.rt.RoundTrip(r)
}
