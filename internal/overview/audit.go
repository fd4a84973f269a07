package overview

import (
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/release"
)

// AuditLine is one audit entry for people: the item it is about named by
// its title. Detail is the entry's text with the item's title in place of
// its id; Before, ItemTitle and After are the same text in three parts,
// so a page can link the title to the item's row.
type AuditLine struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor,omitempty"`
	Action    string    `json:"action"`
	Detail    string    `json:"detail"`
	Item      string    `json:"item,omitempty"`
	ItemTitle string    `json:"item_title,omitempty"`
	Before    string    `json:"-"`
	After     string    `json:"-"`
}

// auditPrefixes are the words before an item id in golive's audit
// details ("tick of ID: why", "waive ID 7d reason: why", "ID by command").
var auditPrefixes = []string{"tick of ", "untick of ", "check ", "uncheck ", "waive ", "unwaive ", ""}

// auditLine names the item an entry is about by its title. Only a known
// item id, at the place golive writes one, is replaced: a word in a
// reason that happens to equal an id stays as written.
func auditLine(a release.AuditEntry, titles map[string]string) AuditLine {
	l := AuditLine{At: a.At, Actor: a.Actor, Action: a.Action, Detail: a.Detail}
	for _, p := range auditPrefixes {
		rest, ok := strings.CutPrefix(a.Detail, p)
		if !ok {
			continue
		}
		id := rest
		if i := strings.IndexAny(rest, " :"); i >= 0 {
			id = rest[:i]
		}
		title, known := titles[id]
		if !known || title == "" {
			continue
		}
		l.Item, l.ItemTitle = id, title
		l.Before, l.After = p, rest[len(id):]
		l.Detail = p + title + l.After
		return l
	}
	l.Before = a.Detail
	return l
}
