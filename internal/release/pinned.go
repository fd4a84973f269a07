package release

import (
	"strconv"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
)

// unpinned says why a result does not count for an item that pins its
// sources ("ignored: status `sast` posted by mallory"), or "" when it
// counts. An unpinned item counts every result, as before pins existed.
// A pinned item fails closed: a result whose source golive did not learn
// (an older record, a payload without app or sender) is ignored too.
func unpinned(chk *checklist.Check, c CheckResult) string {
	if !chk.Pinned() {
		return ""
	}
	switch c.Kind {
	case "status":
		if chk.Creator != "" && strings.EqualFold(c.Creator, chk.Creator) {
			return ""
		}
		return "ignored: status `" + c.Name + "` posted by " + orUnknown(c.Creator) + ", not " + pinText(chk)
	default:
		if chk.App != "" && c.App != "" && strings.EqualFold(c.App, chk.App) {
			return ""
		}
		if chk.App != "" && c.AppID != 0 && strconv.FormatInt(c.AppID, 10) == chk.App {
			return ""
		}
		return "ignored: check run `" + c.Name + "` posted by app " + orUnknown(appName(c)) + ", not " + pinText(chk)
	}
}

func appName(c CheckResult) string {
	if c.App != "" {
		return c.App
	}
	if c.AppID != 0 {
		return strconv.FormatInt(c.AppID, 10)
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown source"
	}
	return s
}

// pinText names the sources an item accepts.
func pinText(chk *checklist.Check) string {
	var parts []string
	if chk.App != "" {
		parts = append(parts, "app "+chk.App)
	}
	if chk.Creator != "" {
		parts = append(parts, "statuses by "+chk.Creator)
	}
	return strings.Join(parts, " or ")
}
