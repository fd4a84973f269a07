package render

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/mdtext"
	"github.com/ag06mixer/golive/internal/release"
)

// Ledger is what a tracking issue remembers of the decisions only people
// make: hand ticks, sign-offs, waivers, the hold and the comments already
// applied. It rides in the issue body as a signed hidden line, so that
// with Redis lost the reconciler rebuilds a release from GitHub alone
// (CI, deployments and probes are re-read from their own sources).
//
// It is signed with a server-side key (HMAC-SHA256): a collaborator who
// edits the hidden line forges nothing; a bad signature is ignored.
type Ledger struct {
	// Repo and PR bind the ledger to its release: ParseLedger rejects a
	// ledger copied into another release's issue.
	Repo string `json:"r"`
	PR   int    `json:"p"`
	// RepoID is the repository's id when golive knew it: a repository
	// renamed, deleted and re-created under the old name has another.
	RepoID   int64                     `json:"ri,omitempty"`
	OpenedAt time.Time                 `json:"o,omitzero"`
	Manual   map[string]release.Tick   `json:"m,omitempty"`
	Signoffs []release.Signoff         `json:"s,omitempty"`
	Waivers  map[string]release.Waiver `json:"w,omitempty"`
	Hold     *release.Hold             `json:"h,omitempty"`
	Seen     []int64                   `json:"c,omitempty"`
	// Head, Tree and LastPusher are the PR head golive last wrote the
	// ledger for and who pushed it, so a rebuild can judge a push made
	// while Redis was lost exactly as a live synchronize would.
	Head       string `json:"hd,omitempty"`
	Tree       string `json:"tr,omitempty"`
	LastPusher string `json:"lp,omitempty"`
	// Voided and VoidedDigest stand for the voided sign-offs, which stay
	// in state (dashboard, exports) but not in the body: their count and
	// the SHA-256 of their JSON. The ledger so stays bounded.
	Voided       int    `json:"vn,omitempty"`
	VoidedDigest string `json:"vd,omitempty"`
	// Milestones are the release events golive already acted on once
	// (a chat notification sent, a health figure observed), so a release
	// rebuilt after Redis is lost does not notify or count them again.
	Milestones map[string]time.Time `json:"ms,omitempty"`
}

// maxSeen bounds the applied-comment ids the ledger carries.
const maxSeen = 200

// LedgerOf takes a release's ledger.
func LedgerOf(s *release.State) Ledger {
	seen := s.Seen
	if len(seen) > maxSeen {
		seen = seen[len(seen)-maxSeen:]
	}
	l := Ledger{Repo: s.Key.FullRepo(), PR: s.Key.PR, RepoID: s.RepoID, OpenedAt: s.OpenedAt, Manual: s.Manual, Waivers: s.Waivers, Hold: s.Hold, Seen: slices.Clone(seen),
		Head: s.HeadSHA, Tree: s.HeadTree, LastPusher: s.LastPusher, Milestones: s.Milestones}
	var voided []release.Signoff
	for _, so := range s.Signoffs {
		if so.Active() {
			l.Signoffs = append(l.Signoffs, so)
		} else {
			voided = append(voided, so)
		}
	}
	if len(voided) > 0 {
		b, _ := json.Marshal(voided)
		sum := sha256.Sum256(b)
		l.Voided, l.VoidedDigest = len(voided), hex.EncodeToString(sum[:])
	}
	return l
}

// maxLedger bounds the ledger line, so the checklist keeps at least half
// of the body.
const maxLedger = MaxBody / 2

// maxReason bounds a waiver or hold reason in the ledger.
const maxReason = 500

// boundedLine is the signed ledger line, shrunk until it fits maxLedger:
// first reasons are cut, then the applied-comment ids and tick links go.
// A ledger that still does not fit is left out ("" ): the body must fit.
func boundedLine(l Ledger, key []byte) string {
	if line := LedgerLine(l, key); len(line) <= maxLedger {
		return line
	}
	if l.Hold != nil {
		h := *l.Hold
		h.Reason = cutRunes(h.Reason, maxReason)
		l.Hold = &h
	}
	if len(l.Waivers) > 0 {
		w := make(map[string]release.Waiver, len(l.Waivers))
		for id, x := range l.Waivers {
			x.Reason = cutRunes(x.Reason, maxReason)
			w[id] = x
		}
		l.Waivers = w
	}
	if line := LedgerLine(l, key); len(line) <= maxLedger {
		return line
	}
	l.Seen = nil
	if len(l.Manual) > 0 {
		m := make(map[string]release.Tick, len(l.Manual))
		for id, t := range l.Manual {
			t.Via = ""
			m[id] = t
		}
		l.Manual = m
	}
	if line := LedgerLine(l, key); len(line) <= maxLedger {
		return line
	}
	return ""
}

