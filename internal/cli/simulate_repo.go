package cli

import (
	"crypto/ed25519"
	"fmt"
	"strconv"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/githubapi"
	"github.com/ag06mixer/golive/internal/receipt"
)

// simulateRepo replays the recorded releases of a repository: the merge
// receipts golive posted on its tracking issues (GitHub is the record),
// newest first, the last n of them or those of the PRs named. A receipt
// that fails verification is reported and not replayed.
func simulateRepo(e *env, cfg *checklist.Config, pub ed25519.PublicKey, api, repoArg string, prArgs []string, n int) error {
	owner, repo, _ := strings.Cut(repoArg, "/")
	var prs []int
	for _, a := range prArgs {
		p, err := strconv.Atoi(strings.TrimPrefix(a, "#"))
		if err != nil || p <= 0 {
			return usageErr("PR %q: want a pull request number", a)
		}
		prs = append(prs, p)
	}
	if len(prs) == 0 && n <= 0 {
		return usageErr("--last %d: want at least 1", n)
	}
	if api == "" {
		api = "https://api.github.com/"
	}
	gh, err := githubapi.NewTokenReader(strings.TrimSuffix(api, "/")+"/", e.getenv("GITHUB_TOKEN"))
	if err != nil {
		return err
	}
	rec := receipt.NewRecorded(owner, repo, pub, n, prs)
	if err := gh.ReleaseIssuesNewest(e.ctx, owner, repo, rec.Add); err != nil {
		return err
	}
	for _, r := range rec.Rejected {
		fmt.Fprintln(e.stdout, r.String())
	}
	if miss := rec.Missing(); len(miss) > 0 {
		fmt.Fprintf(e.stdout, "no verified merge receipt for PR %s\n", joinInts(miss))
	}
	printReplays(e.stdout, cfg, rec.Merges())
	return nil
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = "#" + strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
