package render

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/ag06mixer/golive/internal/release"
)

// CommentMarker names the one PR comment golive keeps edited in place.
func CommentMarker(k release.Key) string {
	return fmt.Sprintf("<!-- golive:comment %s -->", k)
}

// IssueMarker is the hidden pointer from golive's PR comment to the
// release's tracking issue: with Redis lost, the issue is found from one
// page of the PR's comments instead of a list of the repository's issues.
// It is only a pointer: the issue it names is adopted only after its own
// marker and author are checked.
func IssueMarker(issue int) string {
	return "<!-- golive:issue " + strconv.Itoa(issue) + " -->"
}

var issueMarkerRE = regexp.MustCompile(`<!-- golive:issue ([1-9][0-9]{0,9}) -->`)

// ParseIssueMarker reads the tracking issue's number out of golive's PR
// comment; ok is false when the comment carries none (one written before
// the pointer existed) or a number out of range.
func ParseIssueMarker(body string) (issue int, ok bool) {
	m := issueMarkerRE.FindStringSubmatch(body)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 1<<31-1 {
		return 0, false
	}
	return n, true
}

// PRComment is the PR comment that links the tracking issue. It names no
// verdict, so it is written once and rarely edited: the check run carries
// the verdict.
func PRComment(k release.Key, issue int) string {
	return fmt.Sprintf("%s %s\n🚦 golive tracks this release's production readiness in #%d. "+
		"The `%s` check stays red until the checklist there is complete. Comment `/golive help` for the commands.\n",
		CommentMarker(k), IssueMarker(issue), issue, release.CheckName)
}
