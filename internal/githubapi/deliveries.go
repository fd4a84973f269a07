package githubapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/redeliver"
)

var _ redeliver.GitHub = (*App)(nil)

// HookDeliveries reads one page (100) of the App's webhook deliveries,
// newest first, as the App (JWT: installation tokens may not read them).
// GitHub pages this list by cursor, named in the Link header's rel="next".
func (a *App) HookDeliveries(ctx context.Context, cursor string) ([]redeliver.Delivery, string, error) {
	c, err := a.hookClient()
	if err != nil {
		return nil, "", err
	}
	list, resp, err := c.Apps.ListHookDeliveries(ctx, &github.ListCursorOptions{PerPage: 100, Cursor: cursor})
	if err != nil {
		return nil, "", fmt.Errorf("list webhook deliveries: %w", err)
	}
	out := make([]redeliver.Delivery, 0, len(list))
	for _, d := range list {
		out = append(out, redeliver.Delivery{
			ID: d.GetID(), GUID: d.GetGUID(), At: d.GetDeliveredAt().Time,
			StatusCode: d.GetStatusCode(), Redelivery: d.GetRedelivery(), Event: d.GetEvent(),
		})
	}
	return out, resp.Cursor, nil
}

// Redeliver asks GitHub to deliver attempt id again. GitHub answers 202
// Accepted, which go-github reports as an *AcceptedError: that is the
// success. A 404 or 422 (gone, or past the window) is final and wraps
// redeliver.ErrRefused.
func (a *App) Redeliver(ctx context.Context, id int64) error {
	c, err := a.hookClient()
	if err != nil {
		return err
	}
	_, resp, err := c.Apps.RedeliverHookDelivery(ctx, id)
	var accepted *github.AcceptedError
	if err == nil || errors.As(err, &accepted) {
		return nil
	}
	if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusUnprocessableEntity) {
		return fmt.Errorf("%w: delivery %d: %w", redeliver.ErrRefused, id, err)
	}
	return fmt.Errorf("redeliver delivery %d: %w", id, err)
}

// hookClient speaks as the App (JWT) through the rate-limit and metrics
// layers, never through the ETag cache: the list changes at every
// delivery and its pages are not worth keeping in Redis. Without a key
// (the demo, tests) it speaks unauthenticated.
func (a *App) hookClient() (*github.Client, error) {
	var tr http.RoundTripper = a.appTr
	if a.tokenless {
		tr = a.base(0)
	}
	c, err := github.NewClient(&http.Client{Transport: tr, Timeout: 30 * time.Second}).WithEnterpriseURLs(a.cfg.BaseURL, a.cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("GitHub base URL %q: %w", a.cfg.BaseURL, err)
	}
	c.BaseURL, _ = c.BaseURL.Parse(a.cfg.BaseURL)
	return c, nil
}
