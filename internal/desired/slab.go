package desired

import (
	"github.com/syncd-dev/syncd/internal/tenant"
)

// slab holds the objects of the valid tenants in one array, each tenant's
// built into a window of it, so that the state's list of objects is that
// array compacted in place. At 10,000 tenants, building each tenant's
// objects into a list of its own and then copying every list into the
// state held both copies at once: 9 MB more at the build's peak, and the
// lists' holes in the heap after.
type slab struct {
	objects []Object
	at      []int // tenant i's window is objects[at[i]:at[i+1]]
}

// newSlab sizes a window for each tenant, as many objects as it derives.
func newSlab(b *builder, tenants []*tenant.Tenant) *slab {
	s := &slab{at: make([]int, len(tenants)+1)}
	for i, t := range tenants {
		s.at[i+1] = s.at[i] + objectCount(b, t)
	}
	s.objects = make([]Object, s.at[len(tenants)])
	return s
}

// window is tenant i's window: empty, with room for its objects. A tenant
// that derives more than counted outgrows it (append moves its objects);
// compact then copies it like any other.
func (s *slab) window(i int) []Object { return s.objects[s.at[i]:s.at[i]:s.at[i+1]] }

// compact moves the objects of the builds kept (valid, in tenant order)
// to the front of the array and returns them; what the others built is
// cleared. When a build outgrew its window, its objects no longer fit in
// place: they are copied, with the rest, to a new array.
func (s *slab) compact(kept []*tenantBuild, windows []int) []Object {
	n := 0
	for j, tb := range kept {
		if len(tb.objects) > s.at[windows[j]+1]-s.at[windows[j]] {
			return concat(kept)
		}
		n += len(tb.objects)
	}
	n = 0
	for _, tb := range kept { // each window starts at or after n: copy moves down
		n += copy(s.objects[n:], tb.objects)
	}
	clear(s.objects[n:])
	return s.objects[:n:n]
}

// concat copies the builds' objects into one new list.
func concat(kept []*tenantBuild) []Object {
	n := 0
	for _, tb := range kept {
		n += len(tb.objects)
	}
	out := make([]Object, 0, n)
	for _, tb := range kept {
		out = append(out, tb.objects...)
	}
	return out
}

// objectCount is how many objects b derives for t (builder.tenant): a
// package variable so that a test can count short.
var objectCount = func(b *builder, t *tenant.Tenant) int {
	n := 2 + 3*len(t.Spec.Databases) // policy, auth role; per database a role, a generator, an ExternalSecret
	if b.cfg.Kubernetes.ManageNamespaces {
		n += 2 // namespace, service account
	}
	if len(t.Spec.Secrets) > 0 {
		n += 1 + len(t.Spec.Secrets) // the store, an ExternalSecret each
	}
	return n
}
