package tracker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/render"
)

// record is what is kept for a release: the core's state, the replies
// and reactions still owed (an outbox, so a crash never loses one), and
// the deliveries already applied (so a redelivery applies nothing).
type record struct {
	State   *release.State `json:"state"`
	Outbox  []owed         `json:"outbox,omitempty"`
	Applied []string       `json:"applied,omitempty"`

	// searched, set by rebuild, says the tracking issue was looked for
	// under the lock held now and not found: the sync creates it without
	// asking GitHub again. It is never saved.
	searched bool
}

// owed is a reply or a reaction golive still has to post.
type owed struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"` // reply, react
	Target    int    `json:"target,omitempty"`
	Body      string `json:"body,omitempty"`
	CommentID int64  `json:"comment_id,omitempty"`
	Reaction  string `json:"reaction,omitempty"`
}

// saveIndexer is a store that saves a record and its index changes in
// one round trip (redisstore.Store.SaveIndexed).
type saveIndexer interface {
	SaveIndexed(ctx context.Context, release string, state []byte, open bool, repo string, shas, refs []string) error
}

// saveIndexed saves the record and indexes the release: in one round trip
// where the store can, else as save and index.
func (tr *Tracker) saveIndexed(ctx context.Context, rec *record, mergeSHA string) error {
	si, ok := tr.o.States.(saveIndexer)
	if !ok || any(tr.o.Index) != any(tr.o.States) { // the index where ByCommit reads
		if err := tr.save(ctx, rec); err != nil {
			return err
		}
		return tr.index(ctx, rec.State.Key, rec.State, mergeSHA)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	s := rec.State
	var shas, refs []string
	for _, sha := range []string{s.HeadSHA, mergeSHA} {
		if sha != "" {
			shas = append(shas, sha)
		}
	}
	if s.HeadRef != "" {
		refs = append(refs, s.HeadRef)
	}
	return si.SaveIndexed(ctx, s.Key.String(), b, !s.Finished(), s.Key.FullRepo(), shas, refs)
}

// index lets statuses and deployments that name only a commit or branch
// find the release.
func (tr *Tracker) index(ctx context.Context, k release.Key, s *release.State, mergeSHA string) error {
	full := k.FullRepo()
	for _, sha := range []string{s.HeadSHA, mergeSHA} {
		if sha != "" {
			if err := tr.o.Index.IndexCommit(ctx, full, sha, k.String()); err != nil {
				return err
			}
		}
	}
	if s.HeadRef != "" {
		return tr.o.Index.IndexRef(ctx, full, s.HeadRef, k.String())
	}
	return nil
}

func (tr *Tracker) load(ctx context.Context, k release.Key) (*record, error) {
	raw, err := tr.o.States.LoadState(ctx, k.String())
	if err != nil || raw == nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil || rec.State == nil {
		// A record golive cannot read is rebuilt from GitHub, not trusted.
		tr.o.Log.Error("unreadable release state; rebuilding from GitHub", "release", k.String(), "err", err)
		return nil, nil
	}
	return &rec, nil
}

func (tr *Tracker) save(ctx context.Context, rec *record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return tr.o.States.SaveState(ctx, rec.State.Key.String(), b, !rec.State.Finished()) // a finished release is not swept
}

// finish posts the replies and reactions still owed and saves after each,
// so a crash doubles at most the one reply in flight (a reaction GitHub
// keeps once however often it is given).
func (tr *Tracker) finish(ctx context.Context, gh Issues, k release.Key, rec *record) error {
	for len(rec.Outbox) > 0 {
		o := rec.Outbox[0]
		switch o.Kind {
		case "react":
			if err := gh.AddReaction(ctx, k.Owner, k.Repo, o.CommentID, o.Reaction); err != nil {
				if !tr.refusedForGood(err) {
					return err
				}
				// Refused for good: retrying would wedge every reply
				// after it, and every later event of the release.
				tr.drop("reaction", k.String(), err)
			} else {
				tr.o.Metrics.GitHubWrites.WithLabelValues("reaction").Inc()
			}
		default:
			target := o.Target
			if target == 0 {
				target = rec.State.Issue
			}
			if target == 0 {
				target = k.PR
			}
			if _, err := gh.CreateComment(ctx, k.Owner, k.Repo, target, o.Body); err != nil {
				if !tr.refusedForGood(err) {
					return err
				}
				tr.drop("reply", k.String(), err)
			} else {
				tr.o.Metrics.GitHubWrites.WithLabelValues("reply").Inc()
			}
		}
		rec.Outbox = rec.Outbox[1:]
		if err := tr.save(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// findIssue looks for the tracking issue of a release whose record holds
// none. rebuild looked already when it made the record (searched). A
// create begun and not recorded (IssueCreating), or a record an older
// golive wrote, which said no such thing, take the bounded issue list as
// well (FindIssue); otherwise golive's PR comment is enough
// (FindIssuePointed): there is no issue golive made without either.
func (tr *Tracker) findIssue(ctx context.Context, gh Issues, rec *record) (int, error) {
	s := rec.State
	k := s.Key
	switch {
	case s.IssueCreating || s.Schema() < 3:
		return gh.FindIssue(ctx, k.Owner, k.Repo, render.Marker(k))
	case rec.searched:
		return 0, nil
	}
	return gh.FindIssuePointed(ctx, k.Owner, k.Repo, render.Marker(k))
}
