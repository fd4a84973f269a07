package release_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

const pinnedLayer = `version: 1
sections:
  - id: p
    title: Pinned
    groups:
      - id: scans
        title: Scans
        items:
          - {id: sast, title: SAST passes, evidence: {check: {name: sast, app: github-actions}}}
          - {id: sast-by-id, title: SAST passes (app id), evidence: {check: {name: sast, app: "15368"}}}
          - {id: dast, title: DAST passes, evidence: {check: {name: dast, creator: "scanner-bot[bot]"}}}
          - {id: lint, title: Lint passes, evidence: {check: {name: lint}}}
`

func pinnedCfg(t *testing.T) *checklist.Config {
	t.Helper()
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse("golive.yml", []byte(pinnedLayer))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPinnedSources: one attack per row. A green result from a source the
// item does not name never ticks it, and the item says who posted it.
func TestPinnedSources(t *testing.T) {
	c := pinnedCfg(t)
	k := release.Key{Owner: "o", Repo: "r", PR: 1}
	open, _ := release.Apply(c, release.New(k), release.Event{Kind: release.EvPR, At: t0, Key: k,
		PR: &release.PRInfo{HeadRef: "release/1", HeadSHA: "a"}})
	green := func(kind, name, app string, appID int64, creator string) release.CheckResult {
		return release.CheckResult{Name: name, Kind: kind, ID: 7, SHA: "a", Status: "completed", Conclusion: "success",
			At: t0.Add(time.Minute), App: app, AppID: appID, Creator: creator}
	}
	for _, tc := range []struct {
		name  string
		item  string
		res   release.CheckResult
		state release.ItemState
		note  string
	}{
		{"the pinned app ticks", "sast", green("check_run", "sast", "github-actions", 15368, ""), release.ItemDone, ""},
		{"the pinned app by id ticks", "sast-by-id", green("check_run", "sast", "github-actions", 15368, ""), release.ItemDone, ""},
		{"a workflow posts a green sast status", "sast", green("status", "sast", "", 0, "github-actions[bot]"), release.ItemPending,
			"ignored: status `sast` posted by github-actions[bot], not app github-actions"},
		{"another app posts a green sast check run", "sast", green("check_run", "sast", "evil-ci", 99, ""), release.ItemPending,
			"ignored: check run `sast` posted by app evil-ci, not app github-actions"},
		{"a check run whose app is unknown", "sast", green("check_run", "sast", "", 0, ""), release.ItemPending,
			"posted by app an unknown source"},
		{"a look-alike slug", "sast", green("check_run", "sast", "github-actions-", 1, ""), release.ItemPending, "ignored"},
		{"the pinned creator's status ticks", "dast", green("status", "dast", "", 0, "scanner-bot[bot]"), release.ItemDone, ""},
		{"someone else's green dast status", "dast", green("status", "dast", "", 0, "mallory"), release.ItemPending,
			"ignored: status `dast` posted by mallory, not statuses by scanner-bot[bot]"},
		{"a check run for a creator-pinned item", "dast", green("check_run", "dast", "scanner-bot", 5, ""), release.ItemPending, "ignored: check run"},
		{"unpinned items count anyone", "lint", green("status", "lint", "", 0, "mallory"), release.ItemDone, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := release.Apply(c, open, release.Event{Kind: release.EvCheck, At: tc.res.At, Key: k, Check: &tc.res})
			ir := item(t, c, s, tc.item, t0.Add(2*time.Minute))
			if ir.State != tc.state {
				t.Errorf("got %v (%s), want %v", ir.State, ir.Note, tc.state)
			}
			if !strings.Contains(ir.Note, tc.note) {
				t.Errorf("got note %q, want it to say %q", ir.Note, tc.note)
			}
		})
	}
}
