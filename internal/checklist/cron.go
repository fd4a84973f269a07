package checklist

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed five-field cron expression (minute, hour, day of
// month, month, day of week), read strictly: no seconds field, no macros,
// no Quartz extensions (? L W #). As in Vixie cron, when both the day of
// month and the day of week are restricted, a day matching either counts.
type Schedule struct {
	minute, hour, dom, month, dow uint64
	domStar, dowStar              bool
}

type cronField struct {
	name     string
	min, max int
	names    []string // names[i] is the value min+i
}

var cronFields = [5]cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	// 7 is Sunday too, as in most crons.
	{name: "day of week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

// ParseCron reads a five-field cron expression such as "0 18 * * FRI".
func ParseCron(expr string) (*Schedule, error) {
	fs := strings.Fields(expr)
	if len(fs) != 5 {
		return nil, fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(fs))
	}
	var bits [5]uint64
	for i, f := range fs {
		b, err := cronFields[i].parse(f)
		if err != nil {
			return nil, err
		}
		bits[i] = b
	}
	if bits[4]&(1<<7) != 0 {
		bits[4] = bits[4]&^(1<<7) | 1
	}
	return &Schedule{minute: bits[0], hour: bits[1], dom: bits[2], month: bits[3], dow: bits[4],
		domStar: strings.HasPrefix(fs[2], "*"), dowStar: strings.HasPrefix(fs[4], "*")}, nil
}

func (cf cronField) parse(s string) (uint64, error) {
	var bits uint64
	for _, term := range strings.Split(s, ",") {
		rng, stepText, hasStep := strings.Cut(term, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > cf.max {
				return 0, fmt.Errorf("%s: bad step %q", cf.name, stepText)
			}
			step = n
		}
		lo, hi := cf.min, cf.max
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = cf.value(a); err != nil {
				return 0, err
			}
			if hi, err = cf.value(b); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("%s: range %q runs backwards", cf.name, rng)
			}
		default:
			v, err := cf.value(rng)
			if err != nil {
				return 0, err
			}
			if hasStep {
				return 0, fmt.Errorf("%s: a step needs a range or *, not %q", cf.name, term)
			}
			lo, hi = v, v
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << v
		}
	}
	return bits, nil
}

func (cf cronField) value(s string) (int, error) {
	for i, n := range cf.names {
		if strings.EqualFold(s, n) {
			return cf.min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < cf.min || v > cf.max || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("%s: %q is not a value from %d to %d", cf.name, s, cf.min, cf.max)
	}
	return v, nil
}

func (s *Schedule) dayMatches(t time.Time) bool {
	dom := s.dom&(1<<t.Day()) != 0
	dow := s.dow&(1<<int(t.Weekday())) != 0
	if s.domStar || s.dowStar {
		return dom && dow
	}
	return dom || dow
}

// cronSearch bounds Next: five years of skips reach every date a valid
// expression can name (29 February included).
const cronSearch = 5 * 366 * 24 * 2

// Next returns the first minute strictly after t, in loc, that the
// schedule names, or the zero time when none comes within five years
// ("0 0 30 2 *"). Steps move forward in absolute time, so a daylight
// saving change never loops.
func (s *Schedule) Next(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc).Truncate(time.Minute).Add(time.Minute)
	for range cronSearch {
		var next time.Time
		switch {
		case s.month&(1<<int(t.Month())) == 0:
			next = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !s.dayMatches(t):
			next = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case s.hour&(1<<t.Hour()) == 0:
			next = t.Add(time.Duration(60-t.Minute()) * time.Minute)
		case s.minute&(1<<t.Minute()) == 0:
			next = t.Add(time.Minute)
		default:
			return t
		}
		if !next.After(t) {
			next = t.Add(time.Minute)
		}
		t = next
	}
	return time.Time{}
}
