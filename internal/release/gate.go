package release

import (
	"fmt"
	"slices"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
)

// Gate is golive's answer to a deployment protection rule request.
type Gate struct {
	Approve bool
	// Missing lists what the environment still waits for.
	Missing []string
	Comment string
}

// GateFor decides whether a deployment of the release to env may go on,
// at now. An environment the config does not name is not golive's to
// gate. The pre-merge verdict is used even after the merge: a production
// deploy of a merged release waits for what the merge waited for.
func GateFor(cfg *checklist.Config, s *State, env string, now time.Time, issueURL string) Gate {
	g, gated := cfg.Environments[env]
	if !gated {
		return Gate{Approve: true, Comment: fmt.Sprintf("golive does not gate %s (no `environments.%s` in the config).", env, env)}
	}
	pre := s.Clone()
	pre.Status = StatusOpen
	rep := Evaluate(cfg, pre, now)
	var missing []string
	for _, m := range rep.Missing {
		if len(g.Sections) == 0 || slices.Contains(g.Sections, m.Section.ID) {
			missing = append(missing, m.Item.Title)
		}
	}
	if len(g.Sections) == 0 {
		if s.Hold != nil {
			missing = append([]string{"the release is on hold by " + s.Hold.By + ": " + oneLine(s.Hold.Reason, 100)}, missing...)
		}
		if len(s.ConfigProblems) > 0 {
			missing = append([]string{"the repo config is invalid"}, missing...)
		}
	}
	for _, f := range rep.Frozen {
		missing = append([]string{f.Describe()}, missing...)
	}
	if len(missing) == 0 {
		return Gate{Approve: true, Comment: fmt.Sprintf("Ready for %s: every item it waits for is done. Tracking issue: %s", env, issueURL)}
	}
	c := fmt.Sprintf("Not ready for %s: %d item%s missing. Tracking issue: %s\n", env, len(missing), plural(len(missing)), issueURL)
	for i, m := range missing {
		if i == 20 {
			c += fmt.Sprintf("… and %d more\n", len(missing)-20)
			break
		}
		c += "- " + m + "\n"
	}
	return Gate{Missing: missing, Comment: c}
}
