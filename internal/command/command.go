// Package command reads golive's slash commands out of a comment.
//
// A command starts a line (after at most three spaces), begins with an
// ASCII "/", and is case-insensitive: "/approve security". A comment may
// hold several, one per line. Text in fenced or indented code, block
// quotes and quoted replies, HTML comments, <details> and <summary>,
// <pre> and other HTML blocks is never read as a command, so quoting
// someone's "/approve" or pasting docs does nothing. A command word that
// only looks like ASCII (see Fold) is never executed.
//
// It is pure and never fails: what it cannot read comes back as Unknown,
// with a suggestion when one is close.
package command

import (
	"cmp"
	"regexp"
	"strings"
	"unicode"

	"github.com/ag06mixer/golive/internal/checklist"
)

// Name is a command.
type Name string

// The commands.
const (
	Approve Name = "approve"
	Revoke  Name = "revoke"
	Check   Name = "check"
	Uncheck Name = "uncheck"
	Waive   Name = "waive"
	Unwaive Name = "unwaive"
	Hold    Name = "hold"
	Unhold  Name = "unhold"
	Refresh Name = "golive refresh"
	Help    Name = "golive help"
)

// Names lists the commands in the order help shows them.
var Names = []Name{Approve, Revoke, Check, Uncheck, Waive, Unwaive, Hold, Unhold, Refresh, Help}

// Usage is each command's synopsis.
var Usage = map[Name]string{
	Approve: "/approve ROLE",
	Revoke:  "/revoke ROLE",
	Check:   "/check ID",
	Uncheck: "/uncheck ID",
	Waive:   "/waive ID [DURATION] REASON…",
	Unwaive: "/unwaive ID",
	Hold:    "/hold REASON…",
	Unhold:  "/unhold",
	Refresh: "/golive refresh",
	Help:    "/golive help",
}

// Command is one command read from a comment.
type Command struct {
	Name Name
	// Args are the words after the command, as written.
	Args []string
	// Rest is the text after the command name, trimmed.
	Rest string
	// Line is the 1-based line of the comment it was on.
	Line int
}

// Arg returns argument i lower-cased, or "".
func (c Command) Arg(i int) string {
	if i < len(c.Args) {
		return strings.ToLower(c.Args[i])
	}
	return ""
}

// Unknown is a line that looks like a command but is not one.
type Unknown struct {
	Line int
	// Word is what was written, e.g. "/aprove".
	Word string
	// Suggestion is the command meant, when one is close: "/approve".
	Suggestion string
	// LookAlike is set when the word uses characters that only look like
	// ASCII letters (a Cyrillic "а" in "/аpprove").
	LookAlike bool
}

// Limits bound what one comment can ask.
const (
	// MaxCommands per comment; more are not read.
	MaxCommands = 200
	// MaxLine is the longest line read; longer lines are cut.
	MaxLine = 2000
	// MaxBody is GitHub's own limit on a comment.
	MaxBody = 65536
)

var htmlComment = regexp.MustCompile(`(?s)<!--.*?(-->|$)`)

// Parse reads the commands of a comment body.
func Parse(body string) (cmds []Command, unknown []Unknown) {
	if len(body) > MaxBody {
		body = body[:MaxBody]
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	// HTML comments hide their text; keep the newlines so line numbers hold.
	body = htmlComment.ReplaceAllStringFunc(body, func(m string) string {
		return strings.Repeat("\n", strings.Count(m, "\n"))
	})
	var fence string // the open fence's marker, "" outside code
	var html htmlState
	for i, line := range strings.Split(body, "\n") {
		if len(cmds)+len(unknown) >= MaxCommands {
			break
		}
		if len(line) > MaxLine {
			line = line[:MaxLine]
		}
		trimmed, indent := trimIndent(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if html.block { // raw HTML up to a blank line: no fences, no commands
			html.line(trimmed, indent)
			continue
		}
		if indent <= 3 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			fence = fenceOf(trimmed)
			continue
		}
		if indent > 3 || strings.HasPrefix(trimmed, ">") {
			continue // indented code, quotes and quoted replies
		}
		if html.line(trimmed, indent) {
			continue // <details>, <pre>, an HTML block
		}
		if trimmed == "" || (trimmed[0] != '/' && !strings.HasPrefix(Fold(firstWord(trimmed)), "/")) {
			continue // prose
		}
		c, u, ok := parseLine(trimmed, i+1)
		switch {
		case ok:
			cmds = append(cmds, c)
		case u != nil:
			unknown = append(unknown, *u)
		}
	}
	return cmds, unknown
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

// trimIndent strips leading blanks, counting a tab as four columns.
func trimIndent(line string) (string, int) {
	n := 0
	for i, r := range line {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return line[i:], n
		}
	}
	return "", n
}

func fenceOf(s string) string {
	c := s[0]
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return s[:n]
}

// parseLine reads "/name args…". A line whose first word is not
// command-like ("/usr/bin is full") is prose: neither command nor unknown.
// A word that is not ASCII is never a command: when it folds to one (a
// Kelvin sign, a fullwidth letter, a Cyrillic "а") it is an Unknown with
// LookAlike set.
func parseLine(s string, line int) (Command, *Unknown, bool) {
	fields := strings.Fields(s)
	word := fields[0]
	folded := Fold(word)
	if !strings.HasPrefix(folded, "/") {
		return Command{}, nil, false
	}
	name := folded[1:]
	if name == "" || strings.ContainsAny(name, "/.:") || !isWord(name) {
		return Command{}, nil, false
	}
	ascii := IsASCII(word)
	rest := strings.TrimSpace(s[len(word):])
	args := fields[1:]
	if name == "golive" {
		sub, subASCII := "", true
		if len(args) > 0 {
			sub, subASCII = Fold(args[0]), IsASCII(args[0])
		}
		known := sub == "refresh" || sub == "help" || sub == ""
		switch {
		case known && (!ascii || !subASCII):
			return Command{}, &Unknown{Line: line, Word: strings.Join(fields[:min(len(fields), 2)], " "), Suggestion: "/golive " + cmp.Or(sub, "help"), LookAlike: true}, false
		case sub == "refresh":
			return Command{Name: Refresh, Args: args[1:], Rest: strings.TrimSpace(strings.TrimPrefix(rest, args[0])), Line: line}, nil, true
		case known:
			return Command{Name: Help, Line: line}, nil, true
		}
		return Command{}, &Unknown{Line: line, Word: "/golive " + args[0], Suggestion: closest(sub, []string{"refresh", "help"}, "/golive "), LookAlike: !subASCII}, false
	}
	for _, n := range Names {
		if string(n) != name {
			continue
		}
		if !ascii {
			return Command{}, &Unknown{Line: line, Word: word, Suggestion: "/" + name, LookAlike: true}, false
		}
		return Command{Name: n, Args: args, Rest: rest, Line: line}, nil, true
	}
	if s := closest(name, oneWord, "/"); s != "" {
		return Command{}, &Unknown{Line: line, Word: word, Suggestion: s, LookAlike: !ascii}, false
	}
	return Command{}, nil, false // "/shrug", "/tmp": not meant for golive
}

// oneWord are the command names of one word, for suggestions.
var oneWord = func() []string {
	var out []string
	for _, n := range Names {
		if !strings.Contains(string(n), " ") {
			out = append(out, string(n))
		}
	}
	return out
}()

func isWord(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.M, r) && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// closest returns prefix and the candidate near enough to s to be a
// likely typo, or "".
func closest(s string, candidates []string, prefix string) string {
	if best, ok := checklist.Closest(s, candidates); ok {
		return prefix + best
	}
	return ""
}
