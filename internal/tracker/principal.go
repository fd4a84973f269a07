package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ag06mixer/golive/internal/checklist"
	"github.com/ag06mixer/golive/internal/release"
)

// principalGen is the cache key whose value changes whenever a membership
// or team event arrives, making every cached principal stale.
const principalGen = "principal-gen"

// principalTTL is how long a person's permission and team memberships are
// trusted before they are asked of GitHub again.
const principalTTL = 5 * time.Minute

// principal learns the actor's standing: repo permission and config roles.
// If GitHub cannot say, Known stays false (nothing they do counts) and the
// error says why, so the caller may retry first.
func (tr *Tracker) principal(ctx context.Context, gh GitHub, inst int64, cfg *checklist.Config, owner, repo string, p release.Principal) (release.Principal, error) {
	if p.Login == "" || p.Bot {
		return p, nil
	}
	// One generation for all orgs: a team of any org can hold a role of
	// this repo, and membership events are rare.
	// Unsure of the generation, nothing cached is trusted.
	gen, _, genErr := tr.o.Cache.CacheGet(ctx, principalGen)
	key := fmt.Sprintf("principal:%s:%d:%s/%s:%s", gen, inst, strings.ToLower(owner), strings.ToLower(repo), strings.ToLower(p.Login))
	if b, ok, err := tr.o.Cache.CacheGet(ctx, key); genErr == nil && err == nil && ok {
		var c release.Principal
		if json.Unmarshal(b, &c) == nil && c.Login == p.Login {
			c.Teams = teamsOf(c.Roles)
			c.Roles = rolesOf(cfg, c, nil)
			return c, nil
		}
	}
	perm, err := gh.Permission(ctx, owner, repo, p.Login)
	if err != nil {
		tr.o.Log.Warn("permission unknown", "repo", owner+"/"+repo, "user", p.Login, "err", err)
		return p, err
	}
	p.Permission, p.Known, p.CheckedAt = perm, true, tr.o.Clock()
	teams := map[string]bool{}
	for _, r := range cfg.Roles {
		for _, t := range r.Teams {
			if _, done := teams[t]; done {
				continue
			}
			org, slug, ok := strings.Cut(t, "/")
			if !ok {
				continue
			}
			in, at, err := tr.inTeam(ctx, gh, inst, gen, genErr == nil, org, slug, p.Login)
			if err != nil {
				tr.o.Log.Warn("team membership unknown", "team", t, "user", p.Login, "err", err)
				p.Known = false
				return p, err
			}
			teams[t] = in
			if at.Before(p.CheckedAt) {
				p.CheckedAt = at // the standing is as old as its oldest answer
			}
		}
	}
	p.Roles = rolesOf(cfg, p, teams)
	cached := p
	cached.Roles = nil
	for t, in := range teams {
		if in {
			cached.Roles = append(cached.Roles, "team:"+t)
		}
	}
	slices.Sort(cached.Roles)
	p.Teams = teamsOf(cached.Roles)
	// Kept no longer than its oldest answer may be: a team list read
	// minutes ago does not start a fresh five minutes.
	if ttl := principalTTL - tr.o.Clock().Sub(p.CheckedAt); ttl > 0 {
		b, _ := json.Marshal(cached)
		tr.o.Cache.CacheSet(ctx, key, b, ttl)
	}
	return p, nil
}

// teamList is a team's member list as kept in the cache: the logins, or
// Big when the team has more than githubapi.MaxTeamPages pages hold, and
// when GitHub said so.
type teamList struct {
	Logins []string  `json:"logins,omitempty"`
	Big    bool      `json:"big,omitempty"`
	At     time.Time `json:"at"`
}

// inTeam reports whether login is in org/slug and when GitHub said so.
// The team's member list is read once and kept for principalTTL under the
// membership generation, shared by everyone who acts meanwhile (issue
// #18: one read per team, not one per team and person); a membership or
// team event starts a new generation. A team too large for the bounded
// list is asked of person by person, as before. Not trusted (the
// generation unknown), the cache is not read.
func (tr *Tracker) inTeam(ctx context.Context, gh GitHub, inst int64, gen []byte, trusted bool, org, slug, login string) (bool, time.Time, error) {
	// One installation's view: another's token may read the same team
	// differently (not at all, or another org of that name).
	key := fmt.Sprintf("team:%s:%d:%s/%s", gen, inst, strings.ToLower(org), strings.ToLower(slug))
	var l teamList
	if b, ok, err := tr.o.Cache.CacheGet(ctx, key); !trusted || err != nil || !ok || json.Unmarshal(b, &l) != nil || l.At.IsZero() {
		now := tr.o.Clock()
		logins, complete, err := gh.TeamMembers(ctx, org, slug)
		if err != nil {
			return false, time.Time{}, err
		}
		l = teamList{Big: !complete, At: now}
		if complete {
			l.Logins = logins
		}
		// Kept for what is left of its five minutes from when it was
		// asked, not from when the last page came.
		if ttl := principalTTL - tr.o.Clock().Sub(now); ttl > 0 {
			b, _ := json.Marshal(l)
			tr.o.Cache.CacheSet(ctx, key, b, ttl)
		}
	}
	if l.Big {
		now := tr.o.Clock()
		in, err := gh.TeamMember(ctx, org, slug, login)
		return in, now, err
	}
	return slices.ContainsFunc(l.Logins, func(m string) bool { return strings.EqualFold(m, login) }), l.At, nil
}

// teamsOf lists the teams in a cached principal's "team:…" entries.
func teamsOf(roles []string) []string {
	var out []string
	for _, r := range roles {
		if t, ok := strings.CutPrefix(r, "team:"); ok {
			out = append(out, t)
		}
	}
	return out
}

// rolesOf lists the config roles p holds. teams maps "org/slug" to
// membership; when nil, memberships come from p.Roles entries "team:…".
func rolesOf(cfg *checklist.Config, p release.Principal, teams map[string]bool) []string {
	if teams == nil {
		teams = map[string]bool{}
		for _, r := range p.Roles {
			if t, ok := strings.CutPrefix(r, "team:"); ok {
				teams[t] = true
			}
		}
	}
	var out []string
	for _, r := range cfg.Roles {
		held := slices.ContainsFunc(r.Users, func(u string) bool { return strings.EqualFold(u, p.Login) })
		for _, t := range r.Teams {
			held = held || teams[t]
		}
		if r.Permission != "" && checklist.PermissionRank(p.Permission) >= checklist.PermissionRank(r.Permission) {
			held = true
		}
		if held {
			out = append(out, r.ID)
		}
	}
	return out
}
