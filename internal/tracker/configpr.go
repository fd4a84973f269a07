package tracker

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"slices"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
	"github.com/ag06mixer/golive/internal/release"
)

// repoConfigPath is the repo layer golive reads from the default branch.
const repoConfigPath = ".github/golive.yml"

// SimulateLast is how many recorded releases a config PR's check replays.
const SimulateLast = 20

// configPRReads are the GitHub reads a config PR's check needs beyond the
// GitHub port; githubapi.Installation has them.
type configPRReads interface {
	DefaultBranch(ctx context.Context, owner, repo string) (string, error)
	FileAt(ctx context.Context, owner, repo, path, ref string, max int64) ([]byte, int64, error)
	ReleaseIssuesNewest(ctx context.Context, owner, repo string, fn func(issue int, bodies []string) bool) error
}

// configPR writes golive/readiness on an open PR that is not a release PR
// and changes .github/golive.yml on the default branch: the NEW file's
// problems with their lines (as annotations too), checked as serve layers
// it over the org's file, and what it would have changed over the last
// SimulateLast recorded releases. The file takes effect only once merged.
// A file with problems fails the check, so a broken config is not merged
// to fail every release closed. It reports whether the PR was such a PR.
// Like notRelease it looks once per head: the answer is kept in Redis
// either way, so a redelivery or a second event on the head reads nothing.
func (tr *Tracker) configPR(ctx context.Context, gh GitHub, rc repoConfig, k release.Key, ev release.Event) (bool, error) {
	pr := ev.PR
	rd, ok := gh.(configPRReads)
	if ev.Kind != release.EvPR || !ok || pr == nil || pr.HeadSHA == "" || pr.State == "closed" || pr.Merged {
		return false, nil
	}
	// The base too: a PR retargeted onto the default branch with the same
	// head is looked at again.
	key := "configpr-check:" + k.String() + ":" + pr.BaseRef + ":" + pr.HeadSHA
	if v, known, err := tr.o.Cache.CacheGet(ctx, key); err != nil || known {
		return known && string(v) == "1", err
	}
	// The compare first: most PRs do not touch the file, and their answer
	// costs this one read. A compare GitHub cannot make (404: the head is
	// gone) is a PR that changes no file golive reads.
	files, complete, err := gh.CompareFiles(ctx, k.Owner, k.Repo, pr.BaseRef, pr.HeadSHA)
	if err != nil && tr.status(err) != 404 {
		return false, err
	}
	isConfigPR := slices.Contains(files, repoConfigPath)
	if !isConfigPR && err == nil && !complete {
		// GitHub cuts a compare at 300 files: a PR that changes more
		// could hide the config among the rest. Compare the file itself.
		if isConfigPR, err = configDiffers(ctx, rd, k, pr.BaseRef, pr.HeadSHA); err != nil {
			return false, err
		}
	}
	if isConfigPR {
		def, err := rd.DefaultBranch(ctx, k.Owner, k.Repo)
		if err != nil {
			return false, err
		}
		isConfigPR = pr.BaseRef == def
	}
	if !isConfigPR {
		return false, tr.o.Cache.CacheSet(ctx, key, []byte("0"), notReleaseCheckTTL)
	}
	c, err := tr.configPRCheck(ctx, gh, rd, k, pr.HeadSHA)
	if err != nil {
		return true, err
	}
	if shared, err := tr.sharedHead(ctx, gh, rc, k, pr.HeadSHA); err != nil || shared {
		return true, err
	}
	if _, err := tr.createCheck(ctx, gh, k, c); err != nil {
		return true, err
	}
	tr.o.Metrics.GitHubWrites.WithLabelValues("check_run").Inc()
	return true, tr.o.Cache.CacheSet(ctx, key, []byte("1"), notReleaseCheckTTL)
}

// configPRCheck reads the PR's file at its head (at most
// checklist.MaxFileSize bytes are decoded) and the org's file, checks the
// one over the other, and simulates a valid file over the recorded
// releases.
func (tr *Tracker) configPRCheck(ctx context.Context, gh GitHub, rd configPRReads, k release.Key, head string) (release.CheckRun, error) {
	newFile, size, err := rd.FileAt(ctx, k.Owner, k.Repo, repoConfigPath, head, checklist.MaxFileSize)
	if err != nil {
		return release.CheckRun{}, err
	}
	in := configPRInput{Head: head}
	if size > checklist.MaxFileSize {
		in.Problems = checklist.Problems{checklist.TooLarge(repoConfigPath, size)}
		return configPRCheckRun(in), nil
	}
	_, orgFile, err := gh.ConfigFiles(ctx, k.Owner, k.Repo)
	if err != nil {
		return release.CheckRun{}, err
	}
	var org *checklist.Layer
	if len(orgFile) > 0 {
		org = &checklist.Layer{Name: k.Owner + "/.github:golive.yml", Data: orgFile}
	}
	if newFile == nil {
		// The PR deletes the file: the org layer, or the built-in, rules.
		in.Deleted = true
		newFile = []byte("version: 1\n")
	}
	var cfg *checklist.Config
	cfg, in.OrgProblems, in.Problems = checklist.CheckOrgAndRepo(org, checklist.Layer{Name: repoConfigPath, Data: newFile})
	if cfg != nil {
		for _, p := range tr.deniedTargets(cfg) {
			in.Problems = append(in.Problems, checklist.Problem{Pos: checklist.Pos{File: p.Path, Line: p.Line, Col: p.Col}, Msg: p.Message})
		}
	}
	if len(in.OrgProblems)+len(in.Problems) > 0 || cfg == nil {
		return configPRCheckRun(in), nil
	}
	if sg, on := tr.signer(); on {
		rec := receipt.NewRecorded(k.Owner, k.Repo, sg.key.Public().(ed25519.PublicKey), SimulateLast, nil)
		if err := rd.ReleaseIssuesNewest(ctx, k.Owner, k.Repo, rec.Add); err != nil {
			return release.CheckRun{}, fmt.Errorf("recorded releases of %s/%s: %w", k.Owner, k.Repo, err)
		}
		in.Simulated, in.Rejected = true, len(rec.Rejected)
		for _, r := range rec.Merges() {
			in.Replays = append(in.Replays, receipt.Simulate(cfg, r))
		}
	}
	return configPRCheckRun(in), nil
}

// configDiffers reports whether .github/golive.yml differs between base
// and head (one side missing counts), reading at most one byte over the
// file limit of each.
func configDiffers(ctx context.Context, rd configPRReads, k release.Key, base, head string) (bool, error) {
	a, an, err := rd.FileAt(ctx, k.Owner, k.Repo, repoConfigPath, base, checklist.MaxFileSize)
	if err != nil {
		return false, err
	}
	b, bn, err := rd.FileAt(ctx, k.Owner, k.Repo, repoConfigPath, head, checklist.MaxFileSize)
	if err != nil {
		return false, err
	}
	return an != bn || !bytes.Equal(a, b) || (a == nil) != (b == nil), nil
}
