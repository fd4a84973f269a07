package release

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/command"
	"github.com/ag06mixer/golive/internal/mdtext"
)

// CommentInfo is a new comment on the release PR or its tracking issue.
type CommentInfo struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"url,omitempty"`
	// Target is the issue or PR number the comment is on; replies go there.
	Target int `json:"target"`
}

// Reactions golive gives a command comment as a receipt.
const (
	ReactOK        = "+1"
	ReactRefused   = "-1"
	ReactConfused  = "confused"
	maxSeen        = 500
	maxReasonChars = 500
	// MaxJudged bounds the commands (and look-alikes) judged per comment;
	// the rest are ignored, with a note. It fits the built-in checklist's
	// 112 hand-ticked items in one comment.
	MaxJudged = 150
	// MaxReply bounds a reply, below GitHub's 65,536 characters.
	MaxReply = 60000
)

// outcome is what one command did.
type outcome struct {
	ok      bool     // took effect (or already stood)
	changed bool     // the state changed
	refusal string   // why not, for the reply
	unknown bool     // not understood
	notes   []string // what else it did, for the reply
	// waitFor names the earlier sign-offs an /approve waits for: such an
	// approval is kept pending rather than refused at once.
	waitFor []string
}

// applyComment runs the commands of a new comment. Only new comments
// count; edits and deletions never reach here.
func applyComment(cfg *checklist.Config, n *State, ev Event) []Effect {
	c := ev.Comment
	if c == nil || ev.Actor.Bot {
		return nil
	}
	cmds, unknown := command.Parse(c.Body)
	if len(cmds) == 0 && len(unknown) == 0 {
		return nil
	}
	if slices.Contains(n.Seen, c.ID) {
		return nil // a redelivered comment: applied once already
	}
	n.Seen = append(n.Seen, c.ID)
	if len(n.Seen) > maxSeen {
		n.Seen = slices.Clone(n.Seen[len(n.Seen)-maxSeen:])
	}
	var lines []string
	var okN, refusedN, confusedN int
	sync, refresh := false, false
	ignored, repeated := 0, 0
	if len(unknown) > MaxJudged {
		ignored += len(unknown) - MaxJudged
		unknown = unknown[:MaxJudged]
	}
	if room := MaxJudged - len(unknown); len(cmds) > room {
		ignored += len(cmds) - room
		cmds = cmds[:room]
	}
	// The same command twice in one comment is judged once (help, a
	// hundred /approve and /revoke of one role).
	seen := map[string]bool{}
	var once []command.Command
	for _, cmd := range cmds {
		k := string(cmd.Name) + "\x00" + cmd.Arg(0)
		if seen[k] {
			repeated++
			continue
		}
		seen[k] = true
		once = append(once, cmd)
	}
	cmds = once
	for _, u := range unknown {
		confusedN++
		msg := fmt.Sprintf("%s is not a golive command", mdtext.Code(u.Word, 60))
		if u.LookAlike {
			msg += " (it has characters that only look like letters)"
		}
		if u.Suggestion != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", u.Suggestion)
		}
		lines = append(lines, "- "+msg)
	}
	for _, cmd := range cmds {
		var o outcome
		switch cmd.Name {
		case command.Help:
			lines = append(lines, help(cfg))
			o.ok = true
		case command.Refresh:
			refresh = true
			o.ok = true
			n.audit(ev.At, ev.Actor.Login, "refresh", "asked for a refresh")
		default:
			o = runCommand(cfg, n, ev, cmd)
		}
		if len(o.waitFor) > 0 {
			// Its earlier sign-offs may still be on their way: no receipt
			// and no reply yet; the issue shows it pending.
			r, _, _ := findRole(cfg, cmd.Arg(0))
			pend(n, ev, r, o.waitFor)
			sync = true
			continue
		}
		switch {
		case o.unknown:
			confusedN++
		case o.ok:
			okN++
		default:
			refusedN++
		}
		for _, note := range o.notes {
			lines = append(lines, fmt.Sprintf("- %s: %s", written(cmd), note))
		}
		if o.refusal != "" {
			lines = append(lines, fmt.Sprintf("- %s: %s", written(cmd), o.refusal))
			n.audit(ev.At, ev.Actor.Login, "refused", fmt.Sprintf("%s %s: %s", cmd.Name, oneLine(cmd.Rest, 80), o.refusal))
		}
		sync = sync || o.changed
	}
	if repeated > 0 {
		lines = append(lines, fmt.Sprintf("- %s repeated in this comment judged once", count(repeated, "command")))
	}
	if ignored > 0 {
		lines = append(lines, fmt.Sprintf("- %s past the first %d ignored: golive judges at most %d per comment; split them over several comments", count(ignored, "more command"), MaxJudged, MaxJudged))
	}
	lines = capLines(lines, MaxReply)
	var eff []Effect
	for _, r := range []struct {
		n       int
		content string
	}{{okN, ReactOK}, {refusedN, ReactRefused}, {confusedN, ReactConfused}} {
		if r.n > 0 {
			eff = append(eff, Effect{Kind: EffReact, CommentID: c.ID, Reaction: r.content})
		}
	}
	if len(lines) > 0 {
		eff = append(eff, Effect{Kind: EffReply, Target: c.Target, Body: fmt.Sprintf("@%s\n\n%s", ev.Actor.Login, strings.Join(lines, "\n"))})
	}
	if sync || okN > 0 {
		eff = append(eff, Effect{Kind: EffSync})
	}
	if refresh {
		eff = append(eff, Effect{Kind: EffRefresh})
	}
	if len(n.Pending) > 0 {
		eff = append(eff, resolvePending(cfg, n)...)
	}
	return eff
}

// written shows a command as it was given, shortened, for a reply.
func written(cmd command.Command) string {
	s := "/" + string(cmd.Name)
	if cmd.Rest != "" && cmd.Name != command.Refresh && cmd.Name != command.Help {
		s += " " + cmd.Rest
	}
	return mdtext.Code(s, 60)
}

// capLines keeps the lines that fit in max bytes (a byte is at most one
// character) and says how many were cut.
func capLines(lines []string, max int) []string {
	total := 0
	for i, l := range lines {
		if total+len(l)+1 > max-200 {
			return append(lines[:i:i], fmt.Sprintf("- … %s cut to keep the reply within GitHub's limit", count(len(lines)-i, "more line")))
		}
		total += len(l) + 1
	}
	return lines
}

func runCommand(cfg *checklist.Config, n *State, ev Event, cmd command.Command) outcome {
	p := ev.Actor
	if !p.Known {
		return outcome{refusal: "GitHub could not confirm your access just now, so golive did nothing; comment again or `/golive refresh` in a minute"}
	}
	if n.Status != StatusOpen && cmd.Name != command.Waive && cmd.Name != command.Unwaive && cmd.Name != command.Check && cmd.Name != command.Uncheck {
		return outcome{refusal: fmt.Sprintf("the release is %s", n.Status)}
	}
	switch cmd.Name {
	case command.Approve:
		return approve(cfg, n, ev, cmd.Arg(0))
	case command.Revoke:
		return revoke(cfg, n, ev, cmd.Arg(0))
	case command.Check, command.Uncheck:
		return check(cfg, n, ev, cmd.Arg(0), cmd.Name == command.Check)
	case command.Waive:
		if isFreezeCommand(cfg, cmd.Arg(0)) {
			return waiveFreeze(cfg, n, ev, cmd)
		}
		return waive(cfg, n, ev, cmd)
	case command.Unwaive:
		if isFreezeCommand(cfg, cmd.Arg(0)) {
			return unwaiveFreeze(cfg, n, ev)
		}
		return unwaive(cfg, n, ev, cmd.Arg(0))
	case command.Hold:
		if !atLeast(p, "write") {
			return outcome{refusal: "only people with write access may hold a release"}
		}
		reason := oneLine(cmd.Rest, maxReasonChars)
		if reason == "" {
			return outcome{refusal: "say why: `/hold REASON…`"}
		}
		if n.Hold != nil && !strings.EqualFold(n.Hold.By, p.Login) {
			return outcome{refusal: fmt.Sprintf("the release is already on hold by %s; it stays held until they, or someone rules.unhold_by names, lift it", n.Hold.By)}
		}
		n.Hold = &Hold{By: p.Login, At: ev.At, Reason: reason, URL: ev.Comment.URL}
		n.audit(ev.At, p.Login, "held", reason)
		return outcome{ok: true, changed: true}
	case command.Unhold:
		if n.Hold == nil {
			return outcome{ok: true}
		}
		if why := mayUnhold(cfg, n, p); why != "" {
			return outcome{refusal: why}
		}
		n.audit(ev.At, p.Login, "unheld", "hold by "+n.Hold.By+" lifted")
		n.Hold = nil
		return outcome{ok: true, changed: true}
	}
	return outcome{unknown: true}
}

func roleList(cfg *checklist.Config) string {
	var ids []string
	for _, r := range cfg.Roles {
		ids = append(ids, "`"+r.ID+"`")
	}
	return strings.Join(ids, ", ")
}

func titles(cfg *checklist.Config, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = roleTitle(cfg, id)
	}
	return out
}

func check(cfg *checklist.Config, n *State, ev Event, id string, on bool) outcome {
	e, o, ok := findItem(cfg, id)
	if !ok {
		return o
	}
	it := e.Item
	if it.Source() == checklist.SourceApproval {
		return outcome{refusal: fmt.Sprintf("%s is a sign-off: `/approve %s`", it.Title, it.Evidence.Approval.Role)}
	}
	if why := mayTick(cfg, it, ev.Actor, n); why != "" {
		return outcome{refusal: fmt.Sprintf("%s: %s", it.Title, why)}
	}
	_, had := n.Manual[it.ID]
	if on == had {
		return outcome{ok: true}
	}
	if on {
		if n.Manual == nil {
			n.Manual = map[string]Tick{}
		}
		n.Manual[it.ID] = Tick{By: ev.Actor.Login, At: ev.At, SHA: n.HeadSHA, Via: ev.Comment.URL}
		n.audit(ev.At, ev.Actor.Login, "ticked", it.ID+" by command")
	} else {
		delete(n.Manual, it.ID)
		n.audit(ev.At, ev.Actor.Login, "unticked", it.ID+" by command")
	}
	return outcome{ok: true, changed: true}
}

func findItem(cfg *checklist.Config, id string) (checklist.Entry, outcome, bool) {
	if id == "" {
		return checklist.Entry{}, outcome{refusal: "name an item id; the tracking issue shows them in `/golive help`"}, false
	}
	if e, ok := cfg.Item(id); ok {
		return e, outcome{}, true
	}
	if !command.IsASCII(id) { // a look-alike: never an item
		msg := fmt.Sprintf("%s has characters that only look like letters", mdtext.Code(id, 64))
		if f := command.Fold(id); f != id {
			msg += fmt.Sprintf("; did you mean %s?", mdtext.Code(f, 64))
		}
		return checklist.Entry{}, outcome{refusal: msg, unknown: true}, false
	}
	var ids []string
	for _, e := range cfg.Flatten() {
		ids = append(ids, e.Item.ID)
	}
	msg := fmt.Sprintf("there is no item %s", mdtext.Code(id, 64))
	if s, ok := checklist.Closest(id, ids); ok {
		msg += fmt.Sprintf("; did you mean `%s`?", s)
	}
	return checklist.Entry{}, outcome{refusal: msg, unknown: true}, false
}

// help lists the commands, the roles and who holds them.
func help(cfg *checklist.Config) string {
	var b strings.Builder
	b.WriteString("**golive commands** (one per line, at the start of the line, in this PR or its tracking issue):\n\n")
	for _, name := range command.Names {
		fmt.Fprintf(&b, "- `%s`\n", command.Usage[name])
	}
	b.WriteString("\n| role | held by | signs after |\n|---|---|---|\n")
	for _, r := range cfg.Roles {
		var who []string
		for _, t := range r.Teams {
			who = append(who, "team "+t)
		}
		for _, u := range r.Users {
			who = append(who, "`"+u+"`") // no @: help must not ping people
		}
		if r.Permission != "" {
			who = append(who, r.Permission+" access")
		}
		fmt.Fprintf(&b, "| `%s` %s | %s | %s |\n", r.ID, r.Title, strings.Join(who, ", "), strings.Join(titles(cfg, r.After), ", "))
	}
	return b.String()
}
