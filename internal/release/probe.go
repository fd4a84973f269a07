package release

import (
	"fmt"
	"sort"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// DefaultProbeInterval is how often a probe runs when the item does not say.
const DefaultProbeInterval = 5 * time.Minute

// MaxProbeHistory bounds the results kept per item: a month of runs every
// 15 minutes, or a day of runs every minute and a half.
const MaxProbeHistory = 3000

// ProbeMaxAge is how long a probe success counts for an item.
func ProbeMaxAge(p *checklist.Probe) time.Duration {
	if p.MaxAge != 0 {
		return p.MaxAge.D()
	}
	return 3 * ProbeInterval(p)
}

// ProbeInterval is the time between runs of the item's probe.
func ProbeInterval(p *checklist.Probe) time.Duration {
	if p.Interval != 0 {
		return p.Interval.D()
	}
	return DefaultProbeInterval
}

// applyProbe records a probe run. It asks for a sync only when the
// item's outcome flips (or on the first run): a steady probe does not
// rewrite the issue every interval; the periodic reconcile refreshes the
// figures shown.
func applyProbe(cfg *checklist.Config, n *State, ev Event) []Effect {
	r := ev.Probe
	if r == nil {
		return nil
	}
	e, ok := cfg.Item(r.Item)
	if !ok {
		return nil
	}
	res := r.Result
	switch e.Item.Source() {
	case checklist.SourceProbe:
	case checklist.SourceMetric:
		// The verdict is decided here, against the config in force, never
		// taken from the runner.
		res = JudgeMetric(e.Item.Evidence.Metric, res)
	default:
		return nil
	}
	h, had := n.Probes[r.Item]
	if had && !res.At.After(h.Last.At) {
		return nil // an older run arriving late, or a repeat
	}
	if had {
		// Copy before appending: the input state shares this slice.
		h.History = append(slicesClone(h.History), h.Last)
		if len(h.History) > MaxProbeHistory {
			h.History = h.History[len(h.History)-MaxProbeHistory:]
		}
	}
	flipped := !had || h.Last.OK != res.OK
	h.Last = res
	if n.Probes == nil {
		n.Probes = map[string]ProbeHistory{}
	}
	n.Probes[r.Item] = h
	if !flipped {
		return nil
	}
	state := "passing"
	if !res.OK {
		state = "failing"
	}
	n.audit(ev.At, "", string(e.Item.Source()), fmt.Sprintf("%s %s: %s", r.Item, state, res.Detail))
	return []Effect{{Kind: EffSync}}
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

func evaluateProbe(s *State, e checklist.Entry, now time.Time, ir *ItemReport) {
	p := e.Item.Evidence.Probe
	h, ok := s.Probes[e.Item.ID]
	if p.Window != nil && e.Phase != checklist.PhasePreMerge {
		evaluateWindow(s, e, p, h, now, ir)
		return
	}
	if !ok {
		ir.Note = "waiting for the first " + p.Kind() + " probe"
		return
	}
	ev := &Evidence{Source: checklist.SourceProbe, Summary: p.Kind() + " probe: " + h.Last.Detail, At: h.Last.At}
	switch {
	case !h.Last.OK:
		ir.State = ItemFailing
		ir.Evidence = ev
		ir.Note = ev.Summary
	case now.Sub(h.Last.At) > ProbeMaxAge(p):
		ir.Note = fmt.Sprintf("last %s probe success is older than %s", p.Kind(), ProbeMaxAge(p))
	default:
		ir.State = ItemDone
		ir.Evidence = ev
	}
}

// WindowStats summarises probe history over a window.
type WindowStats struct {
	Runs, OK int
	P95      time.Duration
	// Covered is how much of the window has elapsed with data.
	Start, End time.Time
	Gap        time.Duration
}

// Ratio is the share of successful runs, 0 with no runs.
func (w WindowStats) Ratio() float64 {
	if w.Runs == 0 {
		return 0
	}
	return float64(w.OK) / float64(w.Runs)
}

// Window computes the stats of history within [start, end).
func Window(hist []ProbeResult, start, end time.Time) WindowStats {
	w := WindowStats{Start: start, End: end}
	var lat []time.Duration
	prev := start
	for _, r := range hist {
		if r.At.Before(start) || !r.At.Before(end) {
			continue
		}
		w.Runs++
		if r.OK {
			w.OK++
		}
		lat = append(lat, r.Latency)
		if g := r.At.Sub(prev); g > w.Gap {
			w.Gap = g
		}
		prev = r.At
	}
	if g := end.Sub(prev); g > w.Gap {
		w.Gap = g
	}
	if len(lat) > 0 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		w.P95 = lat[(len(lat)*95+99)/100-1]
	}
	return w
}

// evaluateWindow judges a post-go-live item over its phase's window,
// which starts at the merge. "No data" is not "healthy": a window with
// gaps longer than three probe intervals, or with no runs, is not met.
func evaluateWindow(s *State, e checklist.Entry, p *checklist.Probe, h ProbeHistory, now time.Time, ir *ItemReport) {
	start := s.MergedAt
	end := start.Add(e.Phase.Window())
	if now.Before(end) {
		end = now
	}
	hist := append(append([]ProbeResult{}, h.History...), h.Last)
	w := Window(hist, start, end)
	need := p.Window
	summary := fmt.Sprintf("%d/%d runs ok (%.2f%%), p95 %s over %s", w.OK, w.Runs, 100*w.Ratio(), w.P95.Round(time.Millisecond), end.Sub(start).Round(time.Minute))
	ev := &Evidence{Source: checklist.SourceProbe, Summary: summary, At: h.Last.At}
	switch {
	case w.Runs == 0:
		ir.Note = "no probe data in the window yet"
	case !(w.Ratio() >= need.MinSuccess) || !(need.MinSuccess > 0 && need.MinSuccess <= 1):
		// Written so that a NaN on either side fails the window: NaN
		// compares false with everything.
		ir.State = ItemFailing
		ir.Evidence = ev
		ir.Note = fmt.Sprintf("success %.2f%% is under %.2f%%", 100*w.Ratio(), 100*need.MinSuccess)
	case need.MaxP95 != 0 && w.P95 > need.MaxP95.D():
		ir.State = ItemFailing
		ir.Evidence = ev
		ir.Note = fmt.Sprintf("p95 %s is over %s", w.P95, need.MaxP95.D())
	case w.Gap > 3*ProbeInterval(p):
		ir.Evidence = ev
		ir.Note = fmt.Sprintf("a gap of %s with no probe data", w.Gap.Round(time.Minute))
	case now.Before(start.Add(e.Phase.Window())):
		ir.Evidence = ev
		ir.Note = "window runs until " + start.Add(e.Phase.Window()).UTC().Format("2006-01-02 15:04 MST")
	default:
		ir.State = ItemDone
		ir.Evidence = ev
	}
}
