package vaultread

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// ListKV returns every secret under prefix/ in the KV v2 mount, as paths
// inside the mount, sorted. KV v2 has no recursive delete, so deleting a
// tenant's data means deleting each of these. It lists the folder prefix/
// and nothing beside it: "acme" never reaches "acme-books", and a secret
// stored at prefix itself is not under it.
func ListKV(ctx context.Context, l Logical, mount, prefix string) ([]string, error) {
	var out []string
	folders := []string{strings.TrimSuffix(prefix, "/") + "/"}
	for len(folders) > 0 {
		folder := folders[len(folders)-1]
		folders = folders[:len(folders)-1]
		sec, err := l.ListWithContext(ctx, mount+"/metadata/"+folder)
		if err != nil {
			return nil, fmt.Errorf("listing %s/metadata/%s: %w", mount, folder, err)
		}
		if sec == nil {
			continue // empty, or gone
		}
		keys, _ := sec.Data["keys"].([]any)
		for _, k := range keys {
			name, _ := k.(string)
			switch {
			case name == "" || strings.Contains(strings.TrimSuffix(name, "/"), "/"):
				return nil, fmt.Errorf("listing %s/metadata/%s: unexpected key %q", mount, folder, name)
			case strings.HasSuffix(name, "/"):
				folders = append(folders, folder+name)
			default:
				out = append(out, folder+name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
