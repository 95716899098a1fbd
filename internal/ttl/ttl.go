// Package ttl parses and prints time-to-live values the way Vault accepts them
// ("15m", "1h30m", "2d", "3600", 3600), so that TTLs compare equal in any unit.
package ttl

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a whole number of seconds. Its zero value means "not set".
type Duration time.Duration

// Parse accepts a Go duration (with an extra "d" unit for days) or a bare
// integer number of seconds. Negative and sub-second values are refused.
func Parse(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("duration %q is negative", s)
		}
		if n > int64(1<<62/time.Second) {
			return 0, fmt.Errorf("duration %q is too large", s)
		}
		return Duration(time.Duration(n) * time.Second), nil
	}
	var total time.Duration
	rest := s
	for rest != "" {
		// split off a leading "<digits>d" term, which time.ParseDuration lacks
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i > 0 && i < len(rest) && rest[i] == 'd' {
			n, err := strconv.ParseInt(rest[:i], 10, 32)
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q", s)
			}
			total += time.Duration(n) * 24 * time.Hour
			rest = rest[i+1:]
			continue
		}
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (use e.g. 15m, 1h, 2d or seconds)", s)
		}
		total += d
		break
	}
	if total < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	if total%time.Second != 0 {
		return 0, fmt.Errorf("duration %q is not a whole number of seconds", s)
	}
	return Duration(total), nil
}

// Seconds returns d in whole seconds, as Vault reports TTLs.
func (d Duration) Seconds() int64 { return int64(time.Duration(d) / time.Second) }

// FromSeconds builds a Duration from Vault's integer seconds.
func FromSeconds(n int64) Duration { return Duration(time.Duration(n) * time.Second) }

// String prints d compactly: "15m", "1h", "1h30m", "24h", "90s"; "0s" for zero.
func (d Duration) String() string {
	if d == 0 {
		return "0s"
	}
	t := time.Duration(d)
	var b strings.Builder
	if h := t / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
		t -= h * time.Hour
	}
	if m := t / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
		t -= m * time.Minute
	}
	if s := t / time.Second; s > 0 {
		fmt.Fprintf(&b, "%ds", s)
	}
	return b.String()
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON accepts a string duration or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("duration must be a string or a number of seconds")
		}
		s = n.String()
	}
	return d.UnmarshalText([]byte(s))
}

// Duration returns d as a time.Duration.
func (d Duration) Duration() time.Duration { return time.Duration(d) }
