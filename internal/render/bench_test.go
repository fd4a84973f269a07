package render_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// BenchmarkApplyRender is the core's work for one CI result on a release
// of the full default checklist (162 items): Apply, then render the
// tracking issue and the check run.
func BenchmarkApplyRender(b *testing.B) {
	cfg := defaultConfig(b)
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	s, _ := release.Apply(cfg, release.New(k), release.Event{Kind: release.EvPR, At: at, Key: k,
		PR: &release.PRInfo{Title: "Release 1.0", Author: "a", HeadRef: "release/1.0", BaseRef: "main", HeadSHA: "abc"}})
	for i := range 20 {
		s, _ = release.Apply(cfg, s, release.Event{Kind: release.EvCheck, At: at, Key: k,
			Check: &release.CheckResult{Name: fmt.Sprintf("ci / unit %d", i), SHA: "abc", Status: "completed", Conclusion: "success", At: at}})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ev := release.Event{Kind: release.EvCheck, At: at, Key: k,
			Check: &release.CheckResult{Name: "ci / e2e", ID: int64(i), SHA: "abc", Status: "completed", Conclusion: "success", At: at}}
		n, _ := release.Apply(cfg, s, ev)
		body := render.IssueWithLedger(cfg, n, at, []byte("k"))
		rep := release.Evaluate(cfg, n, at)
		_ = release.CheckRunFor(cfg, n, rep, "")
		if len(body) == 0 {
			b.Fatal("empty body")
		}
	}
}
