package diff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/syncd-dev/syncd/internal/desired"
	"github.com/syncd-dev/syncd/internal/policy"
	"github.com/syncd-dev/syncd/internal/ttl"
)

// Compare returns the fields where live differs from want, after normalising
// both. An empty result means no change. live may be nil (a create): then
// every desired field is listed with an empty Before.
func Compare(want, live desired.Spec) []Field {
	var fields []Field
	switch w := want.(type) {
	case *desired.ManifestSpec:
		var have map[string]any
		if l, ok := live.(*desired.ManifestSpec); ok {
			have = l.Object
		}
		fields = subset("", manifestPart(w.Object), manifestPart(have), live == nil)
	case *desired.PolicySpec:
		// Compare structurally; render canonical HCL only to show a change.
		l, _ := live.(*desired.PolicySpec)
		switch {
		case l == nil:
			fields = []Field{{Path: "policy", After: policy.Canonical(w.Policy)}}
		case l.ParseError != "":
			fields = []Field{{Path: "policy", Before: l.HCL, After: policy.Canonical(w.Policy)}}
		case !policy.Equal(w.Policy, l.Policy):
			fields = []Field{{Path: "policy", Before: policy.Canonical(l.Policy), After: policy.Canonical(w.Policy)}}
		}
	default:
		wf := flat(want)
		var lf map[string]value
		if live != nil {
			lf = flat(live)
		}
		for _, k := range slices.Sorted(maps.Keys(wf)) {
			if wf[k].cmp != lf[k].cmp {
				fields = append(fields, Field{Path: k, Before: lf[k].show, After: wf[k].show})
			}
		}
	}
	for i := range fields {
		if isSensitive(fields[i].Path) {
			fields[i].Before, fields[i].After, fields[i].Sensitive = masked(fields[i].Before), masked(fields[i].After), true
		}
	}
	return fields
}

// value is one normalised field: cmp is compared, show is printed.
type value struct{ cmp, show string }

// flat normalises a Vault role into comparable values per field: TTLs in one
// unit, sets sorted; ordered lists keep their order and their element
// boundaries (["a\nb"] differs from ["a", "b"]).
func flat(s desired.Spec) map[string]value {
	set := func(v []string) value {
		c := slices.Clone(v)
		slices.Sort(c)
		c = slices.Compact(c)
		return value{cmp: jsonText(c), show: strings.Join(c, ", ")}
	}
	list := func(v []string) value { return value{cmp: jsonText(v), show: strings.Join(v, "\n")} }
	scalar := func(v string) value { return value{cmp: v, show: v} }
	secs := func(d ttl.Duration) value { return scalar(d.String()) }
	switch t := s.(type) {
	case *desired.AuthRoleSpec:
		return map[string]value{
			"bound_service_account_names":      set(t.BoundServiceAccountNames),
			"bound_service_account_namespaces": set(t.BoundServiceAccountNamespaces),
			"token_policies":                   set(t.TokenPolicies),
			"token_ttl":                        secs(t.TokenTTL),
			"token_max_ttl":                    secs(t.TokenMaxTTL),
			"audience":                         scalar(t.Audience),
		}
	case *desired.DatabaseRoleSpec:
		return map[string]value{
			"db_name":               scalar(t.DBName),
			"creation_statements":   list(t.CreationStatements),
			"revocation_statements": list(t.RevocationStatements),
			"renew_statements":      list(t.RenewStatements),
			"default_ttl":           secs(t.DefaultTTL),
			"max_ttl":               secs(t.MaxTTL),
		}
	}
	return nil
}

func jsonText(v []string) string {
	if len(v) == 0 {
		return "" // as an absent field: a create does not list it
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// manifestPart is what syncd manages of a Kubernetes object: labels,
// annotations and spec. Status and server-set metadata never count.
func manifestPart(obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	out := map[string]any{}
	if meta, ok := obj["metadata"].(map[string]any); ok {
		for _, k := range []string{"labels", "annotations"} {
			if v, ok := meta[k]; ok {
				out["metadata."+k] = v
			}
		}
	}
	if spec, ok := obj["spec"]; ok {
		out["spec"] = spec
	}
	return out
}

// subset lists the paths where have does not hold what want holds. Fields
// only in have (server-side defaults such as an ExternalSecret's
// deletionPolicy, or another controller's labels) do not count. Lists must
// match in length; their items are compared the same way.
func subset(path string, want, have any, creating bool) []Field {
	switch w := want.(type) {
	case map[string]any:
		h, _ := have.(map[string]any)
		var out []Field
		for _, k := range slices.Sorted(maps.Keys(w)) {
			out = append(out, subset(join(path, k), w[k], h[k], creating)...)
		}
		return out
	case []any:
		h, ok := have.([]any)
		if creating {
			h, ok = make([]any, len(w)), true
		}
		if ok && len(h) == len(w) {
			var out []Field
			for i := range w {
				out = append(out, subset(fmt.Sprintf("%s[%d]", path, i), w[i], h[i], creating)...)
			}
			return out
		}
		return []Field{{Path: path, Before: text(have), After: text(w)}}
	}
	if scalarEqual(path, want, have) {
		return nil
	}
	return []Field{{Path: path, Before: text(have), After: text(want)}}
}

// scalarEqual compares leaves; durations compare in any unit.
func scalarEqual(path string, want, have any) bool {
	if text(want) == text(have) {
		return true
	}
	if strings.HasSuffix(path, "refreshInterval") {
		a, errA := ttl.Parse(fmt.Sprint(want))
		b, errB := ttl.Parse(fmt.Sprint(have))
		return errA == nil && errB == nil && a == b
	}
	return false
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// sensitiveKeys are field names whose values are never shown.
var sensitiveKeys = []string{"password", "token", "jwt", "secret_id", "private_key", "client_secret"}

func isSensitive(path string) bool {
	last := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		last = path[i+1:]
	}
	return slices.Contains(sensitiveKeys, last)
}

func masked(v string) string {
	if v == "" {
		return ""
	}
	return "(sensitive)"
}
