package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/receipt"
)

func runSimulate(e *env, args []string) error {
	fs := newFlags(e, "simulate", "simulate --config NEW.yml --key PUB FILE|URL…")
	cfgFile := fs.String("config", "", "the proposed .github/golive.yml `file`")
	keyArg := fs.String("key", "", "the receipts' public `key` (as for golive verify)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cfgFile == "" || *keyArg == "" || fs.NArg() == 0 {
		return usageErr("give --config, --key and at least one receipt FILE or URL")
	}
	data, err := os.ReadFile(*cfgFile)
	if err != nil {
		return err
	}
	f, err := checklist.Parse(".github/golive.yml", data)
	if err != nil {
		return fmt.Errorf("%s: %w", *cfgFile, err)
	}
	def, err := checklist.Default()
	if err != nil {
		return err
	}
	cfg, err := checklist.Resolve(def, f)
	if err != nil {
		return fmt.Errorf("%s: %w", *cfgFile, err)
	}
	pub, err := readKey(e.ctx, *keyArg)
	if err != nil {
		return err
	}
	var rs []receipt.Receipt
	for _, a := range fs.Args() {
		text, err := fetch(e.ctx, a)
		if err != nil {
			return err
		}
		ss, err := receipt.FromText(commentText(text))
		if err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
		for _, s := range ss {
			// Only evidence golive signed is replayed.
			r, err := receipt.Verify(s, pub)
			if err != nil {
				return fmt.Errorf("%s: receipt %s: %w", a, s.Digest, err)
			}
			if r.Kind == receipt.KindMerge {
				rs = append(rs, r)
			}
		}
	}
	blocked, allowed := 0, 0
	for _, r := range rs {
		rp := receipt.Simulate(cfg, r)
		switch {
		case rp.WasReady && !rp.NowReady:
			blocked++
		case !rp.WasReady && rp.NowReady:
			allowed++
		}
		fmt.Fprintf(e.stdout, "%s: %s → %s\n", r.Release, readyWord(rp.WasReady), readyWord(rp.NowReady))
		for _, c := range rp.Changes {
			fmt.Fprintf(e.stdout, "  %s: %s → %s%s\n", c.Item, verdictOrGone(c.Was), verdictOrGone(c.Now), map[bool]string{true: " (blocks)", false: ""}[c.Blocking])
		}
	}
	fmt.Fprintf(e.stdout, "this change would have blocked %d and let through %d of the last %d release%s\n", blocked, allowed, len(rs), plural(len(rs)))
	return nil
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
