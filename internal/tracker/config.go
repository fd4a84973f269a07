package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// repoConfig is a repo's resolved config and, when its files are invalid,
// their problems (the gate fails on them; the config is the last good one).
type repoConfig struct {
	cfg      *checklist.Config
	problems []release.ConfigProblem
	at       time.Time
}

// configCache keeps resolved configs in process for a short time: config
// changes reach golive within ConfigTTL, and a burst of events costs one
// read of the files.
type configCache struct {
	mu sync.Mutex
	m  map[string]repoConfig
}

// lastGood is what is kept in Redis of a config that resolved.
type lastGood struct {
	Repo []byte `json:"repo,omitempty"`
	Org  []byte `json:"org,omitempty"`
}

// config returns the repo's config: read from its default branch with the
// org and built-in fallbacks. A transient error falls back to the last
// good config; only when there is none does the event wait for a retry.
func (tr *Tracker) config(ctx context.Context, gh GitHub, owner, repo string) (repoConfig, error) {
	full := owner + "/" + repo
	now := tr.o.Clock()
	tr.cfgs.mu.Lock()
	c, ok := tr.cfgs.m[full]
	tr.cfgs.mu.Unlock()
	if ok && now.Sub(c.at) < tr.o.ConfigTTL {
		return c, nil
	}
	repoFile, orgFile, err := gh.ConfigFiles(ctx, owner, repo)
	if err != nil {
		if lg, ok := tr.loadLastGood(ctx, full); ok {
			tr.o.Log.Warn("config unreadable; using the last good one", "repo", full, "err", err)
			cfg, _ := resolve(lg.Repo, lg.Org)
			return repoConfig{cfg: cfg, at: now}, nil
		}
		return repoConfig{}, fmt.Errorf("read config of %s: %w", full, err)
	}
	cfg, problems := resolve(repoFile, orgFile)
	if len(problems) == 0 {
		problems = tr.deniedTargets(cfg)
	}
	if len(problems) > 0 {
		if lg, ok := tr.loadLastGood(ctx, full); ok {
			if good, ps := resolve(lg.Repo, lg.Org); len(ps) == 0 {
				cfg = good
			}
		}
	} else {
		b, _ := json.Marshal(lastGood{Repo: repoFile, Org: orgFile})
		if err := tr.o.Cache.CacheSet(ctx, "config:"+full, b, 0); err != nil {
			tr.o.Log.Warn("could not keep the last good config", "repo", full, "err", err)
		}
	}
	c = repoConfig{cfg: cfg, problems: problems, at: now}
	tr.cfgs.mu.Lock()
	tr.cfgs.m[full] = c
	tr.cfgs.mu.Unlock()
	return c, nil
}

// deniedTargets runs the check `golive validate` runs on probe targets
// against the server's own guard, so a repo config that names a denied
// host (a literal private address, localhost) fails the gate with the
// item's line, exactly as validate reports it. The guard still refuses
// the dial at run time; this makes the refusal visible and closes the gate.
func (tr *Tracker) deniedTargets(cfg *checklist.Config) []release.ConfigProblem {
	tc, ok := tr.o.Prober.(TargetChecker)
	if !ok {
		return nil
	}
	var out []release.ConfigProblem
	for _, t := range cfg.ProbeTargets() {
		if err := tc.CheckTarget(t.Host); err != nil {
			path := t.Pos.File
			if path == "" {
				path = ".github/golive.yml"
			}
			out = append(out, release.ConfigProblem{Path: path, Line: t.Pos.Line, Col: t.Pos.Col, Message: fmt.Sprintf("item %q: probe target %s", t.Item, err)})
		}
	}
	return out
}

func (tr *Tracker) loadLastGood(ctx context.Context, full string) (lastGood, bool) {
	b, ok, err := tr.o.Cache.CacheGet(ctx, "config:"+full)
	if err != nil || !ok {
		return lastGood{}, false
	}
	var lg lastGood
	return lg, json.Unmarshal(b, &lg) == nil
}

// resolve layers built-in ← org ← repo. Problems come back as check run
// annotations; the config returned is then the built-in one (or the one
// the valid layers give), never an empty one.
func resolve(repoFile, orgFile []byte) (*checklist.Config, []release.ConfigProblem) {
	def, err := checklist.Default()
	if err != nil {
		panic("built-in checklist: " + err.Error()) // tested; cannot happen in a release build
	}
	layers := []*checklist.File{def}
	var problems []release.ConfigProblem
	add := func(name string, data []byte) {
		if len(data) == 0 {
			return
		}
		if len(data) > checklist.MaxFileSize {
			problems = append(problems, release.ConfigProblem{Path: name, Line: 1, Col: 1, Message: fmt.Sprintf("file is %d bytes, over the %d-byte limit", len(data), checklist.MaxFileSize)})
			return
		}
		f, err := checklist.Parse(name, data)
		if err != nil {
			problems = append(problems, toProblems(name, err)...)
			return
		}
		layers = append(layers, f)
	}
	add("golive.yml", orgFile)
	add(".github/golive.yml", repoFile)
	cfg, err := checklist.Resolve(layers...)
	if err != nil {
		problems = append(problems, toProblems(".github/golive.yml", err)...)
		cfg, _ = checklist.Resolve(def)
	}
	return cfg, problems
}

func toProblems(name string, err error) []release.ConfigProblem {
	var ps checklist.Problems
	if !errors.As(err, &ps) {
		return []release.ConfigProblem{{Path: name, Line: 1, Col: 1, Message: err.Error()}}
	}
	out := make([]release.ConfigProblem, 0, len(ps))
	for _, p := range ps {
		path := p.Pos.File
		if path == "" {
			path = name
		}
		out = append(out, release.ConfigProblem{Path: path, Line: p.Pos.Line, Col: p.Pos.Col, Message: p.Msg})
	}
	return out
}