func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Restore puts the ledger's decisions into a state being rebuilt.
func (l Ledger) Restore(s *release.State) {
	if !l.OpenedAt.IsZero() {
		s.OpenedAt = l.OpenedAt
	}
	s.Manual, s.Signoffs, s.Waivers, s.Hold, s.Seen = l.Manual, slices.Clone(l.Signoffs), l.Waivers, l.Hold, l.Seen
	if len(l.Milestones) > 0 {
		s.Milestones = maps.Clone(l.Milestones)
	}
	// The head the ledger was written for: a rebuild that finds the PR
	// on another head applies it as a push, voiding what a push voids.
	if l.Head != "" {
		s.HeadSHA, s.HeadTree, s.LastPusher = l.Head, l.Tree, l.LastPusher
	}
}

// ledgerRE reads a ledger line: v3 is its JSON deflated, then base64; v2
// (written before 2026-12) is the JSON in base64, still read back so an
// issue golive wrote before keeps its decisions.
var ledgerRE = regexp.MustCompile(`(?m)^<!-- golive:ledger (v[23]) ([A-Za-z0-9_-]*) ([A-Za-z0-9_-]{43}) -->\r?$`)

// ledgerLineRE and markerLineRE find golive's hidden lines: only at the
// start of a line, where escaped text from GitHub never lands, so text
// that merely quotes one cannot make a body's own ledger rejected.
var (
	ledgerLineRE = regexp.MustCompile(`(?m)^<!-- golive:ledger`)
	markerLineRE = regexp.MustCompile(`(?m)^` + markerRE.String())
)

// Errors of ParseLedger; each means the ledger restores nothing.
var (
	// ErrLedgerForged is a ledger whose signature does not match.
	ErrLedgerForged = errors.New("tracking issue ledger has a bad signature")
	// ErrLedgerOtherRelease is a signed ledger of another release (or
	// another repository), or a body whose marker names another release.
	ErrLedgerOtherRelease = errors.New("tracking issue ledger belongs to another release")
	// ErrLedgerDuplicate is a body holding more than one ledger.
	ErrLedgerDuplicate = errors.New("tracking issue body holds more than one ledger")
)

// LedgerLine encodes and signs a ledger for the issue body: its JSON
// deflated (the ticks of one comment repeat who, when and the commit, and
// compress about eightfold), in base64.
func LedgerLine(l Ledger, key []byte) string {
	b, _ := json.Marshal(l)
	data := ledgerMemo.encode(b)
	return "<!-- golive:ledger v3 " + data + " " + sign("v3 "+data, key) + " -->"
}

