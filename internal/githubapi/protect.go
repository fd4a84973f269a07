package githubapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/ag06mixer/golive/internal/release"
)

// Protector requires golive's check on a repository. It acts with a
// repository admin's token, not the App's: golive's App holds no
// administration permission.
type Protector struct {
	c *github.Client
}

// NewProtector speaks to baseURL with token.
func NewProtector(baseURL, token string) (*Protector, error) {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &RateLimited{Base: http.DefaultTransport}}
	c, err := github.NewClient(hc).WithAuthToken(token).WithEnterpriseURLs(baseURL, baseURL)
	if err != nil {
		return nil, fmt.Errorf("GitHub base URL %q: %w", baseURL, err)
	}
	c.BaseURL, _ = c.BaseURL.Parse(baseURL)
	return &Protector{c: c}, nil
}

// RulesetName names the ruleset golive keeps.
const RulesetName = "golive readiness"

// ProtectBranch makes golive/readiness, reported by appID, a required
// status check of branch through branch protection. It keeps the other
// required checks and returns what it changed (nothing when all is in
// place). With dryRun it only says what it would change.
func (p *Protector) ProtectBranch(ctx context.Context, owner, repo, branch string, appID int64, dryRun bool) ([]string, error) {
	want := &github.RequiredStatusCheck{Context: release.CheckName, AppID: &appID}
	prot, resp, err := p.c.Repositories.GetBranchProtection(ctx, owner, repo, branch)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		change := fmt.Sprintf("protect %s/%s:%s, requiring %s from App %d", owner, repo, branch, release.CheckName, appID)
		if dryRun {
			return []string{change}, nil
		}
		_, _, err := p.c.Repositories.UpdateBranchProtection(ctx, owner, repo, branch, &github.ProtectionRequest{
			// GitHub's schema still requires the deprecated contexts
			// (seen 2026-11): send it empty, the checks carry the app id.
			RequiredStatusChecks: &github.RequiredStatusChecks{Strict: false, Contexts: &[]string{}, Checks: &[]*github.RequiredStatusCheck{want}},
		})
		if err != nil {
			return nil, fmt.Errorf("protect %s/%s:%s: %w", owner, repo, branch, err)
		}
		return []string{change}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read protection of %s/%s:%s: %w", owner, repo, branch, err)
	}
	var checks []*github.RequiredStatusCheck
	strict := false
	if rsc := prot.GetRequiredStatusChecks(); rsc != nil {
		strict = rsc.Strict
		if rsc.Checks != nil {
			checks = *rsc.Checks
		}
	}
	var kept []*github.RequiredStatusCheck
	found := false
	for _, c := range checks {
		if c.Context == release.CheckName {
			if c.AppID != nil && *c.AppID == appID {
				found = true
				kept = append(kept, c)
			}
			continue // golive's check from another app, or any app: pin it
		}
		kept = append(kept, c)
	}
	if found && len(kept) == len(checks) {
		return nil, nil
	}
	change := fmt.Sprintf("require %s from App %d on %s/%s:%s (keeping %d other checks)", release.CheckName, appID, owner, repo, branch, len(kept)-btoi(found))
	if dryRun {
		return []string{change}, nil
	}
	if !found {
		kept = append(kept, want)
	}
	_, _, err = p.c.Repositories.UpdateRequiredStatusChecks(ctx, owner, repo, branch, &github.RequiredStatusChecksRequest{Strict: &strict, Checks: kept})
	if err != nil {
		return nil, fmt.Errorf("require %s on %s/%s:%s: %w", release.CheckName, owner, repo, branch, err)
	}
	return []string{change}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ProtectRuleset does the same with a repository ruleset named
// RulesetName, targeting branch, with the check pinned by integration id.
func (p *Protector) ProtectRuleset(ctx context.Context, owner, repo, branch string, appID int64, dryRun bool) ([]string, error) {
	sets, _, err := p.c.Repositories.GetAllRulesets(ctx, owner, repo, false)
	if err != nil {
		return nil, fmt.Errorf("list rulesets of %s/%s: %w", owner, repo, err)
	}
	ref := "refs/heads/" + branch
	if branch == "~DEFAULT_BRANCH" {
		ref = branch
	}
	want := &github.Ruleset{
		Name: RulesetName, Target: github.String("branch"), Enforcement: "active",
		Conditions: &github.RulesetConditions{RefName: &github.RulesetRefConditionParameters{Include: []string{ref}, Exclude: []string{}}},
		Rules: []*github.RepositoryRule{github.NewRequiredStatusChecksRule(&github.RequiredStatusChecksRuleParameters{
			RequiredStatusChecks: []github.RuleRequiredStatusChecks{{Context: release.CheckName, IntegrationID: &appID}},
		})},
	}
	for _, s := range sets {
		if s.Name != RulesetName {
			continue
		}
		full, _, err := p.c.Repositories.GetRuleset(ctx, owner, repo, s.GetID(), false)
		if err != nil {
			return nil, fmt.Errorf("read ruleset %d of %s/%s: %w", s.GetID(), owner, repo, err)
		}
		if rulesetMatches(full, ref, appID) {
			return nil, nil
		}
		change := fmt.Sprintf("update ruleset %q of %s/%s: require %s from App %d on %s", RulesetName, owner, repo, release.CheckName, appID, ref)
		if dryRun {
			return []string{change}, nil
		}
		if _, _, err := p.c.Repositories.UpdateRuleset(ctx, owner, repo, s.GetID(), want); err != nil {
			return nil, fmt.Errorf("update ruleset of %s/%s: %w", owner, repo, err)
		}
		return []string{change}, nil
	}
	change := fmt.Sprintf("create ruleset %q on %s/%s: require %s from App %d on %s", RulesetName, owner, repo, release.CheckName, appID, ref)
	if dryRun {
		return []string{change}, nil
	}
	if _, _, err := p.c.Repositories.CreateRuleset(ctx, owner, repo, want); err != nil {
		return nil, fmt.Errorf("create ruleset on %s/%s: %w", owner, repo, err)
	}
	return []string{change}, nil
}

func rulesetMatches(rs *github.Ruleset, ref string, appID int64) bool {
	if rs.Enforcement != "active" || rs.Conditions == nil || rs.Conditions.RefName == nil {
		return false
	}
	if len(rs.Conditions.RefName.Include) != 1 || rs.Conditions.RefName.Include[0] != ref {
		return false
	}
	for _, r := range rs.Rules {
		if r.Type != "required_status_checks" || r.Parameters == nil {
			continue
		}
		var params github.RequiredStatusChecksRuleParameters
		if err := jsonUnmarshal(*r.Parameters, &params); err != nil {
			continue
		}
		for _, c := range params.RequiredStatusChecks {
			if c.Context == release.CheckName && c.IntegrationID != nil && *c.IntegrationID == appID {
				return true
			}
		}
	}
	return false
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
