package githubapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ag06mixer/golive/internal/githubapi"
)

// TestTeamMembers: a team's members come back over its pages; one past
// MaxTeamPages pages is said incomplete (asked person by person then);
// a team GitHub does not show has none.
func TestTeamMembers(t *testing.T) {
	f := newFake(t)
	f.AddRepo("o", "r")
	in := clocked(t, f, &fakeClock{now: time.Now()})
	ctx := context.Background()
	for i := range 150 {
		f.AddTeamMember("acme/qa", fmt.Sprintf("u%03d", i))
	}
	for i := range githubapi.MaxTeamPages*100 + 1 {
		f.AddTeamMember("acme/all", fmt.Sprintf("u%04d", i))
	}
	got, complete, err := in.TeamMembers(ctx, "acme", "qa")
	if err != nil || !complete || len(got) != 150 || got[149] != "u149" {
		t.Fatalf("acme/qa: %d members, complete %v, err %v", len(got), complete, err)
	}
	f.ResetCounts()
	if _, complete, err := in.TeamMembers(ctx, "acme", "all"); err != nil || complete {
		t.Fatalf("acme/all: complete %v, err %v; want incomplete", complete, err)
	}
	if n := f.Count("GET /orgs/{org}/teams/{team_slug}/members"); n != githubapi.MaxTeamPages {
		t.Errorf("acme/all cost %d reads, want %d", n, githubapi.MaxTeamPages)
	}
	if got, complete, err := in.TeamMembers(ctx, "acme", "none"); err != nil || !complete || len(got) != 0 {
		t.Fatalf("acme/none: %v, complete %v, err %v", got, complete, err)
	}
}
