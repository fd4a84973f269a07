package githubapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// BotLogin is the login GitHub gives the App when it acts: "<slug>[bot]".
// It is read once from GET /app (with the App's JWT) and kept; a login
// ending in "[bot]" cannot be taken by a person or by another App, so an
// issue whose author is this login was created by golive.
func (a *App) BotLogin(ctx context.Context) (string, error) {
	a.mu.Lock()
	login := a.botLogin
	a.mu.Unlock()
	if login != "" {
		return login, nil
	}
	if a.tokenless {
		// The fake GitHub of the demo and tests answers as the App "golive".
		login = "golive[bot]"
	} else {
		c, err := a.appClient()
		if err != nil {
			return "", err
		}
		app, _, err := c.Apps.Get(ctx, "")
		if err != nil {
			return "", fmt.Errorf("read the App's slug: %w", err)
		}
		if app.GetSlug() == "" {
			return "", fmt.Errorf("read the App's slug: GitHub answered none")
		}
		login = app.GetSlug() + "[bot]"
	}
	a.mu.Lock()
	a.botLogin = login
	a.mu.Unlock()
	return login, nil
}

// byGolive reports whether golive's App opened the issue. Only such an
// issue is ever adopted as a tracking issue: one a person opened with a
// copied marker (and a copied ledger) is not.
func (in *Installation) byGolive(ctx context.Context, is *github.Issue) (bool, error) {
	return in.isGolive(ctx, is.GetUser())
}

// isGolive reports whether u is golive's App acting (its bot user).
func (in *Installation) isGolive(ctx context.Context, u *github.User) (bool, error) {
	if in.app == nil {
		return false, fmt.Errorf("installation %d: no App to name golive's bot", in.ID)
	}
	login, err := in.app.BotLogin(ctx)
	if err != nil {
		return false, err
	}
	return u.GetType() == "Bot" && strings.EqualFold(u.GetLogin(), login), nil
}
