package render

import (
	"fmt"

	"github.com/ag06mixer/golive/internal/release"
)

// CommentMarker names the one PR comment golive keeps edited in place.
func CommentMarker(k release.Key) string {
	return fmt.Sprintf("<!-- golive:comment %s -->", k)
}

// PRComment is the PR comment that links the tracking issue. It names no
// verdict, so it is written once and rarely edited: the check run carries
// the verdict.
func PRComment(k release.Key, issue int) string {
	return fmt.Sprintf("%s\n🚦 golive tracks this release's production readiness in #%d. "+
		"The `%s` check stays red until the checklist there is complete. Comment `/golive help` for the commands.\n",
		CommentMarker(k), issue, release.CheckName)
}
