package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
	"github.com/ag06mixer/golive/internal/webhook"
)

// EventRefresh is the synthetic event that reconciles one release from
// GitHub: the periodic sweep, `golive reconcile` and the check run's
// Re-run enqueue it.
const EventRefresh = "golive.refresh"

// RefreshRequest is the payload of EventRefresh.
type RefreshRequest struct {
	Release      string `json:"release"`
	Installation int64  `json:"installation"`
	Reason       string `json:"reason,omitempty"`
	// Probes runs the release's probes now too (a person asked).
	Probes bool `json:"probes,omitempty"`
}

// record is what is kept in Redis for a release: the core's state, the
// replies and reactions still owed (an outbox, so a crash never loses
// one), and the deliveries already applied (so a redelivery applies
// nothing).
type record struct {
	State   *release.State `json:"state"`
	Outbox  []owed         `json:"outbox,omitempty"`
	Applied []string       `json:"applied,omitempty"`
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

// failClosedAfter is the attempt from which a person whose standing
// GitHub cannot confirm is treated as having none: earlier attempts are
// retried, so a transient error never refuses a sign-off.
const failClosedAfter = 4

// maxApplied bounds the delivery ids kept per release.
const maxApplied = 256

// Handle applies one queue entry. The outcome names what happened, for
// metrics: applied or ignored.
func (w *Worker) Handle(ctx context.Context, d Delivery) (string, error) {
	if d.Event == EventProbe {
		return "applied", w.applyProbe(ctx, d)
	}
	if d.Event == EventUnseen {
		return w.unseenTick(ctx, d)
	}
	if d.Event == EventSettle {
		return w.settle(ctx, d)
	}
	if d.Event == EventRefresh {
		var r RefreshRequest
		if err := json.Unmarshal(d.Payload, &r); err != nil {
			return "dead", permanent(fmt.Errorf("refresh request: %w", err))
		}
		k, err := ParseKey(r.Release)
		if err != nil {
			return "dead", permanent(err)
		}
		if err := w.Reconcile(ctx, k, r.Installation); err != nil {
			return "", err
		}
		if r.Probes {
			return "applied", w.ProbeNow(ctx, k)
		}
		return "applied", nil
	}
	p, err := webhook.Parse(d.Event, d.Payload, d.Received)
	if err != nil {
		return "dead", permanent(err)
	}
	if p.InvalidateOrg != "" {
		// Team memberships changed: every cached principal goes stale.
		if err := w.o.Store.CacheSet(ctx, principalGen, []byte(d.ID), 0); err != nil {
			return "", err
		}
	}
	if p.Ignore != "" {
		return "ignored", nil
	}
	gh, err := w.o.GitHub.Installation(p.Event.Installation)
	if err != nil {
		return "", fmt.Errorf("installation %d: %w", p.Event.Installation, err)
	}
	if p.MergeGroup != nil {
		return "applied", w.mergeGroup(ctx, gh, p)
	}
	if p.DeployGate != nil {
		return "applied", w.deployGate(ctx, gh, p)
	}
	keys, err := w.releasesOf(ctx, gh, p)
	if err != nil {
		return "", err
	}
	applied := false
	for _, k := range keys {
		if p.Event.Kind == release.EvRefresh {
			// The check run's Re-run or a button: re-read and re-probe.
			if err := w.Reconcile(ctx, k, p.Event.Installation); err != nil {
				return "", err
			}
			if err := w.ProbeNow(ctx, k); err != nil {
				return "", err
			}
			applied = true
			continue
		}
		var did bool
		err := w.withLockAt(ctx, k.String(), placeOf(p), d.Received, func(ctx context.Context) error {
			var err error
			did, err = w.apply(ctx, gh, k, d, p)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("%s: %w", k, err)
		}
		applied = applied || did
	}
	if !applied {
		return "ignored", nil
	}
	return "applied", nil
}

// releasesOf finds the releases an event concerns: named in the payload,
// or found by commit or branch in Redis, or, when Redis does not know the
// commit, asked of GitHub (and the answer kept a while).
func (w *Worker) releasesOf(ctx context.Context, gh GitHub, p webhook.Parsed) ([]release.Key, error) {
	var keys []release.Key
	for _, n := range p.PRs {
		keys = append(keys, release.Key{Owner: p.Owner, Repo: p.Repo, PR: n})
	}
	if len(keys) > 0 || p.SHA == "" {
		return keys, nil
	}
	full := p.Owner + "/" + p.Repo
	names, err := w.o.Store.ByCommit(ctx, full, p.SHA)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 && p.Ref != "" {
		if names, err = w.o.Store.ByRef(ctx, full, strings.TrimPrefix(p.Ref, "refs/heads/")); err != nil {
			return nil, err
		}
	}
	if len(names) == 0 {
		neg := "nopr:" + full + ":" + p.SHA
		if _, known, _ := w.o.Store.CacheGet(ctx, neg); known {
			return nil, nil
		}
		prs, err := gh.PullsForCommit(ctx, p.Owner, p.Repo, p.SHA)
		if err != nil {
			return nil, err
		}
		for _, n := range prs {
			names = append(names, release.Key{Owner: p.Owner, Repo: p.Repo, PR: n}.String())
		}
		if len(names) == 0 {
			w.o.Store.CacheSet(ctx, neg, []byte("1"), 10*time.Minute)
		}
	}
	for _, n := range names {
		k, err := ParseKey(n)
		if err == nil {
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// ParseKey reads "owner/repo#pr".
func ParseKey(s string) (release.Key, error) {
	repo, num, ok := strings.Cut(s, "#")
	owner, name, ok2 := strings.Cut(repo, "/")
	n, err := strconv.Atoi(num)
	if !ok || !ok2 || err != nil || owner == "" || name == "" || n <= 0 || strings.Contains(name, "/") {
		return release.Key{}, fmt.Errorf("release %q: want OWNER/REPO#PR", s)
	}
	return release.Key{Owner: owner, Repo: name, PR: n}, nil
}

// apply runs one event through the core for one release and commits the
// result. It reports false when the release is not tracked.
func (w *Worker) apply(ctx context.Context, gh GitHub, k release.Key, d Delivery, p webhook.Parsed) (bool, error) {
	delivery := d.ID
	rec, err := w.load(ctx, k)
	if err != nil {
		return false, err
	}
	if rec != nil && slices.Contains(rec.Applied, delivery) {
		// Applied before a crash, a failed write or a lost ack: finish its
		// effects, and make sure the sync it asked for happens.
		if _, _, err := w.o.Store.MarkDirty(ctx, k.String(), w.o.Clock(), w.o.Coalesce, w.o.MaxCoalesce); err != nil {
			return true, err
		}
		return true, w.finish(ctx, gh, k, rec)
	}
	rc, err := w.config(ctx, gh, k.Owner, k.Repo)
	if err != nil {
		return false, err
	}
	if rec == nil {
		// No state: the release is rebuilt from GitHub before anything is
		// written, so an empty state never overwrites a tracking issue.
		if rec, err = w.rebuild(ctx, gh, rc, k, p); err != nil || rec == nil {
			return false, err
		}
	}
	ev := p.Event
	ev.Key = k
	ev.Received = d.Received
	if ev.Kind == release.EvComment && ev.Comment != nil && ev.Comment.Target != k.PR && ev.Comment.Target != rec.State.Issue {
		// Only the PR and its own tracking issue carry commands: another
		// issue that holds a copy of the marker is not the release's.
		w.o.Log.Warn("comment on an issue that is not the release's tracking issue ignored", "release", k.String(), "issue", ev.Comment.Target)
		return false, nil
	}
	if rec.State.HeadSHA == "" && ev.PR != nil {
		pr := ev.PR
		if !rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
			return false, w.notRelease(ctx, gh, rc, k, ev) // not a release PR
		}
	}
	if ev.Kind == release.EvIssueEdited || ev.Kind == release.EvComment {
		actor, err := w.principal(ctx, gh, rc.cfg, k.Owner, k.Repo, ev.Actor)
		if err != nil && d.Attempt < failClosedAfter {
			return false, err // a GitHub hiccup: try again before refusing
		}
		ev.Actor = actor
	}
	if ev.PR != nil && ev.PR.HeadSHA != "" && ev.PR.HeadSHA != rec.State.HeadSHA && ev.PR.HeadTree == "" {
		// The tree decides whether a push voids sign-offs: a rebase that
		// changes no file keeps them. Unknown, they are voided.
		if tree, err := gh.CommitTree(ctx, k.Owner, k.Repo, ev.PR.HeadSHA); err == nil {
			ev.PR.HeadTree = tree
		} else {
			w.o.Log.Warn("head tree unknown; a push will void invalidating sign-offs", "release", k.String(), "err", err)
		}
		w.changedFiles(ctx, gh, k, rc.cfg, rec.State.HeadSHA, ev.PR)
	}
	s, eff := release.Apply(rc.cfg, rec.State, release.Event{Kind: release.EvConfig, At: ev.At, Key: k, Problems: rc.problems})
	s, more := release.Apply(rc.cfg, s, ev)
	eff = append(eff, more...)
	if err := w.settleOwed(ctx, k, rec.State, s, ev); err != nil {
		return false, err
	}
	rec.State = s
	rec.Applied = append(rec.Applied, delivery)
	if len(rec.Applied) > maxApplied {
		rec.Applied = slices.Clone(rec.Applied[len(rec.Applied)-maxApplied:])
	}
	sync, closeReason, refresh := false, "", false
	for i, e := range eff {
		id := fmt.Sprintf("%s/%d", delivery, i)
		switch e.Kind {
		case release.EffSync:
			sync = true
		case release.EffReply:
			rec.Outbox = append(rec.Outbox, owed{ID: id, Kind: "reply", Target: e.Target, Body: e.Body})
		case release.EffReact:
			rec.Outbox = append(rec.Outbox, owed{ID: id, Kind: "react", CommentID: e.CommentID, Reaction: e.Reaction})
		case release.EffCloseIssue:
			closeReason = e.Reason
		case release.EffRefresh:
			refresh = true
		}
	}
	if err := w.save(ctx, rec); err != nil {
		return false, err
	}
	if err := w.index(ctx, k, s, p.MergeSHA); err != nil {
		return false, err
	}
	if refresh {
		if err := w.RequestRefresh(ctx, k, s.Installation, "refresh-"+delivery, "asked by "+ev.Actor.Login, true); err != nil {
			return true, err
		}
	}
	if closeReason != "" || len(rec.Outbox) > 0 || (sync && w.o.Coalesce == 0) {
		// Replies and closing need the issue now; they are rare.
		if err := w.syncLocked(ctx, gh, rc, rec); err != nil {
			// The retry finds the delivery applied and marks the sync
			// owed; mark it now too, in case the retry never comes.
			w.o.Store.MarkDirty(ctx, k.String(), w.o.Clock(), w.o.Coalesce, w.o.MaxCoalesce)
			return true, err
		}
		if closeReason != "" {
			if err := w.closeIssue(ctx, gh, rec, closeReason); err != nil {
				return true, err
			}
		}
		return true, w.finish(ctx, gh, k, rec)
	}
	if sync {
		d, due, err := w.o.Store.MarkDirty(ctx, k.String(), w.o.Clock(), w.o.Coalesce, w.o.MaxCoalesce)
		if err != nil {
			return true, err
		}
		if !due.After(w.o.Clock()) {
			// The cap has passed under a steady stream of events. Sync
			// while holding the lock: the flusher would have to win the
			// lock against the workers handling that stream, and could
			// lose every time (seen with golive-load, 2026-11-27: a
			// release's first write came only when its events stopped).
			if err := w.syncLocked(ctx, gh, rc, rec); err != nil {
				// The event is applied; the mark stays and the flusher
				// retries the sync with its backoff.
				w.o.Log.Warn("sync at the coalescing cap", "release", k.String(), "err", err)
				return true, nil
			}
			if _, err := w.o.Store.ClearDirty(ctx, d); err != nil {
				return true, err
			}
			return true, w.finish(ctx, gh, k, rec)
		}
	}
	return true, nil
}

// index lets statuses and deployments that name only a commit or branch
// find the release.
func (w *Worker) index(ctx context.Context, k release.Key, s *release.State, mergeSHA string) error {
	full := k.FullRepo()
	for _, sha := range []string{s.HeadSHA, mergeSHA} {
		if sha != "" {
			if err := w.o.Store.IndexCommit(ctx, full, sha, k.String()); err != nil {
				return err
			}
		}
	}
	if s.HeadRef != "" {
		return w.o.Store.IndexRef(ctx, full, s.HeadRef, k.String())
	}
	return nil
}

func (w *Worker) load(ctx context.Context, k release.Key) (*record, error) {
	raw, err := w.o.Store.LoadState(ctx, k.String())
	if err != nil || raw == nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil || rec.State == nil {
		// A record golive cannot read is rebuilt from GitHub, not trusted.
		w.o.Log.Error("unreadable release state; rebuilding from GitHub", "release", k.String(), "err", err)
		return nil, nil
	}
	return &rec, nil
}

func (w *Worker) save(ctx context.Context, rec *record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return w.o.Store.SaveState(ctx, rec.State.Key.String(), b, !rec.State.Finished()) // a finished release is not swept
}

// finish posts the replies and reactions still owed and saves after each,
// so a crash doubles at most the one reply in flight (a reaction GitHub
// keeps once however often it is given).
func (w *Worker) finish(ctx context.Context, gh GitHub, k release.Key, rec *record) error {
	for len(rec.Outbox) > 0 {
		o := rec.Outbox[0]
		switch o.Kind {
		case "react":
			if err := gh.AddReaction(ctx, k.Owner, k.Repo, o.CommentID, o.Reaction); err != nil {
				if !w.refusedForGood(err) {
					return err
				}
				// Refused for good: retrying would wedge every reply
				// after it, and every later event of the release.
				w.drop("reaction", k.String(), err)
			} else {
				w.o.Metrics.GitHubWrites.WithLabelValues("reaction").Inc()
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
				if !w.refusedForGood(err) {
					return err
				}
				w.drop("reply", k.String(), err)
			} else {
				w.o.Metrics.GitHubWrites.WithLabelValues("reply").Inc()
			}
		}
		rec.Outbox = rec.Outbox[1:]
		if err := w.save(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// environments lists the deployment environments the config's items name.
func environments(cfg *checklist.Config) []string {
	var out []string
	for _, e := range cfg.Flatten() {
		if ev := e.Item.Evidence; ev != nil && ev.Deployment != nil && !slices.Contains(out, ev.Deployment.Environment) {
			d := ev.Deployment
			out = append(out, d.Environment)
		}
	}
	return out
}

// notReleaseTTL is how long a PR found not to be a release is not asked
// about again.
const notReleaseTTL = 10 * time.Minute

// adopt starts tracking a release PR golive missed the opening of, by
// rebuilding it from GitHub; it reports false for PRs that are not open
// release PRs (remembered for a while, so CI on ordinary PRs costs one
// read per PR per ten minutes). The caller holds the release's lock.
func (w *Worker) adopt(ctx context.Context, gh GitHub, k release.Key, installation int64) (bool, error) {
	neg := "notrel:" + k.String()
	if _, known, _ := w.o.Store.CacheGet(ctx, neg); known {
		return false, nil
	}
	pr, err := gh.PullRequest(ctx, k.Owner, k.Repo, k.PR)
	if err != nil {
		return false, err
	}
	rc, err := w.config(ctx, gh, k.Owner, k.Repo)
	if err != nil {
		return false, err
	}
	if pr.State != "open" || !rc.cfg.Release.Matches(pr.HeadRef, pr.BaseRef, pr.Title, pr.Labels) {
		w.o.Store.CacheSet(ctx, neg, []byte("1"), notReleaseTTL)
		return false, nil
	}
	w.o.Log.Info("adopting a release PR golive had not seen open", "release", k.String())
	return true, w.reconcileLocked(ctx, k, installation)
}
