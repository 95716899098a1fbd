package source

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/object"
)

// verify checks that commit carries a valid signature by a key of the
// armored keyring, and returns who signed it, or why it is refused.
func verify(commit *object.Commit, keyring string) (string, error) {
	if strings.TrimSpace(commit.PGPSignature) == "" {
		return "", errors.New("it is not signed")
	}
	entity, err := commit.Verify(keyring)
	if err != nil {
		return "", fmt.Errorf("its signature does not verify against the keyring (signed by a key not in it, or altered): %w", err)
	}
	var ids []string
	for name := range entity.Identities {
		ids = append(ids, name)
	}
	slices.Sort(ids)
	return fmt.Sprintf("%s (key %s)", strings.Join(ids, ", "), entity.PrimaryKey.KeyIdString()), nil
}
