package cli

import (
	"fmt"
	"strings"

	"github.com/ag06mixer/golive/internal/githubapi"
)

// runProtect makes golive/readiness a required check, pinned to golive's
// App, on a branch: through branch protection, or a ruleset.
func runProtect(e *env, args []string) error {
	fs := newFlags(e, "protect", "protect OWNER/REPO [--branch main] [--ruleset] [--dry-run]\n\n"+
		"Needs GITHUB_TOKEN: a token of a repository admin (golive's App holds no administration permission),\n"+
		"and golive's App id (GOLIVE_APP_ID or --app-id), which the required check is pinned to.")
	st := bindSettings(fs, e.getenv, appSettings...)
	branch := fs.String("branch", "main", "the `branch` to protect (with --ruleset, ~DEFAULT_BRANCH works too)")
	ruleset := fs.Bool("ruleset", false, "use a repository ruleset instead of branch protection")
	dryRun := fs.Bool("dry-run", false, "print what would change and change nothing")
	tokenEnv := "GITHUB_TOKEN"
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("name one repository: golive protect OWNER/REPO")
	}
	owner, repo, ok := strings.Cut(pos[0], "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return usageErr("repository %q: want OWNER/REPO", pos[0])
	}
	if err := st.finish(); err != nil {
		return err
	}
	if err := st.loadCredentials(); err != nil {
		return err
	}
	if st.AppID == 0 {
		return usageErr("set GOLIVE_APP_ID (or --app-id): the check is pinned to golive's App")
	}
	token := e.getenv(tokenEnv)
	if token == "" {
		return usageErr("set %s to a token of a repository admin: golive's App itself holds no administration permission", tokenEnv)
	}
	p, err := githubapi.NewProtector(st.GitHubAPI, token)
	if err != nil {
		return err
	}
	var changes []string
	if *ruleset {
		changes, err = p.ProtectRuleset(e.ctx, owner, repo, *branch, st.AppID, *dryRun)
	} else {
		changes, err = p.ProtectBranch(e.ctx, owner, repo, *branch, st.AppID, *dryRun)
	}
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		fmt.Fprintf(e.stdout, "%s/%s: %s already requires golive/readiness from App %d; nothing to change\n", owner, repo, *branch, st.AppID)
		return nil
	}
	verb := "changed"
	if *dryRun {
		verb = "would change (dry run)"
	}
	for _, c := range changes {
		fmt.Fprintf(e.stdout, "%s: %s\n", verb, c)
	}
	return nil
}
