package release

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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

func approve(cfg *checklist.Config, n *State, ev Event, id string) outcome {
	p := ev.Actor
	r, o, ok := findRole(cfg, id)
	if !ok {
		return o
	}
	if so, ok := ActiveSignoff(n, r.ID); ok {
		if strings.EqualFold(so.By, p.Login) {
			return outcome{ok: true}
		}
		return outcome{refusal: fmt.Sprintf("%s already signed off as %s at %s; they can `/revoke %s` first", so.By, r.Title, short(so.SHA), r.ID)}
	}
	if !slices.Contains(p.Roles, r.ID) {
		return outcome{refusal: fmt.Sprintf("%s %s, so cannot give the %s sign-off", p.Login, notHolder(r), r.Title)}
	}
	if strings.EqualFold(p.Login, n.Author) && !cfg.Rules.AuthorMay() {
		return outcome{refusal: fmt.Sprintf("%s opened this release, and the author may not sign it off (rules.author_may_sign)", p.Login)}
	}
	if n.PushedBy(p.Login) && !cfg.Rules.PusherMay() {
		return outcome{refusal: pusherRefusal(n, p.Login)}
	}
	if cfg.Rules.OneRole() {
		for _, so := range n.Signoffs {
			if so.Active() && strings.EqualFold(so.By, p.Login) && so.Role != r.ID {
				return outcome{refusal: fmt.Sprintf("%s already signed off as %s, and one person gives one sign-off per release (rules.one_person_one_role)", p.Login, roleTitle(cfg, so.Role))}
			}
		}
	}
	// The after rule is judged on the sign-offs made before this command:
	// one made later never counts for it, whatever order the webhooks
	// came in.
	if missing := missingAt(cfg, n, r, ev.At, ev.Comment.ID); len(missing) > 0 {
		return outcome{refusal: fmt.Sprintf("%s waits for the other sign-offs; still missing: %s", r.Title, strings.Join(missing, ", ")), waitFor: missing}
	}
	if n.HeadSHA == "" {
		return outcome{refusal: "golive does not know the PR head yet; try again in a moment"}
	}
	n.Signoffs = append(n.Signoffs, Signoff{Role: r.ID, By: p.Login, At: ev.At, SHA: n.HeadSHA, Tree: n.HeadTree, CommentID: ev.Comment.ID, URL: ev.Comment.URL, Standing: standingOf(p)})
	n.audit(ev.At, p.Login, "signed", fmt.Sprintf("%s on %s", r.Title, short(n.HeadSHA)))
	return outcome{ok: true, changed: true}
}

func revoke(cfg *checklist.Config, n *State, ev Event, id string) outcome {
	r, o, ok := findRole(cfg, id)
	if !ok {
		return o
	}
	for i := len(n.Signoffs) - 1; i >= 0; i-- {
		so := &n.Signoffs[i]
		if so.Role != r.ID || !so.Active() {
			continue
		}
		if !strings.EqualFold(so.By, ev.Actor.Login) {
			return outcome{refusal: fmt.Sprintf("the %s sign-off is %s's; only they can revoke it", r.Title, so.By)}
		}
		so.VoidedAt, so.VoidReason = ev.At, "revoked by "+ev.Actor.Login
		n.audit(ev.At, ev.Actor.Login, "revoked", r.Title)
		return outcome{ok: true, changed: true, notes: voidDependents(cfg, n, ev.At, ev.Actor.Login)}
	}
	return outcome{refusal: fmt.Sprintf("there is no %s sign-off to revoke", r.Title)}
}

func findRole(cfg *checklist.Config, id string) (checklist.Role, outcome, bool) {
	if id == "" {
		return checklist.Role{}, outcome{refusal: "name a role: " + roleList(cfg)}, false
	}
	if r, ok := cfg.Role(id); ok {
		return r, outcome{}, true
	}
	if !command.IsASCII(id) { // a look-alike: never a role
		msg := fmt.Sprintf("%s has characters that only look like letters", mdtext.Code(id, 40))
		if f := command.Fold(id); f != id {
			msg += fmt.Sprintf("; did you mean %s?", mdtext.Code(f, 40))
		}
		return checklist.Role{}, outcome{refusal: msg, unknown: true}, false
	}
	for _, r := range cfg.Roles { // "/approve Security Review" → by title
		if strings.EqualFold(r.Title, id) || strings.EqualFold(strings.ReplaceAll(r.Title, " ", "-"), id) {
			return r, outcome{}, true
		}
	}
	var ids []string
	for _, r := range cfg.Roles {
		ids = append(ids, r.ID)
	}
	msg := fmt.Sprintf("there is no role %s", mdtext.Code(id, 40))
	if s, ok := checklist.Closest(id, ids); ok {
		msg += fmt.Sprintf("; did you mean `%s`?", s)
	} else {
		msg += "; the roles are " + roleList(cfg)
	}
	return checklist.Role{}, outcome{refusal: msg, unknown: true}, false
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

// notHolder says whom the role is for: "is not in ag06mixer/security".
func notHolder(r checklist.Role) string {
	var ways []string
	if len(r.Teams) > 0 {
		ways = append(ways, "in "+strings.Join(r.Teams, " or "))
	}
	if len(r.Users) > 0 {
		ways = append(ways, "listed for the role")
	}
	if r.Permission != "" {
		ways = append(ways, "given "+r.Permission+" access to the repo")
	}
	if len(ways) == 0 {
		return "does not hold the role (it has no members)"
	}
	return "is not " + strings.Join(ways, " or ")
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

// allowedBy reports whether p matches a list of role ids and @permissions.
func allowedBy(list []string, p Principal) bool {
	for _, who := range list {
		if perm, ok := strings.CutPrefix(who, "@"); ok {
			if atLeast(p, perm) {
				return true
			}
			continue
		}
		if slices.Contains(p.Roles, who) {
			return true
		}
	}
	return false
}

func atLeast(p Principal, perm string) bool {
	want := checklist.PermissionRank(perm)
	return want >= 0 && checklist.PermissionRank(p.Permission) >= want
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

// MayApprove reports whether p could give role's sign-off at now, by the
// same rules /approve is judged by (role held, author, last pusher, one
// role per person, order); why not, when not. It changes nothing.
func MayApprove(cfg *checklist.Config, s *State, p Principal, role string, now time.Time) (bool, string) {
	if _, ok := ActiveSignoff(s, role); ok {
		return false, "already signed"
	}
	o := approve(cfg, s.Clone(), Event{At: now, Actor: p, Comment: &CommentInfo{}}, role)
	return o.ok && o.changed, o.refusal
}

// whoMay names, for a refusal, the people a list of role ids and
// @permissions allows: "Security Review or anyone with maintain access".
func whoMay(cfg *checklist.Config, list []string) string {
	who := make([]string, len(list))
	for i, w := range list {
		if perm, ok := strings.CutPrefix(w, "@"); ok {
			who[i] = "anyone with " + perm + " access"
		} else {
			who[i] = roleTitle(cfg, w)
		}
	}
	return strings.Join(who, " or ")
}
