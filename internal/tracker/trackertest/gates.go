package trackertest

import (
	"context"

	"github.com/ag06mixer/golive/internal/release"
)

func (g *GitHub) CreateCheckRun(_ context.Context, _, _ string, c release.CheckRun) (int64, error) {
	err := g.call("CreateCheckRun")
	defer g.mu.Unlock()
	if err != nil {
		return 0, err
	}
	id := g.id()
	g.CheckRuns[id] = &Check{CheckRun: c}
	g.wrote("CreateCheckRun %d on %s %s", id, c.SHA, c.Conclusion)
	return id, nil
}

func (g *GitHub) UpdateCheckRun(_ context.Context, _, _ string, id int64, c release.CheckRun) error {
	err := g.call("UpdateCheckRun")
	defer g.mu.Unlock()
	if err != nil {
		return err
	}
	old, ok := g.CheckRuns[id]
	if !ok {
		return StatusError{404}
	}
	g.CheckRuns[id] = &Check{CheckRun: c, Updates: old.Updates + 1}
	g.wrote("UpdateCheckRun %d %s", id, c.Conclusion)
	return nil
}

func (g *GitHub) ReviewDeployment(_ context.Context, _, _ string, runID int64, env string, approve bool, comment string) error {
	err := g.call("ReviewDeployment")
	defer g.mu.Unlock()
	if err != nil {
		return err
	}
	g.Reviews = append(g.Reviews, Review{RunID: runID, Env: env, Approve: approve, Comment: comment})
	g.wrote("ReviewDeployment %d %s %t", runID, env, approve)
	return nil
}
