package githubapi

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/go-github/v60/github"
)

// MaxTeamPages bounds a team's member list at 300 logins: a larger team is
// asked of person by person instead (TeamMember).
const MaxTeamPages = 3

// TeamMembers lists the logins of org/slug's active members, the members
// of its child teams with them (as GitHub's membership read counts them),
// in at most MaxTeamPages pages of 100. complete is false when the team
// has more. A team GitHub does not show (none, or not readable) has no
// members, as TeamMember says of each person.
func (in *Installation) TeamMembers(ctx context.Context, org, slug string) (logins []string, complete bool, err error) {
	opt := &github.TeamListTeamMembersOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for range MaxTeamPages {
		us, resp, err := in.c.Teams.ListTeamMembersBySlug(ctx, org, slug, opt)
		if err != nil {
			if errors.Is(notFound(resp, err), ErrNotFound) {
				return nil, true, nil
			}
			return nil, false, fmt.Errorf("members of %s/%s: %w", org, slug, err)
		}
		for _, u := range us {
			logins = append(logins, u.GetLogin())
		}
		if resp.NextPage == 0 {
			return logins, true, nil
		}
		opt.Page = resp.NextPage
	}
	return logins, false, nil
}
