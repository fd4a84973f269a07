package receipt

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Rejected is a receipt found on a tracking issue that is not replayed:
// it fails verification, or names another repository.
type Rejected struct {
	Issue  int    `json:"issue"`
	Digest string `json:"digest,omitempty"`
	Reason string `json:"reason"`
}

func (r Rejected) String() string {
	d := r.Digest
	if d == "" {
		d = "(unreadable)"
	}
	return fmt.Sprintf("#%d: receipt %s not replayed: %s", r.Issue, d, r.Reason)
}

// Recorded gathers a repository's recorded releases from the comments of
// its tracking issues, read newest first: the latest merge receipt of each
// release that verifies under the public key. Pure: it is fed the bodies.
type Recorded struct {
	owner, repo string
	pub         ed25519.PublicKey
	last        int
	prs         map[int]bool
	seen        map[string]bool
	merges      []Receipt
	// Rejected are the receipts found and not replayed, in the order read.
	Rejected []Rejected
}

// NewRecorded gathers the last n releases of owner/repo, or, given PR
// numbers, those PRs' releases (n is then ignored).
func NewRecorded(owner, repo string, pub ed25519.PublicKey, n int, prs []int) *Recorded {
	c := &Recorded{owner: owner, repo: repo, pub: pub, last: n, seen: map[string]bool{}}
	if len(prs) > 0 {
		c.prs = map[int]bool{}
		for _, p := range prs {
			c.prs[p] = true
		}
	}
	return c
}

// Add reads one tracking issue's comment bodies and says whether more
// issues are wanted.
func (c *Recorded) Add(issue int, bodies []string) bool {
	for _, b := range bodies {
		ss, err := FromText(b)
		if errors.Is(err, ErrNoReceipt) {
			continue
		}
		if err != nil {
			c.Rejected = append(c.Rejected, Rejected{Issue: issue, Reason: err.Error()})
		}
		for _, s := range ss {
			if c.seen[s.Digest] {
				continue
			}
			// Only a verified receipt marks its digest seen: a copy with a
			// bad signature read first must not hide the real one.
			r, err := Verify(s, c.pub)
			if err == nil {
				c.seen[s.Digest] = true
			}
			switch {
			case err != nil:
				c.Rejected = append(c.Rejected, Rejected{Issue: issue, Digest: s.Digest, Reason: err.Error()})
			case !strings.EqualFold(r.Repository.Owner, c.owner) || !strings.EqualFold(r.Repository.Name, c.repo):
				c.Rejected = append(c.Rejected, Rejected{Issue: issue, Digest: s.Digest, Reason: "it is of " + r.Release + ", another repository"})
			case r.Kind == KindMerge && (c.prs == nil || c.prs[r.PR.Number]):
				c.merges = append(c.merges, r)
			}
		}
	}
	return c.more()
}

func (c *Recorded) more() bool {
	got := map[string]bool{}
	for _, r := range c.merges {
		got[r.Release] = true
	}
	if c.prs != nil {
		prs := map[int]bool{}
		for _, r := range c.merges {
			prs[r.PR.Number] = true
		}
		return len(prs) < len(c.prs)
	}
	return c.last <= 0 || len(got) < c.last
}

// Merges returns the gathered releases' merge receipts, newest first.
func (c *Recorded) Merges() []Receipt {
	n := c.last
	if c.prs != nil {
		n = 0
	}
	return LatestMerges(c.merges, n)
}

// Missing lists the PRs asked for that have no verified merge receipt.
func (c *Recorded) Missing() []int {
	found := map[int]bool{}
	for _, r := range c.merges {
		found[r.PR.Number] = true
	}
	var out []int
	for p := range c.prs {
		if !found[p] {
			out = append(out, p)
		}
	}
	sort.Ints(out)
	return out
}

// LatestMerges returns the merge receipts of the n most recently decided
// releases, newest first (all of them for n <= 0). A release with more
// than one merge receipt (a re-merge after a revert) counts by its latest.
func LatestMerges(rs []Receipt, n int) []Receipt {
	latest := map[string]Receipt{}
	for _, r := range rs {
		if r.Kind != KindMerge {
			continue
		}
		if old, ok := latest[r.Release]; !ok || decided(r).After(decided(old)) {
			latest[r.Release] = r
		}
	}
	out := make([]Receipt, 0, len(latest))
	for _, r := range latest {
		out = append(out, r)
	}
	// Ties by release name, so the answer does not depend on map order.
	sort.Slice(out, func(i, j int) bool {
		if a, b := decided(out[i]), decided(out[j]); !a.Equal(b) {
			return a.After(b)
		}
		return out[i].Release < out[j].Release
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// decided is the receipt's decision time; an unreadable one sorts oldest
// (Verify has checked the receipt's signature, not its time's form).
func decided(r Receipt) time.Time {
	t, err := time.Parse(time.RFC3339Nano, r.DecidedAt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Summary is the line a simulation ends with, as the CLI prints it and a
// config PR's check shows it: "this change would have blocked 2 of the
// last 20 releases", and how many it would have let through, if any.
func Summary(rps []Replay) string {
	blocked, allowed := Tally(rps)
	s := "s"
	if len(rps) == 1 {
		s = ""
	}
	line := fmt.Sprintf("this change would have blocked %d of the last %d release%s", blocked, len(rps), s)
	if allowed > 0 {
		line += fmt.Sprintf(", and let through %d that were blocked", allowed)
	}
	return line
}

// Tally counts the releases a config would have blocked (ready then, not
// now) and let through (blocked then, ready now).
func Tally(rps []Replay) (blocked, allowed int) {
	for _, rp := range rps {
		switch {
		case rp.WasReady && !rp.NowReady:
			blocked++
		case !rp.WasReady && rp.NowReady:
			allowed++
		}
	}
	return blocked, allowed
}
