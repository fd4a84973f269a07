package render

import (
	"fmt"
	"strings"

	"github.com/ag06mixer/golive/internal/release"
)

// writeFreezes shows the change freezes in effect: one that blocks says
// how to lift it; one waived for this release says by whom and why, so
// the exception is as visible as the rule.
func writeFreezes(b *strings.Builder, rep release.Report) {
	for _, f := range rep.Freezes {
		if f.Waiver == nil {
			fmt.Fprintf(b, "> [!WARNING]\n> Frozen: %s. `/waive freeze REASON`, by someone the freeze's `waive_by` names, lifts it for this release.\n\n", inline(f.Describe()))
			continue
		}
		fmt.Fprintf(b, "> [!NOTE]\n> %s is lifted for this release by %s: %s.\n\n", inline(f.Describe()), escape(f.Waiver.By), escape(f.Waiver.Reason))
	}
}
