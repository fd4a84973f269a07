package tracker

import (
	"context"
	"fmt"

	"github.com/ag06mixer/golive/internal/overview"
	"github.com/ag06mixer/golive/internal/release"
)

// The dashboard reads releases through these; it never changes one except
// through the queue (RequestRefresh), like every other writer.

// issueURL links a release's tracking issue, or nothing before it exists.
func (tr *Tracker) issueURL(k release.Key, n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s/%s/issues/%d", tr.o.WebURL, k.FullRepo(), n)
}

// Open lists the releases golive tracks: open pull requests, and merged
// ones still in their post-go-live windows.
func (tr *Tracker) Open(ctx context.Context) ([]release.Key, error) {
	names, err := tr.o.States.Releases(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]release.Key, 0, len(names))
	for _, n := range names {
		if k, err := release.ParseKey(n); err == nil {
			out = append(out, k)
		}
	}
	return out, nil
}

// Overview evaluates a release now with its repo's config; nil when golive
// does not track it. It reads GitHub only for the config, which is cached.
// With a viewer, it also lists the missing sign-offs the viewer could give
// now, judged as an /approve from them would be: the role held
// (membership cached five minutes), author, last pusher, one role per
// person, order. When GitHub cannot say, the list is empty.
func (tr *Tracker) Overview(ctx context.Context, k release.Key, viewer string) (*overview.Release, []string, error) {
	rec, gh, rc, err := tr.loadTracked(ctx, k)
	if err != nil || rec == nil {
		return nil, nil, err
	}
	now := tr.o.Clock()
	rel := overview.Build(rc.cfg, rec.State, tr.issueURL(k, rec.State.Issue), now)
	if viewer == "" || len(rel.MissingSignoffs()) == 0 {
		return rel, nil, nil
	}
	p, err := tr.principal(ctx, gh, rec.State.Installation, rc.cfg, k.Owner, k.Repo, release.Principal{Login: viewer})
	if err != nil {
		return rel, nil, nil // principal logged why
	}
	var may []string
	for _, r := range rc.cfg.Roles {
		if ok, _ := release.MayApprove(rc.cfg, rec.State, p, r.ID, now); ok {
			may = append(may, r.ID)
		}
	}
	return rel, may, nil
}

// Refresh queues a re-check of a release with its probes, asked by a
// person on the dashboard. Requests within one 30-second bucket collapse
// into one, so a held-down button costs one reconcile.
func (tr *Tracker) Refresh(ctx context.Context, k release.Key, by string) error {
	rec, err := tr.load(ctx, k)
	if err != nil {
		return err
	}
	if rec == nil {
		return fmt.Errorf("refresh %s: %w", k, ErrNotTracked)
	}
	bucket := tr.o.Clock().Unix() / 30
	return tr.RequestRefresh(ctx, k, rec.State.Installation, fmt.Sprintf("dashboard-refresh-%s-%d", k, bucket), "asked on the dashboard by "+by, true)
}
