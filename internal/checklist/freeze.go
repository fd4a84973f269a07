package checklist

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// Time zones are part of the config's meaning: a freeze in
	// Europe/Berlin must not depend on the host having tzdata installed
	// (distroless images do not).
	_ "time/tzdata"
)

// Freeze is a change freeze: while it is in effect no release is ready,
// the merge queue and deployment gates refuse, and only a `/waive freeze`
// by someone WaiveBy names lifts it, for one release.
//
// A freeze is either dated (Start and End) or recurring (Cron, the start
// of each occurrence, and Duration), read in TimeZone (UTC by default).
type Freeze struct {
	ID     string `yaml:"id" json:"id"`
	Reason string `yaml:"reason" json:"reason"`
	// Start and End bound a dated freeze: RFC 3339 ("2026-12-20T18:00:00+01:00"),
	// or "2026-12-20" / "2026-12-20 18:00" read in TimeZone. End is excluded.
	Start string `yaml:"start,omitempty" json:"start,omitempty"`
	End   string `yaml:"end,omitempty" json:"end,omitempty"`
	// Cron names when each occurrence of a recurring freeze starts, in
	// five fields ("0 16 * * FRI"); Duration is how long each lasts.
	Cron     string   `yaml:"cron,omitempty" json:"cron,omitempty"`
	Duration Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
	// TimeZone is an IANA name ("Europe/Berlin"); default UTC.
	TimeZone string `yaml:"time_zone,omitempty" json:"time_zone,omitempty"`
	// WaiveBy lists who may lift the freeze for a release: role ids or
	// @permissions. Default: defaults.waive_by, else @admin.
	WaiveBy []string `yaml:"waive_by,omitempty" json:"waive_by,omitempty"`

	o origin
}

// Bounds of a freeze. A recurring freeze lasting longer than a month is
// a dated one written the wrong way; a dated one over a year is a typo.
const (
	MaxFreezeDuration = 31 * 24 * time.Hour
	MaxDatedFreeze    = 366 * 24 * time.Hour
)

// Location returns the freeze's time zone.
func (f Freeze) Location() (*time.Location, error) {
	if f.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(f.TimeZone)
	if err != nil || f.TimeZone == "Local" {
		return nil, fmt.Errorf("unknown time zone %q; want an IANA name such as Europe/Berlin", f.TimeZone)
	}
	return loc, nil
}

// freezeLayouts are the forms Start and End may take besides RFC 3339.
var freezeLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

func parseFreezeTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, l := range freezeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q; want RFC 3339, YYYY-MM-DD or YYYY-MM-DD HH:MM", s)
}

// In reports whether the freeze is in effect at now and, if so, until
// when. A freeze that does not parse (validation refuses it, so only a
// config that skipped validation has one) is in effect: fail closed.
func (f Freeze) In(now time.Time) (bool, time.Time) {
	loc, err := f.Location()
	if err != nil {
		return true, time.Time{}
	}
	if f.Cron == "" {
		start, err1 := parseFreezeTime(f.Start, loc)
		end, err2 := parseFreezeTime(f.End, loc)
		if err1 != nil || err2 != nil {
			return true, time.Time{}
		}
		return !now.Before(start) && now.Before(end), end
	}
	sched, err := ParseCron(f.Cron)
	if err != nil || f.Duration <= 0 {
		return true, time.Time{}
	}
	d := f.Duration.D()
	// The earliest occurrence still running started after now-d.
	start := sched.Next(now.Add(-d), loc)
	if start.IsZero() || start.After(now) {
		return false, time.Time{}
	}
	end := start.Add(d)
	// Occurrences that start before the end extend it.
	for range 1000 {
		n := sched.Next(start, loc)
		if n.IsZero() || n.After(end) {
			break
		}
		start, end = n, n.Add(d)
	}
	return true, end
}

// checkFreezes finds the mistakes of a file's freezes on their own.
func (f *File) checkFreezes(add func(p Pos, format string, args ...any)) {
	seen := map[string]Pos{}
	for i, fr := range f.Freezes {
		at := func(field string) Pos { return f.idx.pos("freezes." + strconv.Itoa(i) + "." + field) }
		if !idPattern.MatchString(fr.ID) {
			add(at("id"), "freeze id %q must be lower case letters, digits, '.', '_' or '-' (at most 64)", fr.ID)
		} else if p, dup := seen[fr.ID]; dup {
			add(at("id"), "duplicate freeze id %q (first at %s)", fr.ID, p)
		}
		seen[fr.ID] = at("id")
		if strings.TrimSpace(fr.Reason) == "" {
			add(at("reason"), "freeze %q needs a reason: it is shown on every release it blocks", fr.ID)
		}
		loc, err := fr.Location()
		if err != nil {
			add(at("time_zone"), "freeze %q: %v", fr.ID, err)
			loc = time.UTC
		}
		switch {
		case fr.Cron != "" && (fr.Start != "" || fr.End != ""):
			add(at("cron"), "freeze %q: give either cron and duration (recurring) or start and end (dated), not both", fr.ID)
		case fr.Cron != "":
			sched, err := ParseCron(fr.Cron)
			if err != nil {
				add(at("cron"), "freeze %q: bad cron %q: %v", fr.ID, fr.Cron, err)
			} else if sched.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC).IsZero() {
				add(at("cron"), "freeze %q: cron %q never fires", fr.ID, fr.Cron)
			}
			if fr.Duration <= 0 || fr.Duration.D() > MaxFreezeDuration {
				add(at("duration"), "freeze %q: a recurring freeze needs a duration above 0 and at most %s", fr.ID, MaxFreezeDuration)
			}
		case fr.Start == "" || fr.End == "":
			add(at("id"), "freeze %q needs start and end (dated) or cron and duration (recurring)", fr.ID)
		default:
			if fr.Duration != 0 {
				add(at("duration"), "freeze %q: duration applies only to a recurring (cron) freeze", fr.ID)
			}
			start, err1 := parseFreezeTime(fr.Start, loc)
			if err1 != nil {
				add(at("start"), "freeze %q: %v", fr.ID, err1)
			}
			end, err2 := parseFreezeTime(fr.End, loc)
			if err2 != nil {
				add(at("end"), "freeze %q: %v", fr.ID, err2)
			}
			if err1 == nil && err2 == nil && (!end.After(start) || end.Sub(start) > MaxDatedFreeze) {
				add(at("end"), "freeze %q: end must be after start, and at most %s later", fr.ID, MaxDatedFreeze)
			}
		}
	}
}

// applyFreezes merges a layer's freezes: one with a known id replaces it.
func (c *Config) applyFreezes(f *File) {
	for i, fr := range f.Freezes {
		fr.o = origin{&f.idx, "freezes." + strconv.Itoa(i)}
		replaced := false
		for j := range c.Freezes {
			if c.Freezes[j].ID == fr.ID {
				c.Freezes[j], replaced = fr, true
			}
		}
		if !replaced {
			c.Freezes = append(c.Freezes, fr)
		}
	}
}
