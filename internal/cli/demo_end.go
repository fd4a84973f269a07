//go:build !nodemo

package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// waitTicked waits, bounded, until the probes have ticked ids in the
// tracking issue (they run on the worker's probe loop, not on a webhook).
func (d *demo) waitTicked(ids []string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		ticks := release.Ticks(d.issue().Body)
		missing := ""
		for _, id := range ids {
			if !ticks[id] {
				missing = id
				break
			}
		}
		if missing == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the probe of %s did not tick it within 20s", missing)
		}
		select {
		case <-d.e.ctx.Done():
			return d.e.ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if err := d.settle(); err != nil {
			return err
		}
	}
}

// windows prints the post-go-live items as the issue shows them, with a
// window that has just opened and has no probe run said as such.
func (d *demo) windows() {
	lines := strings.Split(d.issue().Body, "\n")
	fmt.Fprintln(d.e.stdout, "  the post-go-live windows have opened, measured from the merge:")
	for _, e := range d.cfg.Flatten() {
		if e.Phase == checklist.PhasePreMerge {
			continue
		}
		state := "to tick by hand once seen"
		for _, l := range lines {
			if !strings.Contains(l, release.ItemMarker(e.Item.ID)) {
				continue
			}
			_, note, _ := strings.Cut(l, " — ")
			switch {
			case strings.Contains(l, "- [x]"):
				state = "✅ " + note
			case strings.Contains(note, "no probe data"):
				state = "no runs yet"
			case note != "":
				state = note
			}
		}
		fmt.Fprintf(d.e.stdout, "    %-15s %s — %s\n", e.Phase.Title()+":", e.Item.Title, state)
	}
}

// summary is the demo's one paragraph: what happened, and what it cost
// on GitHub.
func (d *demo) summary() string {
	by := map[checklist.Source]int{}
	unconfigured := 0
	for _, e := range d.cfg.Flatten() {
		if e.Phase != checklist.PhasePreMerge || !e.Item.IsRequired() {
			continue
		}
		if e.Item.Evidence != nil && e.Item.Evidence.Unconfigured != "" {
			unconfigured++
			continue
		}
		by[e.Item.Source()]++
	}
	total := 0
	for _, n := range d.fake.Counts() {
		total += n
	}
	return fmt.Sprintf("Carol's release PR acme/shop#%d went from opened to merged behind the golive/readiness check. "+
		"Evidence ticked %d checklist items (%d from CI checks, %d from staging deployments, %d from probes of the local endpoint, %d from the local metric API), "+
		"people ticked %d by hand, the Business Owner was reminded (the PR comment edited, one reply), %d probes with no endpoint configured (vars.host) were waived, and the %d sign-offs came as /approve comments in order. "+
		"On the way golive refused what the rules forbid: Victor's tick of a security-only box, Carol's sign-off of her own release, and final approval before the other four. "+
		"It cost %d GitHub API requests, %d of them writes, all on the App's installation token.",
		demoPR, by[checklist.SourceCheck]+by[checklist.SourceDeployment]+by[checklist.SourceProbe]+by[checklist.SourceMetric], by[checklist.SourceCheck], by[checklist.SourceDeployment], by[checklist.SourceProbe], by[checklist.SourceMetric],
		by[checklist.SourceManual], unconfigured, by[checklist.SourceApproval], total, d.fake.Writes())
}

// wrapText folds a paragraph at width columns.
func wrapText(s string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(s) {
		if col > 0 && col+1+len([]rune(w)) > width {
			b.WriteString("\n")
			col = 0
		} else if col > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(w)
		col += len([]rune(w))
	}
	return b.String()
}
