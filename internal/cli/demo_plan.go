//go:build !nodemo

package cli

import (
	"slices"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
)

// readyPlan is what it takes to make a release of cfg ready, short of
// sign-offs and the staging deploy: CI check names that satisfy every
// check item, one comment ticking every hand-checked item, and one
// waiving every probe (the demo and tests have no live endpoints).
type readyPlan struct {
	checks []string
	ticks  string
	// waivers are for an admin (adam); secWaivers for a member of the
	// security role, for items only security may waive.
	waivers    string
	secWaivers string
}

// planReady says what makes a release of cfg ready, besides the
// sign-offs: the checks to pass, the hand items to tick, and waivers for
// the probes (configured or not) whose endpoints are not live yet.
func planReady(cfg *checklist.Config) readyPlan {
	var p readyPlan
	var ticks, waivers, secWaivers []string
	for _, e := range cfg.Flatten() {
		if e.Phase != checklist.PhasePreMerge || !e.Item.IsRequired() {
			continue
		}
		unconfigured := e.Item.Evidence != nil && e.Item.Evidence.Unconfigured != ""
		switch src := e.Item.Source(); {
		case src == checklist.SourceProbe || unconfigured:
			w := "/waive " + e.Item.ID + " 7d no live endpoint to probe yet"
			by := e.Item.WaiveBy
			if by == nil {
				by = cfg.Defaults.WaiveBy
			}
			if slices.Contains(by, "@admin") {
				waivers = append(waivers, w)
			} else {
				secWaivers = append(secWaivers, w)
			}
		case src == checklist.SourceManual:
			ticks = append(ticks, "/check "+e.Item.ID)
		case src == checklist.SourceCheck:
			name := strings.ReplaceAll(e.Item.Evidence.Check.Name, "*", "")
			if !slices.Contains(p.checks, name) {
				p.checks = append(p.checks, name)
			}
		}
	}
	p.ticks = "Ticking the hand-checked items reviewed in the release meeting:\n" + strings.Join(ticks, "\n")
	p.waivers = strings.Join(waivers, "\n")
	p.secWaivers = strings.Join(secWaivers, "\n")
	return p
}
