package render_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// withChecks is progressed() with results of many kinds kept: on the
// head, passing, failing, running, several for one pattern, and on older
// commits (which never count).
func withChecks() *release.State {
	s := progressed()
	add := func(name, kind, sha, status, conclusion string, at time.Time) {
		s.Checks[name+"@"+sha] = release.CheckResult{Name: name, Kind: kind, SHA: sha, Status: status, Conclusion: conclusion,
			URL: "https://github.com/ag06mixer/mixer/runs/" + fmt.Sprint(len(s.Checks)), At: at}
	}
	for i := range 40 {
		add(fmt.Sprintf("CI / unit %d (push)", i), "check_run", s.HeadSHA, "completed", "success", t0.Add(-time.Duration(i)*time.Minute))
		add(fmt.Sprintf("CI / unit %d (push)", i), "check_run", "0ld5ha0000000000000000000000000000000000", "completed", "failure", t0.Add(-5*time.Hour))
	}
	add("CI / integration (push)", "check_run", s.HeadSHA, "in_progress", "", t0)
	add("image-scan (push)", "check_run", s.HeadSHA, "completed", "failure", t0.Add(-2*time.Minute))
	add("image-scan (amd64)", "check_run", s.HeadSHA, "in_progress", "", t0.Add(-2*time.Minute))
	add("bench / b", "status", s.HeadSHA, "completed", "success", t0.Add(-7*time.Minute))
	add("bench / a", "check_run", s.HeadSHA, "completed", "success", t0.Add(-7*time.Minute))
	add("image-build / amd64", "status", s.HeadSHA, "completed", "success", t0.Add(-3*time.Minute))
	add("container [x]", "status", s.HeadSHA, "queued", "", t0)
	add("sast", "check_run", "0ld5ha0000000000000000000000000000000000", "completed", "success", t0.Add(-5*time.Hour))
	add("*contract*", "check_run", s.HeadSHA, "completed", "neutral", t0.Add(-4*time.Minute))
	add("CI/perf", "check_run", s.HeadSHA, "completed", "skipped", t0.Add(-4*time.Minute))
	return s
}

// TestCoreGolden pins the bytes of the issue and the check run of a
// release with many check results, so a faster render writes the same.
func TestCoreGolden(t *testing.T) {
	cfg := defaultConfig(t)
	for _, tc := range []struct {
		name string
		s    *release.State
	}{
		{"fresh", func() *release.State {
			s := release.New(release.Key{Owner: "ag06mixer", Repo: "mixer", PR: 42})
			s.HeadSHA = "c0ffee0123456789c0ffee0123456789c0ffee01"
			return s
		}()},
		{"checks", withChecks()},
		{"held", func() *release.State {
			s := withChecks()
			s.Hold = &release.Hold{By: "erin", Reason: "waiting for <b>the</b> freeze | to end", At: t0}
			return s
		}()},
		{"merged", func() *release.State {
			s := withChecks()
			s.Status = release.StatusMerged
			s.MergedAt = t0.Add(-2 * time.Hour)
			return s
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := release.Evaluate(cfg, tc.s, t0)
			c := release.CheckRunFor(cfg, tc.s, rep, "https://github.com/ag06mixer/mixer/issues/7")
			var b strings.Builder
			fmt.Fprintf(&b, "sha: %s\nstatus: %s\nconclusion: %s\ntitle: %s\ndigest: %s\n\n%s", c.SHA, c.Status, c.Conclusion, c.Title, c.Digest(), c.Summary)
			golden(t, "core-checkrun-"+tc.name+".md", b.String())
			golden(t, "core-issue-"+tc.name+".md", render.IssueWithLedger(cfg, tc.s, t0, []byte("ledger-key")))
		})
	}
}
