package release_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

func remindCfg(t *testing.T) *checklist.Config {
	t.Helper()
	def, err := checklist.Default()
	if err != nil {
		t.Fatal(err)
	}
	f, err := checklist.Parse("golive.yml", []byte("version: 1\nroles:\n  - {id: business, remind_after: 24h, remind_every: 48h}\n  - {id: final, remind_after: 1h}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := checklist.Resolve(def, f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReminders(t *testing.T) {
	c := remindCfg(t)
	s := dutyState()
	s.OpenedAt = t0
	roles := func(at time.Time, s *release.State) []string {
		var out []string
		for _, r := range release.Reminders(c, s, at) {
			out = append(out, r.Role+"@"+r.Since.Format("15:04")+"#"+string(rune('0'+r.Count)))
		}
		return out
	}
	for _, tc := range []struct {
		at   time.Duration
		want []string
	}{
		{23 * time.Hour, nil},
		{24 * time.Hour, []string{"business@12:00#1"}},
		{24*time.Hour + 47*time.Hour, []string{"business@12:00#1"}},
		{24*time.Hour + 48*time.Hour, []string{"business@12:00#2"}},
	} {
		if diff := cmp.Diff(tc.want, roles(t0.Add(tc.at), s)); diff != "" {
			t.Errorf("at +%s (-want +got):\n%s", tc.at, diff)
		}
	}
	// Signed: no reminder. Final waits for the four others, then is
	// reminded an hour after the last of them.
	for i, r := range []string{"tech-lead", "security", "business", "ops"} {
		s.Signoffs = append(s.Signoffs, release.Signoff{Role: r, By: r + "-person", At: t0.Add(time.Duration(i+1) * time.Hour), SHA: "sha1"})
	}
	if diff := cmp.Diff([]string(nil), roles(t0.Add(4*time.Hour+59*time.Minute), s)); diff != "" {
		t.Errorf("before final is due (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"final@16:00#1"}, roles(t0.Add(5*time.Hour), s)); diff != "" {
		t.Errorf("final due (-want +got):\n%s", diff)
	}
	// Business signed at +3h: no longer reminded once its time comes.
	if diff := cmp.Diff([]string{"final@16:00#1"}, roles(t0.Add(25*time.Hour), s)); diff != "" {
		t.Errorf("a day later (-want +got):\n%s", diff)
	}
	s.Status = release.StatusMerged
	if got := roles(t0.Add(5*time.Hour), s); got != nil {
		t.Errorf("a merged release is reminded: %v", got)
	}
}

func TestRemindConfigProblems(t *testing.T) {
	def, _ := checklist.Default()
	for src, want := range map[string]string{
		"version: 1\nroles:\n  - {id: business, remind_after: 24h, remind_every: 1h}\n": `golive.yml:3:53: role "business": remind_every 1h0m0s is under the 24h0m0s minimum (one reminder a day at most)`,
		"version: 1\nroles:\n  - {id: business, remind_every: 48h}\n":                   `golive.yml:3:34: role "business": remind_every needs remind_after`,
	} {
		_, err := checklist.Parse("golive.yml", []byte(src))
		if err == nil {
			_, err = checklist.Resolve(def)
		}
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}
