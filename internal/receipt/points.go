package receipt

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// Due lists the decision points of a release that have come by now and
// whose receipts are not among done (their point ids): the merge, once the
// release is merged, and the close of each post-go-live window the config
// has items in, once it has passed. Deploy-gate points come from the
// deployment rule's answer (GatePoint), not from the state.
func Due(cfg *checklist.Config, s *release.State, done []string, now time.Time) []Point {
	if s.Status != release.StatusMerged || s.MergedAt.IsZero() {
		return nil
	}
	var out []Point
	if !slices.Contains(done, "merge") {
		out = append(out, Point{Kind: KindMerge, ID: "merge", At: s.MergedAt})
	}
	phases := map[checklist.Phase]bool{}
	for _, e := range cfg.Flatten() {
		phases[e.Phase] = true
	}
	for _, ph := range checklist.Phases {
		if ph == checklist.PhasePreMerge || !phases[ph] {
			continue
		}
		end := s.MergedAt.Add(ph.Window())
		id := "window:" + string(ph)
		if !now.Before(end) && !slices.Contains(done, id) {
			out = append(out, Point{Kind: KindWindowClosed, ID: id, At: end, Window: ph})
		}
	}
	return out
}

// GatePoint is the decision point of a deployment rule's answer.
func GatePoint(g GateDecision, at time.Time) Point {
	return Point{Kind: KindDeployGate, ID: fmt.Sprintf("deploy:%d:%s", g.RunID, safe(g.Environment)), At: at, Gate: &g}
}

// RestsOn picks the receipt a deploy-gate receipt rests on: the release's
// merge receipt, else its latest.
func RestsOn(chain []Signed) string {
	for _, s := range chain {
		if PointOf(s) == "merge" {
			return s.Digest
		}
	}
	if len(chain) > 0 {
		return chain[len(chain)-1].Digest
	}
	return ""
}

// PointOf reads the decision point a signed receipt names ("" when it
// cannot be read).
func PointOf(s Signed) string {
	var p struct {
		Point string `json:"point"`
	}
	if json.Unmarshal(s.Receipt, &p) != nil {
		return ""
	}
	return p.Point
}

// Points lists the decision points of a chain, in order.
func Points(chain []Signed) []string {
	out := make([]string, len(chain))
	for i, s := range chain {
		out[i] = PointOf(s)
	}
	return out
}