// ParseLedger reads the ledger of the tracking issue body of release
// want; ok is false when the body has none. A ledger signed for another
// release or repository, a body whose marker names another release, and
// a body with a second ledger are rejected with their own errors.
func ParseLedger(body string, want release.Key, key []byte) (l Ledger, ok bool, err error) {
	if n := len(ledgerLineRE.FindAllStringIndex(body, 2)); n > 1 {
		return Ledger{}, true, ErrLedgerDuplicate
	}
	m := ledgerRE.FindStringSubmatch(body)
	if m == nil {
		return Ledger{}, false, nil
	}
	for _, mk := range markerLineRE.FindAllStringSubmatch(body, -1) {
		if !strings.EqualFold(mk[1]+"/"+mk[2], want.FullRepo()) || mk[3] != strconv.Itoa(want.PR) {
			return Ledger{}, true, fmt.Errorf("%w: the issue's marker names %s/%s#%s", ErrLedgerOtherRelease, mk[1], mk[2], mk[3])
		}
	}
	version, data, sig := m[1], m[2], m[3]
	signed := data
	if version == "v3" {
		signed = "v3 " + data // the version is signed too
	}
	if !hmac.Equal([]byte(sign(signed, key)), []byte(sig)) {
		return Ledger{}, true, ErrLedgerForged
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil {
		return Ledger{}, true, fmt.Errorf("tracking issue ledger: %w", err)
	}
	if version == "v3" {
		// Only golive's own signed bytes get here; the bound still holds
		// if the key ever leaked.
		if raw, err = inflate(raw); err != nil {
			return Ledger{}, true, fmt.Errorf("tracking issue ledger: %w", err)
		}
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return Ledger{}, true, fmt.Errorf("tracking issue ledger: %w", err)
	}
	if !strings.EqualFold(l.Repo, want.FullRepo()) || l.PR != want.PR {
		return Ledger{}, true, fmt.Errorf("%w: it was signed for %s#%d, not %s", ErrLedgerOtherRelease, l.Repo, l.PR, want)
	}
	return l, true, nil
}

// ForRepository rejects a ledger signed for another repository than the
// one with id repoID, even under the same owner/name (a rename, or a
// repository deleted and re-created). A zero id on either side (a ledger
// written before ids were kept, a PR read without one) proves nothing
// and rejects nothing.
func (l Ledger) ForRepository(repoID int64) error {
	if l.RepoID != 0 && repoID != 0 && l.RepoID != repoID {
		return fmt.Errorf("%w: it was signed for repository id %d, not %d", ErrLedgerOtherRelease, l.RepoID, repoID)
	}
	return nil
}

func sign(data string, key []byte) string {
	h := hmac.New(sha256.New, append([]byte("golive ledger v1\x00"), key...))
	h.Write([]byte(data))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// IssueWithLedger renders the tracking issue body with its signed ledger
// as the last line; the whole still fits in MaxBody.
func IssueWithLedger(cfg *checklist.Config, s *release.State, now time.Time, key []byte) string {
	return IssueWithLedgerFor(cfg, s, release.Evaluate(cfg, s, now), key)
}

// IssueWithLedgerFor is IssueWithLedger from rep, the release's
// evaluation (release.Evaluate) at the moment of the render: a sync
// evaluates once for the issue and the check run.
func IssueWithLedgerFor(cfg *checklist.Config, s *release.State, rep release.Report, key []byte) string {
	return IssueWithLedgerLinked(cfg, s, rep, key, "")
}

// IssueWithLedgerLinked is IssueWithLedgerFor with the dashboard at
// dashboard (golive's public https URL): each done item links to its
// evidence on the release's page there (anchor ItemAnchor). "" links
// each to its evidence on GitHub instead.
func IssueWithLedgerLinked(cfg *checklist.Config, s *release.State, rep release.Report, key []byte, dashboard string) string {
	page := ReleasePage(dashboard, s.Key)
	line := boundedLine(LedgerOf(s), key)
	if line == "" {
		return issueWithin(cfg, s, rep, MaxBody, page)
	}
	return issueWithin(cfg, s, rep, MaxBody-len(line)-1, page) + line + "\n"
}

// HumanChanges lists the boxes that differ between written (golive's
// last write) and current (the body on GitHub now), with their new
// state: the changes someone made since golive last wrote.
func HumanChanges(written, current string) map[string]bool {
	before, after := release.Ticks(written), release.Ticks(current)
	changed := map[string]bool{}
	for id, now := range after {
		if was, ok := before[id]; ok && was != now {
			changed[id] = now
		}
	}
	return changed
}

// KeepUnseen sets, in a rendered body, each box golive has not judged as
// the person left it, and says on the line of an unjudged one why it
// does not count.
func KeepUnseen(rendered string, unseen map[string]release.Unseen) string {
	if len(unseen) == 0 {
		return rendered
	}
	lines := strings.Split(rendered, "\n")
	for i, line := range lines {
		for id, u := range unseen {
			m := release.ItemMarker(id)
			j := strings.Index(line, "] "+m)
			if j < 1 || line[j-2] != '[' {
				continue
			}
			box := byte(' ')
			if u.On {
				box = 'x'
			}
			lines[i] = line[:j-1] + string(box) + line[j:]
			if u.Unjudged != "" {
				lines[i] += " — ⚠️ unjudged: " + mdtext.Text(u.Unjudged, 200) + "; it does not count until someone with the right to tick it sets it again"
			}
		}
	}
	return strings.Join(lines, "\n")
}
