package live

import (
	"crypto/sha256"
	"math/bits"

	"github.com/syncd-dev/syncd/internal/object"
)

// converged marks the live objects found equal to their desired objects,
// by position in the desired state's objects: a bit each, a UID for a
// Kubernetes object (a delete requires it), and the XOR of their digests
// for the fingerprint (order-free, so marks need no sorting).
type converged struct {
	bits []uint64
	uids []string // by position; nil until an object with a UID is marked
	n    int
	sum  [sha256.Size]byte
}

// mark records o as converged with the desired object at position i of n.
// A second mark of one position keeps the first.
func (c *converged) mark(i, n int, o Object) {
	if c.bits == nil {
		c.bits = make([]uint64, (n+63)/64)
	}
	if c.has(i) {
		return
	}
	c.bits[i/64] |= 1 << (i % 64)
	c.n++
	if o.UID != "" {
		if c.uids == nil {
			c.uids = make([]string, n)
		}
		c.uids[i] = o.UID
	}
	d := objectDigest(o.ID, o.Raw)
	for k := range c.sum {
		c.sum[k] ^= d[k]
	}
}

func (c *converged) has(i int) bool {
	return i/64 < len(c.bits) && c.bits[i/64]&(1<<(i%64)) != 0
}

// merge takes in other's marks: two readers (Vault, Kubernetes) mark
// disjoint objects.
func (c *converged) merge(other *converged) {
	if other.n == 0 {
		return
	}
	if c.bits == nil {
		c.bits = make([]uint64, len(other.bits))
	}
	for k, w := range other.bits {
		c.n -= bits.OnesCount64(c.bits[k] & w) // marked by both: counted once
		c.bits[k] |= w
	}
	c.n += other.n
	if other.uids != nil {
		if c.uids == nil {
			c.uids = make([]string, len(other.uids))
		}
		for i, u := range other.uids {
			if u != "" {
				c.uids[i] = u
			}
		}
	}
	for k := range c.sum {
		c.sum[k] ^= other.sum[k]
	}
}

// objectDigest fingerprints one object: its identity and what was read.
func objectDigest(id object.ID, raw []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(id.String()))
	h.Write([]byte{0})
	h.Write(raw)
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}
