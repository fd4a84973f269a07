package checklist_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ag06mixer/golive/internal/checklist"
)

func TestFreezeConfigProblems(t *testing.T) {
	const head = "version: 1\nfreezes:\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"bad cron", "  - {id: fri, reason: R, cron: \"0 16 * * FRY\", duration: 60h}\n",
			`golive.yml:3:32: freeze "fri": bad cron "0 16 * * FRY": day of week: "FRY" is not a value from 0 to 7`},
		{"cron with six fields", "  - {id: fri, reason: R, cron: \"0 0 16 * * FRI\", duration: 60h}\n",
			`golive.yml:3:32: freeze "fri": bad cron "0 0 16 * * FRI": want 5 fields (minute hour day-of-month month day-of-week), got 6`},
		{"cron minute out of range", "  - {id: fri, reason: R, cron: \"60 16 * * 5\", duration: 1h}\n",
			`golive.yml:3:32: freeze "fri": bad cron "60 16 * * 5": minute: "60" is not a value from 0 to 59`},
		{"cron never fires", "  - {id: feb, reason: R, cron: \"0 0 30 2 *\", duration: 1h}\n",
			`golive.yml:3:32: freeze "feb": cron "0 0 30 2 *" never fires`},
		{"unknown time zone", "  - {id: fri, reason: R, cron: \"0 16 * * 5\", duration: 1h, time_zone: Europe/Berlinn}\n",
			`golive.yml:3:71: freeze "fri": unknown time zone "Europe/Berlinn"; want an IANA name such as Europe/Berlin`},
		{"no duration", "  - {id: fri, reason: R, cron: \"0 16 * * 5\"}\n",
			`golive.yml:3:5: freeze "fri": a recurring freeze needs a duration above 0 and at most 744h0m0s`},
		{"no reason", "  - {id: x, start: 2026-12-20, end: 2027-01-04}\n",
			`golive.yml:3:5: freeze "x" needs a reason: it is shown on every release it blocks`},
		{"end before start", "  - {id: x, reason: R, start: 2026-12-20, end: 2026-12-01}\n",
			`golive.yml:3:48: freeze "x": end must be after start, and at most 8784h0m0s later`},
		{"bad start", "  - {id: x, reason: R, start: next week, end: 2026-12-01}\n",
			`golive.yml:3:31: freeze "x": bad time "next week"; want RFC 3339, YYYY-MM-DD or YYYY-MM-DD HH:MM`},
		{"both kinds", "  - {id: x, reason: R, start: 2026-12-20, end: 2027-01-01, cron: \"0 0 * * *\", duration: 1h}\n",
			`golive.yml:3:66: freeze "x": give either cron and duration (recurring) or start and end (dated), not both`},
		{"neither kind", "  - {id: x, reason: R}\n",
			`golive.yml:3:10: freeze "x" needs start and end (dated) or cron and duration (recurring)`},
		{"unknown waiver role", "  - {id: x, reason: R, start: 2026-12-20, end: 2027-01-01, waive_by: [cto]}\n",
			`golive.yml:3:71: unknown role "cto"`},
		{"duplicate id", "  - {id: x, reason: R, start: 2026-12-20, end: 2027-01-01}\n  - {id: x, reason: R, start: 2026-12-20, end: 2027-01-01}\n",
			`golive.yml:4:10: duplicate freeze id "x" (first at golive.yml:3:10)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, head+tc.src)
			if err == nil {
				t.Fatalf("got no error, want %s", tc.want)
			}
			if got := strings.Split(err.Error(), "\n")[0]; !strings.HasPrefix(got, tc.want) {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestFreezeIn(t *testing.T) {
	src := "version: 1\nfreezes:\n" +
		"  - {id: year-end, reason: Year-end freeze, start: \"2026-12-20 18:00\", end: 2027-01-04, time_zone: Europe/Berlin}\n" +
		"  - {id: friday, reason: No Friday deploys, cron: \"0 16 * * FRI\", duration: 62h, time_zone: America/New_York}\n" +
		"  - {id: nightly, reason: Backups, cron: \"*/30 2 * * *\", duration: 45m}\n"
	cfg, err := resolve(t, src)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]checklist.Freeze{}
	for _, f := range cfg.Freezes {
		byID[f.ID] = f
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		id, at string
		in     bool
		until  string
	}{
		{"year-end", "2026-12-20T16:59:00Z", false, ""},
		{"year-end", "2026-12-20T17:00:00Z", true, "2027-01-03T23:00:00Z"},
		{"year-end", "2027-01-03T22:59:59Z", true, "2027-01-03T23:00:00Z"},
		{"year-end", "2027-01-03T23:00:00Z", false, ""},
		// Friday 2026-12-04 16:00 in New York is 21:00 UTC (EST).
		{"friday", "2026-12-04T20:59:00Z", false, ""},
		{"friday", "2026-12-04T21:00:00Z", true, "2026-12-07T11:00:00Z"},
		{"friday", "2026-12-07T10:59:00Z", true, "2026-12-07T11:00:00Z"},
		{"friday", "2026-12-07T11:00:00Z", false, ""},
		// Summer time: 16:00 EDT is 20:00 UTC.
		{"friday", "2026-07-03T20:00:00Z", true, "2026-07-06T10:00:00Z"},
		// Overlapping occurrences (02:00 and 02:30, 45m each) join up.
		{"nightly", "2026-12-02T02:10:00Z", true, "2026-12-02T03:15:00Z"},
		{"nightly", "2026-12-02T03:14:00Z", true, "2026-12-02T03:15:00Z"},
		{"nightly", "2026-12-02T03:15:00Z", false, ""},
	} {
		in, until := byID[tc.id].In(utc(tc.at))
		got := ""
		if in {
			got = until.UTC().Format(time.RFC3339)
		}
		if in != tc.in || got != tc.until {
			t.Errorf("%s at %s: got (%v, %s), want (%v, %s)", tc.id, tc.at, in, got, tc.in, tc.until)
		}
	}
}

func TestCronNext(t *testing.T) {
	from := time.Date(2026, 12, 2, 10, 7, 30, 0, time.UTC)
	for _, tc := range []struct{ expr, want string }{
		{"* * * * *", "2026-12-02T10:08:00Z"},
		{"0 * * * *", "2026-12-02T11:00:00Z"},
		{"15,45 9-17/2 * * MON-FRI", "2026-12-02T11:15:00Z"},
		{"0 0 1 JAN *", "2027-01-01T00:00:00Z"},
		{"0 0 29 2 *", "2028-02-29T00:00:00Z"},
		// Day of month and day of week both restricted: either matches.
		{"0 0 25 * SUN", "2026-12-06T00:00:00Z"},
		{"0 0 * * 7", "2026-12-06T00:00:00Z"},
	} {
		s, err := checklist.ParseCron(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if diff := cmp.Diff(tc.want, s.Next(from, time.UTC).Format(time.RFC3339)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.expr, diff)
		}
	}
	for _, bad := range []string{"", "@daily", "0 0 ? * *", "0 0 L * *", "0 0 * * 1#2", "5/15 * * * *", "0 25 * * *", "0 0 0 * *", "0 0 * 13 *", "10-5 * * * *", "*/0 * * * *", "+5 * * * *"} {
		if _, err := checklist.ParseCron(bad); err == nil {
			t.Errorf("ParseCron(%q): got no error, want one", bad)
		}
	}
}
