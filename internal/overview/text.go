package overview

import (
	"fmt"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// Ago says how long before now t was, in the largest fitting unit.
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	default:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// Short is a commit's 7-character form.
func Short(sha string) string { return release.Short(sha) }

// StateLabel is an item state in words a reader scans for.
func StateLabel(s release.ItemState) string {
	switch s {
	case release.ItemDone:
		return "Done"
	case release.ItemWaived:
		return "Waived"
	case release.ItemFailing:
		return "Failing"
	case release.ItemLater:
		return "Later"
	}
	return "Pending"
}
