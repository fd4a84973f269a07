package githubapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"
)

// AppCredentials are what GitHub hands back when an App is created from a
// manifest.
type AppCredentials struct {
	AppID         int64  `json:"app_id"`
	Slug          string `json:"slug"`
	HTMLURL       string `json:"html_url,omitempty"`
	WebhookSecret string `json:"webhook_secret"`
	PrivateKey    string `json:"private_key"`
	ClientID      string `json:"client_id,omitempty"`
	ClientSecret  string `json:"client_secret,omitempty"`
}

// ConvertManifest exchanges the code of the App-manifest flow for the new
// App's credentials. It needs no authentication; the code is single-use
// and expires after an hour.
func ConvertManifest(ctx context.Context, baseURL string, code string) (AppCredentials, error) {
	c, err := github.NewClient(&http.Client{Timeout: 30 * time.Second}).WithEnterpriseURLs(baseURL, baseURL)
	if err != nil {
		return AppCredentials{}, fmt.Errorf("GitHub base URL %q: %w", baseURL, err)
	}
	c.BaseURL, _ = c.BaseURL.Parse(baseURL)
	cfg, _, err := c.Apps.CompleteAppManifest(ctx, code)
	if err != nil {
		return AppCredentials{}, fmt.Errorf("exchange the App manifest code: %w", err)
	}
	return AppCredentials{AppID: cfg.GetID(), Slug: cfg.GetSlug(), HTMLURL: cfg.GetHTMLURL(), WebhookSecret: cfg.GetWebhookSecret(),
		PrivateKey: cfg.GetPEM(), ClientID: cfg.GetClientID(), ClientSecret: cfg.GetClientSecret()}, nil
}
