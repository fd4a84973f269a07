package checklist

import (
	"slices"
	"strings"
)

// ReadyPlan is what it takes to make a release of cfg ready, short of
// sign-offs and the staging deploy: CI check names that satisfy every
// check item, one comment ticking every hand-checked item, and one
// waiving every probe (the demo and tests have no live endpoints).
type ReadyPlan struct {
	Checks []string
	Ticks  string
	// waivers are for an admin (adam); secWaivers for a member of the
	// security role, for items only security may waive.
	Waivers    string
	SecWaivers string
}

// PlanReady says what makes a release of cfg ready, besides the
// sign-offs: the checks to pass, the hand items to tick, and waivers for
// the probes (configured or not) whose endpoints are not live yet.
func PlanReady(cfg *Config) ReadyPlan {
	var p ReadyPlan
	var ticks, waivers, secWaivers []string
	for _, e := range cfg.Flatten() {
		if e.Phase != PhasePreMerge || !e.Item.IsRequired() {
			continue
		}
		unconfigured := e.Item.Evidence != nil && e.Item.Evidence.Unconfigured != ""
		switch src := e.Item.Source(); {
		case src == SourceProbe || unconfigured:
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
		case src == SourceManual:
			ticks = append(ticks, "/check "+e.Item.ID)
		case src == SourceCheck:
			name := strings.ReplaceAll(e.Item.Evidence.Check.Name, "*", "")
			if !slices.Contains(p.Checks, name) {
				p.Checks = append(p.Checks, name)
			}
		}
	}
	p.Ticks = "Ticking the hand-checked items reviewed in the release meeting:\n" + strings.Join(ticks, "\n")
	p.Waivers = strings.Join(waivers, "\n")
	p.SecWaivers = strings.Join(secWaivers, "\n")
	return p
}
