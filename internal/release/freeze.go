package release

import (
	"fmt"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/command"
)

// FreezeWaiverPrefix keys a freeze's waiver in State.Waivers: item ids
// never hold a colon, so the two never meet, and the waiver travels in
// the signed ledger like any other.
const FreezeWaiverPrefix = "freeze:"

// ActiveFreeze is a change freeze in effect at a moment.
type ActiveFreeze struct {
	checklist.Freeze
	// Until is when it ends; zero when the freeze cannot be read (it then
	// holds, failing closed).
	Until time.Time
	// Waiver, when set, lifts it for this release.
	Waiver *Waiver
}

// FreezesAt lists the freezes in effect at now, in config order, each
// with this release's waiver of it, if any.
func FreezesAt(cfg *checklist.Config, s *State, now time.Time) []ActiveFreeze {
	var out []ActiveFreeze
	for _, f := range cfg.Freezes {
		in, until := f.In(now)
		if !in {
			continue
		}
		af := ActiveFreeze{Freeze: f, Until: until}
		if w, ok := s.Waivers[FreezeWaiverPrefix+f.ID]; ok && w.ActiveAt(now) {
			af.Waiver = &w
		}
		out = append(out, af)
	}
	return out
}

// Blocking returns the freezes no waiver lifts.
func Blocking(fs []ActiveFreeze) []ActiveFreeze {
	var out []ActiveFreeze
	for _, f := range fs {
		if f.Waiver == nil {
			out = append(out, f)
		}
	}
	return out
}

// Describe says what the freeze is and until when, in one line.
func (f ActiveFreeze) Describe() string {
	d := "change freeze `" + f.ID + "`: " + oneLine(f.Reason, 120)
	if !f.Until.IsZero() {
		d += " (until " + f.Until.UTC().Format("2006-01-02 15:04 MST") + ")"
	}
	return d
}

func freezeWaivers(cfg *checklist.Config, f checklist.Freeze) []string {
	switch {
	case f.WaiveBy != nil:
		return f.WaiveBy
	case len(cfg.Defaults.WaiveBy) > 0:
		return cfg.Defaults.WaiveBy
	}
	return []string{"@admin"}
}

// isFreezeCommand reports whether `/waive ID` or `/unwaive ID` names the
// freezes rather than an item: it does when the config has freezes.
func isFreezeCommand(cfg *checklist.Config, id string) bool {
	return len(cfg.Freezes) > 0 && strings.EqualFold(id, "freeze")
}

// waiveFreeze lifts, for this release, every freeze in effect that the
// person may waive. A freeze not in effect is not waived ahead of time:
// the waiver answers the freeze someone looked at.
func waiveFreeze(cfg *checklist.Config, n *State, ev Event, cmd command.Command) outcome {
	if why := dutyRefusal(cfg, n, ev.Actor.Login, "waive a change freeze"); why != "" {
		return outcome{refusal: why}
	}
	reason := oneLine(strings.Join(cmd.Args[1:], " "), maxReasonChars)
	if reason == "" {
		return outcome{refusal: "say why: `/waive freeze REASON…`"}
	}
	active := FreezesAt(cfg, n, ev.At)
	if len(active) == 0 {
		return outcome{refusal: "no change freeze is in effect now"}
	}
	var waived, refused []string
	for _, f := range active {
		list := freezeWaivers(cfg, f.Freeze)
		if !allowedBy(list, ev.Actor) {
			refused = append(refused, fmt.Sprintf("only %s may waive the freeze `%s`", whoMay(cfg, list), f.ID))
			continue
		}
		if n.Waivers == nil {
			n.Waivers = map[string]Waiver{}
		}
		n.Waivers[FreezeWaiverPrefix+f.ID] = Waiver{By: ev.Actor.Login, At: ev.At, Reason: reason, URL: ev.Comment.URL}
		n.audit(ev.At, ev.Actor.Login, "waived", FreezeWaiverPrefix+f.ID+": "+reason)
		waived = append(waived, f.ID)
	}
	if len(waived) == 0 {
		return outcome{refusal: strings.Join(refused, "; ")}
	}
	o := outcome{ok: true, changed: true}
	if len(refused) > 0 {
		o.notes = append(o.notes, "lifted "+strings.Join(waived, ", ")+"; "+strings.Join(refused, "; "))
	}
	return o
}

// unwaiveFreeze puts back every freeze waiver of the release the person
// may give.
func unwaiveFreeze(cfg *checklist.Config, n *State, ev Event) outcome {
	if why := dutyRefusal(cfg, n, ev.Actor.Login, "unwaive a change freeze"); why != "" {
		return outcome{refusal: why}
	}
	o := outcome{ok: true}
	for _, f := range cfg.Freezes {
		key := FreezeWaiverPrefix + f.ID
		if _, had := n.Waivers[key]; !had {
			continue
		}
		if list := freezeWaivers(cfg, f); !allowedBy(list, ev.Actor) {
			o.notes = append(o.notes, fmt.Sprintf("only %s may unwaive the freeze `%s`", whoMay(cfg, list), f.ID))
			continue
		}
		delete(n.Waivers, key)
		n.audit(ev.At, ev.Actor.Login, "unwaived", key)
		o.changed = true
	}
	return o
}
