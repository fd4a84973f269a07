package release

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/command"
)

func waive(cfg *checklist.Config, n *State, ev Event, cmd command.Command) outcome {
	e, o, ok := findItem(cfg, cmd.Arg(0))
	if !ok {
		return o
	}
	if why := approvalRefusal(e.Item); why != "" {
		return outcome{refusal: why}
	}
	if why := mayWaive(cfg, e.Item, ev.Actor); why != "" {
		return outcome{refusal: why}
	}
	if why := dutyRefusal(cfg, n, ev.Actor.Login, "waive its items"); why != "" {
		return outcome{refusal: why}
	}
	args := cmd.Args[1:]
	var expires time.Time
	if len(args) > 0 {
		if d, ok := parseDuration(args[0]); ok {
			expires = ev.At.Add(d)
			args = args[1:]
		}
	}
	reason := oneLine(strings.Join(args, " "), maxReasonChars)
	if reason == "" {
		return outcome{refusal: "say why: `/waive ID [DURATION] REASON…`"}
	}
	if n.Waivers == nil {
		n.Waivers = map[string]Waiver{}
	}
	n.Waivers[e.Item.ID] = Waiver{By: ev.Actor.Login, At: ev.At, Reason: reason, Expires: expires, URL: ev.Comment.URL}
	detail := e.Item.ID + ": " + reason
	if !expires.IsZero() {
		detail += " (until " + expires.UTC().Format("2006-01-02 15:04 MST") + ")"
	}
	n.audit(ev.At, ev.Actor.Login, "waived", detail)
	return outcome{ok: true, changed: true}
}

func unwaive(cfg *checklist.Config, n *State, ev Event, id string) outcome {
	e, o, ok := findItem(cfg, id)
	if !ok {
		return o
	}
	if why := mayWaive(cfg, e.Item, ev.Actor); why != "" {
		return outcome{refusal: why}
	}
	if why := dutyRefusal(cfg, n, ev.Actor.Login, "unwaive its items"); why != "" {
		return outcome{refusal: why}
	}
	if _, had := n.Waivers[e.Item.ID]; !had {
		return outcome{ok: true}
	}
	delete(n.Waivers, e.Item.ID)
	n.audit(ev.At, ev.Actor.Login, "unwaived", e.Item.ID)
	return outcome{ok: true, changed: true}
}

func mayWaive(cfg *checklist.Config, it *checklist.Item, p Principal) string {
	list := it.WaiveBy
	if list == nil {
		list = cfg.Defaults.WaiveBy
	}
	if len(list) == 0 {
		list = []string{"@admin"}
	}
	if allowedBy(list, p) {
		return ""
	}
	return fmt.Sprintf("only %s may waive %s", whoMay(cfg, list), it.Title)
}

// parseDuration reads 30m, 12h, 7d, 2w.
func parseDuration(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 || n > 366*24 {
		return 0, false
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, false
	}
	return time.Duration(n) * unit, true
}
