package release

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// The record keeps no copy of what golive wrote (issue #18): the issue
// body is about 19 KB on the default checklist and the check run's
// summary 5 KB. It keeps a hash of each, which says whether a rendering
// is the one already on GitHub, and of the issue the box of each item,
// which says which boxes a person changed since (HumanChanges).
//
// The hashes live in the members an older golive knew, written.issue_body
// and written.check_digest, as "sha256:<hex>" (schema 3). To an older
// golive that is a body and a digest no rendering matches: it re-reads the
// issue, finds no box to carry over, writes once and stores the text, and
// this version reads that text as before. Its forgetting the body after
// a human edit (issue_body "") is seen here too: the boxes, in the new
// top-level member written_boxes, count only beside a hash in issue_body,
// which only this version writes, with them.

// hashPrefix marks a written.issue_body or written.check_digest that
// holds a hash, not the text.
const hashPrefix = "sha256:"

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hashPrefix + hex.EncodeToString(h[:])
}

// IssueWritten reports whether body is what golive last wrote to the
// tracking issue.
func (s *State) IssueWritten(body string) bool {
	w := s.Written.IssueBody
	if strings.HasPrefix(w, hashPrefix) {
		return w == hashOf(body)
	}
	return w != "" && w == body
}

// KnowsIssueWritten reports whether golive knows what it last wrote to
// the tracking issue.
func (s *State) KnowsIssueWritten() bool { return s.Written.IssueBody != "" }

// SetIssueWritten records body as what golive last wrote to the issue.
func (s *State) SetIssueWritten(body string) {
	s.Written.IssueBody = hashOf(body)
	s.WrittenBoxes = encodeBoxes(Ticks(body))
}

// ForgetIssueWritten makes the next sync write the issue body whatever
// golive's rendering, and take no box of it as a person's.
func (s *State) ForgetIssueWritten() {
	s.Written.IssueBody, s.WrittenBoxes = "", ""
}

// HumanChanges lists the boxes that differ between golive's last write
// and current (the body on GitHub now), with their new state: the changes
// someone made since. A box missing from either side is no change.
func (s *State) HumanChanges(current string) map[string]bool {
	changed := map[string]bool{}
	w := s.Written.IssueBody
	if !strings.HasPrefix(w, hashPrefix) {
		before := Ticks(w) // the text an older golive stored
		for id, now := range Ticks(current) {
			if was, ok := before[id]; ok && was != now {
				changed[id] = now
			}
		}
		return changed
	}
	before := decodeBoxes(s.WrittenBoxes)
	for id, now := range Ticks(current) {
		if before.of(id) != now {
			changed[id] = now
		}
	}
	return changed
}

// CheckWritten reports whether c shows what golive last wrote to the
// check run (CheckRun.Digest).
func (s *State) CheckWritten(c CheckRun) bool {
	w := s.Written.CheckDigest
	if strings.HasPrefix(w, hashPrefix) {
		return w == hashOf(c.Digest())
	}
	return w != "" && w == c.Digest()
}

// SetCheckWritten records c as what golive last wrote to the check run.
func (s *State) SetCheckWritten(c CheckRun) { s.Written.CheckDigest = hashOf(c.Digest()) }

// encodeBoxes writes boxes as the shorter of "+ id…" (the ticked ones;
// any other is unticked) and "- id…" (the unticked ones; any other is
// ticked), ids sorted and space separated: item ids hold no space
// (tickLine). The default checklist's 162 boxes then take at most half
// their ids, not all of them.
func encodeBoxes(t map[string]bool) string {
	var on, off []string
	for id, ticked := range t {
		if ticked {
			on = append(on, id)
		} else {
			off = append(off, id)
		}
	}
	mode, ids := "+", on
	if len(off) < len(on) {
		mode, ids = "-", off
	}
	slices.Sort(ids)
	return strings.Join(append([]string{mode}, ids...), " ")
}

// boxes are the decoded written_boxes: the state of the listed ids, and
// of any other.
type boxes struct {
	listed map[string]bool
	rest   bool
}

// of returns the state golive wrote for box id. A box it did not write
// (a line a person added) reads as the rest: at worst a change is noted
// for an item golive renders no line for, which changes nothing.
func (b boxes) of(id string) bool {
	if v, ok := b.listed[id]; ok {
		return v
	}
	return b.rest
}

func decodeBoxes(s string) boxes {
	f := strings.Fields(s)
	b := boxes{listed: map[string]bool{}}
	if len(f) == 0 || (f[0] != "+" && f[0] != "-") {
		return b
	}
	on := f[0] == "+"
	b.rest = !on
	for _, id := range f[1:] {
		b.listed[id] = on
	}
	return b
}
