package render

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
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
}

// maxSeen bounds the applied-comment ids the ledger carries.
const maxSeen = 200

// LedgerOf takes a release's ledger.
func LedgerOf(s *release.State) Ledger {
	seen := s.Seen
	if len(seen) > maxSeen {
		seen = seen[len(seen)-maxSeen:]
	}
	return Ledger{OpenedAt: s.OpenedAt, Manual: s.Manual, Signoffs: s.Signoffs, Waivers: s.Waivers, Hold: s.Hold, Seen: slices.Clone(seen),
		Head: s.HeadSHA, Tree: s.HeadTree, LastPusher: s.LastPusher}
}

// Restore puts the ledger's decisions into a state being rebuilt.
func (l Ledger) Restore(s *release.State) {
	if !l.OpenedAt.IsZero() {
		s.OpenedAt = l.OpenedAt
	}
	s.Manual, s.Signoffs, s.Waivers, s.Hold, s.Seen = l.Manual, l.Signoffs, l.Waivers, l.Hold, l.Seen
	// The head the ledger was written for: a rebuild that finds the PR
	// on another head applies it as a push, voiding what a push voids.
	if l.Head != "" {
		s.HeadSHA, s.HeadTree, s.LastPusher = l.Head, l.Tree, l.LastPusher
	}
}

var ledgerRE = regexp.MustCompile(`<!-- golive:ledger v1 ([A-Za-z0-9_-]*) ([A-Za-z0-9_-]{43}) -->`)

// ErrLedgerForged is returned for a ledger whose signature does not match.
var ErrLedgerForged = errors.New("tracking issue ledger has a bad signature")

// LedgerLine encodes and signs a ledger for the issue body.
func LedgerLine(l Ledger, key []byte) string {
	b, _ := json.Marshal(l)
	data := base64.RawURLEncoding.EncodeToString(b)
	return fmt.Sprintf("<!-- golive:ledger v1 %s %s -->", data, sign(data, key))
}

// ParseLedger reads the ledger of a tracking issue body; ok is false when
// the body has none.
func ParseLedger(body string, key []byte) (l Ledger, ok bool, err error) {
	m := ledgerRE.FindStringSubmatch(body)
	if m == nil {
		return Ledger{}, false, nil
	}
	if !hmac.Equal([]byte(sign(m[1], key)), []byte(m[2])) {
		return Ledger{}, true, ErrLedgerForged
	}
	raw, err := base64.RawURLEncoding.DecodeString(m[1])
	if err != nil {
		return Ledger{}, true, fmt.Errorf("tracking issue ledger: %w", err)
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return Ledger{}, true, fmt.Errorf("tracking issue ledger: %w", err)
	}
	return l, true, nil
}

func sign(data string, key []byte) string {
	h := hmac.New(sha256.New, append([]byte("golive ledger v1\x00"), key...))
	h.Write([]byte(data))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// IssueWithLedger renders the tracking issue body with its signed ledger
// as the last line; the whole still fits in MaxBody.
func IssueWithLedger(cfg *checklist.Config, s *release.State, now time.Time, key []byte) string {
	line := LedgerLine(LedgerOf(s), key)
	return issueWithin(cfg, s, now, MaxBody-len(line)-1) + line + "\n"
}

// CarryTicks keeps, in a freshly rendered body, the boxes a human changed
// between written (golive's last write) and current (the body on GitHub
// now). Those changes are decided when their issues.edited event arrives;
// until then a golive update must not erase them.
func CarryTicks(rendered, written, current string) string {
	before, after := release.Ticks(written), release.Ticks(current)
	changed := map[string]bool{}
	for id, now := range after {
		if was, ok := before[id]; ok && was != now {
			changed[id] = now
		}
	}
	if len(changed) == 0 {
		return rendered
	}
	lines := strings.Split(rendered, "\n")
	for i, line := range lines {
		for id, ticked := range changed {
			m := release.ItemMarker(id)
			j := strings.Index(line, "] "+m)
			if j < 1 || line[j-2] != '[' {
				continue
			}
			box := byte(' ')
			if ticked {
				box = 'x'
			}
			lines[i] = line[:j-1] + string(box) + line[j:]
		}
	}
	return strings.Join(lines, "\n")
}
