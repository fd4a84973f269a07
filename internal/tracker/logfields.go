package tracker

import (
	"log/slog"

	"github.com/ag06mixer/golive/internal/release"
)

// The fields every log line about a release carries, so one release's
// story can be filtered out of the JSON log: release (OWNER/REPO#PR) and
// repo (OWNER/REPO); a line about a delivery adds delivery and event.

// releaseAttrs are a release's log fields.
func releaseAttrs(k release.Key) []any {
	return []any{slog.String("release", k.String()), slog.String("repo", k.FullRepo())}
}

// decision is a verdict's short name in the log: config-error, held,
// frozen, ready or blocked.
func decision(s *release.State, rep release.Report) string {
	switch {
	case len(s.ConfigProblems) > 0:
		return "config-error"
	case rep.Hold != nil:
		return "held"
	case len(rep.Frozen) > 0:
		return "frozen"
	case rep.Ready:
		return "ready"
	default:
		return "blocked"
	}
}

// logSynced logs a sync that wrote everything: the decision and its
// counts. (A sync that failed is logged by its caller, with the error.)
func (tr *Tracker) logSynced(s *release.State, rep release.Report) {
	tr.o.Log.Info("release synced", append(releaseAttrs(s.Key), "decision", decision(s, rep), "verdict", rep.Title,
		"phase", string(rep.Phase), "done", rep.Done, "total", rep.Total, "missing", len(rep.Missing))...)
}

// logApplied logs a delivery applied to a release, and whether it
// changed the release.
func (tr *Tracker) logApplied(d Delivery, k release.Key, changed bool) {
	tr.o.Log.Info("event applied", append(releaseAttrs(k), "delivery", d.ID, "event", d.Event, "changed", changed)...)
}
