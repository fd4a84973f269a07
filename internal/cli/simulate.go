package cli

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
)

const simulateUsage = "simulate --config NEW.yml --key PUB OWNER/REPO [--last N | PR…]\n" +
	"       golive simulate --config NEW.yml --key PUB FILE|URL…\n\n" +
	"Replays recorded releases under a proposed config: the merge receipts on a repository's\n" +
	"tracking issues (read with GITHUB_TOKEN when set, from GOLIVE_GITHUB_API_URL), or receipt files.\n" +
	"Only receipts that verify under the key are replayed; the others are reported."

// repoArg matches OWNER/REPO, which no receipt file or URL is named like
// unless it exists as a file.
var repoArg = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

func runSimulate(e *env, args []string) error {
	fs := newFlags(e, "simulate", simulateUsage)
	cfgFile := fs.String("config", "", "the proposed .github/golive.yml `file`")
	keyArg := fs.String("key", "", "the receipts' public `key` (as for golive verify)")
	last := fs.Int("last", 20, "with OWNER/REPO: replay the last `N` recorded releases")
	api := fs.String("github-api-url", e.getenv("GOLIVE_GITHUB_API_URL"), "GitHub REST API root `URL` (default https://api.github.com/)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *cfgFile == "" || *keyArg == "" || len(pos) == 0 {
		return usageErr("give --config, --key and OWNER/REPO or at least one receipt FILE or URL")
	}
	cfg, err := proposedConfig(*cfgFile)
	if err != nil {
		return err
	}
	pub, err := readKey(e.ctx, *keyArg)
	if err != nil {
		return err
	}
	if repoArg.MatchString(pos[0]) && !fileExists(pos[0]) {
		return simulateRepo(e, cfg, pub, *api, pos[0], pos[1:], *last)
	}
	rs, err := receiptFiles(e, pos, pub)
	if err != nil {
		return err
	}
	printReplays(e.stdout, cfg, rs)
	return nil
}

// proposedConfig reads the proposed repo file over the built-in default,
// as serve layers it, and names every problem with its line.
func proposedConfig(path string) (*checklist.Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > checklist.MaxFileSize {
		return nil, fmt.Errorf("%s: %s", path, checklist.TooLarge(path, st.Size()).Msg)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg, orgPs, ps := checklist.CheckOrgAndRepo(nil, checklist.Layer{Name: path, Data: data})
	if all := append(orgPs, ps...); len(all) > 0 {
		return nil, fmt.Errorf("%s has %d problem%s:\n%s", path, len(all), plural(len(all)), problemLines(all))
	}
	return cfg, nil
}

func problemLines(ps checklist.Problems) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s:%d:%d: %s\n", p.Pos.File, p.Pos.Line, p.Pos.Col, p.Msg)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// receiptFiles reads the merge receipts in files or at URLs; one that
// fails verification stops the command (the operator named it).
func receiptFiles(e *env, args []string, pub ed25519.PublicKey) ([]receipt.Receipt, error) {
	var rs []receipt.Receipt
	for _, a := range args {
		text, err := fetch(e.ctx, a)
		if err != nil {
			return nil, err
		}
		ss, err := receipt.FromText(commentText(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		for _, s := range ss {
			// Only evidence golive signed is replayed.
			r, err := receipt.Verify(s, pub)
			if err != nil {
				return nil, fmt.Errorf("%s: receipt %s: %w", a, s.Digest, err)
			}
			if r.Kind == receipt.KindMerge {
				rs = append(rs, r)
			}
		}
	}
	return rs, nil
}

// printReplays prints, per release, the items whose verdicts would
// change, then the summary line.
func printReplays(w io.Writer, cfg *checklist.Config, rs []receipt.Receipt) {
	rps := make([]receipt.Replay, 0, len(rs))
	for _, r := range rs {
		rp := receipt.Simulate(cfg, r)
		rps = append(rps, rp)
		fmt.Fprintf(w, "%s: %s → %s\n", r.Release, readyWord(rp.WasReady), readyWord(rp.NowReady))
		for _, c := range rp.Changes {
			fmt.Fprintf(w, "  %s: %s → %s%s\n", c.Item, verdictOrGone(c.Was), verdictOrGone(c.Now), map[bool]string{true: " (blocks)", false: ""}[c.Blocking])
		}
	}
	fmt.Fprintln(w, receipt.Summary(rps))
}

func readyWord(ok bool) string {
	if ok {
		return "ready"
	}
	return "blocked"
}

func verdictOrGone(v string) string {
	if strings.TrimSpace(v) == "" {
		return "(not in the config)"
	}
	return v
}
