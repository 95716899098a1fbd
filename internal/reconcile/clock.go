package reconcile

import (
	"context"
	"errors"
	"fmt"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/syncd-dev/syncd/internal/inventory"
)

// vaultClock returns Vault's time (sys/health's server_time_utc): the grace
// period of an off-boarding starts and ends on this one clock, so a skewed
// laptop neither shortens it nor deletes KV data early. Second resolution
// is ample for a period of hours.
func vaultClock(c *vaultapi.Client) func(context.Context) (time.Time, error) {
	return func(ctx context.Context) (time.Time, error) {
		h, err := c.Sys().HealthWithContext(ctx)
		if err != nil {
			return time.Time{}, err
		}
		if h.ServerTimeUTC == 0 {
			return time.Time{}, errors.New("sys/health returned no server_time_utc")
		}
		return time.Unix(h.ServerTimeUTC, 0).UTC(), nil
	}
}

// planTime is the time a plan weighs grace periods against: Vault's when
// some tenant's grace period is running (one request), the local clock
// otherwise, where no decision depends on it.
func planTime(ctx context.Context, c *vaultapi.Client, inv *inventory.Inventory) (time.Time, error) {
	for _, t := range inv.Tenants {
		if t.DeprecatedAt != nil {
			now, err := vaultClock(c)(ctx)
			if err != nil {
				return time.Time{}, fmt.Errorf("reading Vault's time for the grace periods: %w", err)
			}
			return now, nil
		}
	}
	return time.Now(), nil
}
